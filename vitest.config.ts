import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Child-process tests (crash recovery) take a few seconds on two cores.
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
