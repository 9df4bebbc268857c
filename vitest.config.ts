import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'bench/**/*.test.ts', 'fuzz/**/*.test.ts', 'soak/**/*.test.ts'],
    // Child-process tests (crash recovery, the CLI spawning node + tsx ~10 times) take
    // several seconds on two cores, and 3x that when the VM is in a slow phase.
    testTimeout: 60_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Two files at a time on two cores (vitest's default is cores - 1 = one): most slow files
    // wait on the child processes they start. Measured: 353 s → 269 s for the whole suite.
    maxWorkers: 2,
    // Files share a worker's module cache (no test file leans on a fresh one): the suite's
    // imports went from 40 s to 11 s, the whole from ~323 s to ~293 s (three workers: 307 s).
    isolate: false,
    // A Tasklane a test starts (and the serve it spawns) never shows a desktop notification.
    env: { TASKLANE_DESKTOP_NOTIFY: 'off' },
  },
});
