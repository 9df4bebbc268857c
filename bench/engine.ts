// An engine for benches: real database in a temp folder, a no-op kind, system clock.
import { z } from 'zod';
import { createEngine, type Engine } from '../src/core/index';

export function benchEngine(dataDir: string): Engine {
  return createEngine({
    dataDir,
    kinds: { noop: { input: z.unknown(), run: () => null } },
    logger: { info() {}, warn: console.warn, error: console.error },
  });
}

export const quick = process.env.BENCH_QUICK === '1';
