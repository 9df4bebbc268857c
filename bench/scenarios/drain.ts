// End to end: N no-op runs queued, one lane at concurrency 8, until every run is durably
// marked succeeded (engine.idle() resolves after the last commit).
import { perSecond, record, withTempDir } from '../lib';
import { benchEngine, quick } from '../engine';

for (const n of quick ? [2_000] : [20_000, 100_000]) {
  await withTempDir(async (dir) => {
    const engine = benchEngine(dir);
    engine.updateLane({ name: 'default', concurrency: 8 });
    for (let i = 0; i < n; i += 50_000) {
      engine.enqueueMany({ runs: Array.from({ length: Math.min(50_000, n - i) }, () => ({ kind: 'noop' })) });
    }
    const t0 = performance.now();
    engine.start();
    await engine.idle();
    const ms = performance.now() - t0;
    const done = engine.counts().total.succeeded;
    if (done !== n) throw new Error(`only ${done} of ${n} succeeded`);
    record({ scenario: 'drain', system: 'tasklane', metric: `${n.toLocaleString('en-US')} no-op runs, concurrency 8`, value: perSecond(n, ms), unit: 'runs/s', target: '≥ 40,000' });
    await engine.stop();
  });
}
