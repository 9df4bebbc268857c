// Enqueue throughput: one run per call (one transaction each), and enqueueMany (one
// transaction for the batch). The engine is not started, so nothing drains meanwhile.
// One per call takes turns with raw one-row INSERTs into the same table, ROUNDS times, each
// keeping its median: this VM's speed drifts too much to compare rows run minutes apart.
import { median, perSecond, record, withTempDir } from '../lib';
import { benchEngine, oneRowRunInserts, quick } from '../engine';

const N = quick ? 5_000 : 50_000;
const BULK = quick ? 10_000 : 100_000;
const ROUNDS = quick ? 1 : 3;

await withTempDir(async (dir) => {
  const ones: number[] = [];
  const raws: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const engine = benchEngine(`${dir}/engine-${round}`);
    const t0 = performance.now();
    for (let i = 0; i < N; i++) engine.enqueue({ kind: 'noop' });
    ones.push(perSecond(N, performance.now() - t0));
    await engine.stop();
    raws.push(oneRowRunInserts(`${dir}/raw-${round}/runs.db`, N));
  }
  const one = median(ones);
  const raw = median(raws);
  record({ scenario: 'enqueue', system: 'tasklane', metric: 'enqueue, one per call', value: one, unit: 'runs/s',
    target: '≥ 60% of raw one-row INSERT into runs', note: `median of ${ones.join(', ')}; ${(one / raw * 100).toFixed(0)}% of raw INSERTs taking turns with it` });
  record({ scenario: 'enqueue', system: 'raw better-sqlite3', metric: 'one-row INSERT into runs, taking turns with enqueue', value: raw, unit: 'tx/s',
    note: `median of ${raws.join(', ')}` });

  const engine = benchEngine(`${dir}/bulk`);
  const runs = Array.from({ length: BULK }, () => ({ kind: 'noop' }));
  const t0 = performance.now();
  engine.enqueueMany({ runs });
  record({ scenario: 'enqueue', system: 'tasklane', metric: `enqueueMany (${BULK.toLocaleString('en-US')} in one call)`, value: perSecond(BULK, performance.now() - t0), unit: 'runs/s' });
  await engine.stop();
});
