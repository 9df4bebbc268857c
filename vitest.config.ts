import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'bench/**/*.test.ts', 'fuzz/**/*.test.ts', 'soak/**/*.test.ts'],
    // Child-process tests (crash recovery, the CLI spawning node + tsx ~10 times) take
    // several seconds on two cores, and 3x that when the VM is in a slow phase.
    testTimeout: 60_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
