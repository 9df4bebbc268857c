// The real window (the renderer build in out/renderer) in Chromium, against a real
// `tasklane serve` per test. The browser: CHROMIUM_PATH, /usr/bin/chromium, Playwright's, or
// one installed now (browser.ts).
import { defineConfig } from '@playwright/test';
import { browserHere } from './browser';

// The serves the tests start never show a desktop notification (they inherit this).
process.env.TASKLANE_DESKTOP_NOTIFY = 'off';

export default defineConfig({
  testDir: '.',
  // Two at a time on two cores (each test its own serve and page): npm test stays under 10
  // minutes (vitest is done when these start, so the cores are theirs).
  workers: 2,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: browserHere(),
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run', '--disable-quic'],
    },
    trace: 'off',
  },
});
