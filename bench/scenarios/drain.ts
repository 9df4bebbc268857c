// End to end: N no-op runs queued, one lane at concurrency 8, until every run is durably
// marked succeeded (engine.idle() resolves after the last commit).
import { record, withTempDir } from '../lib';
import { drainNoops, quick } from '../engine';

for (const n of quick ? [2_000] : [20_000, 100_000]) {
  await withTempDir(async (dir) => {
    const value = await drainNoops(dir, n);
    record({ scenario: 'drain', system: 'tasklane', metric: `${n.toLocaleString('en-US')} no-op runs, concurrency 8`, value, unit: 'runs/s', target: '≥ 40,000' });
  });
}
