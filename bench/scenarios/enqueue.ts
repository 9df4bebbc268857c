// Enqueue throughput: one run per call (one transaction each), and enqueueMany (one
// transaction for the batch). The engine is not started, so nothing drains meanwhile.
import { perSecond, record, withTempDir } from '../lib';
import { benchEngine, quick } from '../engine';

const N = quick ? 5_000 : 50_000;
const BULK = quick ? 10_000 : 100_000;

await withTempDir(async (dir) => {
  const engine = benchEngine(dir);
  let t0 = performance.now();
  for (let i = 0; i < N; i++) engine.enqueue({ kind: 'noop' });
  record({ scenario: 'enqueue', system: 'tasklane', metric: 'enqueue, one per call', value: perSecond(N, performance.now() - t0), unit: 'runs/s', target: '≥ 80,000' });
  const runs = Array.from({ length: BULK }, () => ({ kind: 'noop' }));
  t0 = performance.now();
  engine.enqueueMany({ runs });
  record({ scenario: 'enqueue', system: 'tasklane', metric: `enqueueMany (${BULK.toLocaleString('en-US')} in one call)`, value: perSecond(BULK, performance.now() - t0), unit: 'runs/s', target: '≥ 800,000' });
  await engine.stop();
});
