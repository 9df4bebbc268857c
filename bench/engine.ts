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

/** Queues `n` no-op runs on the default lane, 50,000 per enqueueMany call. */
export function queueNoops(engine: Engine, n: number): void {
  for (let i = 0; i < n; i += 50_000) {
    engine.enqueueMany({ runs: Array.from({ length: Math.min(50_000, n - i) }, () => ({ kind: 'noop' })) });
  }
}

/** End to end: `n` no-op runs queued, the default lane at concurrency 8, timed from start()
 *  until every run is durably succeeded (idle() resolves after the last commit). */
export async function drainNoops(dataDir: string, n: number): Promise<number> {
  const engine = benchEngine(dataDir);
  try {
    engine.updateLane({ name: 'default', concurrency: 8 });
    queueNoops(engine, n);
    const t0 = performance.now();
    await engine.start();
    await engine.idle();
    const ms = performance.now() - t0;
    const done = engine.counts().total.succeeded;
    if (done !== n) throw new Error(`only ${done} of ${n} succeeded`);
    return Math.round((n / ms) * 1000);
  } finally {
    await engine.stop();
  }
}

export const quick = process.env.BENCH_QUICK === '1';
