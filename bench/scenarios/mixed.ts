// A mixed workload on the real clock: three lanes at once (serial; 4 wide; 4 wide but
// rate-limited to 100 starts/s), 10% of runs failing their first attempt and retried.
// Reports total runs/s and each lane's own rate while they all competed (fairness: no lane
// starves another; the rate-limited lane should sit at its limit).
import { z } from 'zod';
import { createEngine } from '../../src/core/index';
import { perSecond, record, withTempDir } from '../lib';
import { quick } from '../engine';

const PER_LANE = quick ? { serial: 300, wide: 600, limited: 100 } : { serial: 3000, wide: 6000, limited: 500 };

await withTempDir(async (dir) => {
  const engine = createEngine({
    dataDir: dir,
    kinds: {
      work: {
        input: z.object({ fail: z.boolean() }),
        run: async (input: { fail: boolean }, ctx) => {
          await new Promise((r) => setImmediate(r));
          if (input.fail && ctx.attempt === 1) throw new Error('transient');
          return null;
        },
      },
    },
  });
  engine.createLane({ name: 'wide', concurrency: 4 });
  engine.createLane({ name: 'limited', concurrency: 4, rateLimit: { max: 100, intervalMs: 1000 } });
  const done: Record<string, number[]> = { serial: [], wide: [], limited: [] };
  engine.on('run.succeeded', (e) => done[e.lane]?.push(performance.now()));
  const limitedStarts: number[] = [];
  engine.on('run.started', (e) => { if (e.lane === 'limited') limitedStarts.push(e.at); }); // the engine's own clock
  let i = 0;
  for (const [lane, n] of Object.entries(PER_LANE)) {
    engine.enqueueMany({ runs: Array.from({ length: n }, () => ({
      kind: 'work', lane, input: { fail: i++ % 10 === 0 }, maxAttempts: 3, backoff: { type: 'fixed', delayMs: 10, jitter: 0 },
    })) });
  }
  const t0 = performance.now();
  await engine.start();
  const total = Object.values(PER_LANE).reduce((a, b) => a + b, 0);
  while (Object.values(done).reduce((a, d) => a + d.length, 0) < total) await new Promise((r) => setTimeout(r, 20));
  const ms = performance.now() - t0;
  record({ scenario: 'mixed', system: 'tasklane', metric: `3 lanes, ${total.toLocaleString('en-US')} runs, 10% retried`, value: perSecond(total, ms), unit: 'runs/s' });
  // While every lane still had work: until the first lane ran dry.
  const overlap = Math.min(...Object.values(done).map((d) => d[d.length - 1])) - t0;
  for (const [lane, d] of Object.entries(done)) {
    const during = d.filter((t) => t - t0 <= overlap).length;
    record({ scenario: 'mixed', system: 'tasklane', metric: `lane ${lane}: runs/s while all lanes were busy`, value: perSecond(during, overlap), unit: 'runs/s' });
  }
  // The rate limit is a sliding window: never more than 100 starts in any 1 s.
  const most = Math.max(...limitedStarts.map((t) => limitedStarts.filter((s) => s >= t && s < t + 1000).length));
  record({ scenario: 'mixed', system: 'tasklane', metric: 'lane limited: most starts in any 1 s window', value: most, unit: 'starts', target: '≤ 100' });
  await engine.stop();
});
