// The real window (the renderer build in out/renderer) in Debian's Chromium, against a real
// `tasklane serve` per test. No browser download: CHROMIUM_PATH or /usr/bin/chromium.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  // Two cores: one engine and one browser at a time.
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run', '--disable-quic'],
    },
    trace: 'off',
  },
});
