// Enqueue → start latency at a steady 500 runs/s for 10 s, on the real clock.
import { percentile, record, withTempDir } from '../lib';
import { quick } from '../engine';
import { z } from 'zod';
import { createEngine } from '../../src/core/index';

const RATE = 500;
const SECONDS = quick ? 1 : 10;

await withTempDir(async (dir) => {
  const enqueuedAt = new Map<number, number>();
  const latencies: number[] = [];
  const engine = createEngine({
    dataDir: dir,
    kinds: {
      noop: {
        input: z.unknown(),
        run: (_i, ctx) => { latencies.push(performance.now() - enqueuedAt.get(ctx.runId)!); enqueuedAt.delete(ctx.runId); return null; },
      },
    },
  });
  engine.start();
  const total = RATE * SECONDS;
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    // Sleep until this run's slot in the schedule, then enqueue it.
    const due = t0 + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const at = performance.now();
    const { id } = engine.enqueue({ kind: 'noop' });
    enqueuedAt.set(id, at);
  }
  await engine.idle();
  latencies.sort((a, b) => a - b);
  const row = (metric: string, value: number, target?: string) =>
    record({ scenario: 'latency', system: 'tasklane', metric, value: Math.round(value * 1000) / 1000, unit: 'ms', ...(target && { target }) });
  row(`enqueue→start p50 at ${RATE}/s`, percentile(latencies, 50));
  row(`enqueue→start p99 at ${RATE}/s`, percentile(latencies, 99), '≤ 5');
  row(`enqueue→start max at ${RATE}/s`, latencies[latencies.length - 1]);
  await engine.stop();
});
