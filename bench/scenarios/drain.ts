// End to end: N no-op runs queued, one lane at concurrency 8, until every run is durably
// marked succeeded (engine.idle() resolves after the last commit).
// This VM's speed drifts by ±25% within a minute, and raw one-row UPDATEs (bound by write
// syscalls) drift differently from the drain (bound by CPU). So the drain and the raw
// UPDATE transactions it is compared with take turns, ROUNDS times, and each keeps its median.
import { median, record, withTempDir } from '../lib';
import { drainNoops, oneRowTransactions, quick } from '../engine';

const ROUNDS = quick ? 1 : 3;

for (const n of quick ? [2_000] : [20_000, 100_000]) {
  await withTempDir(async (dir) => {
    const drains: number[] = [];
    const updates: number[] = [];
    const listened: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      drains.push(await drainNoops(`${dir}/drain-${round}`, n));
      updates.push(oneRowTransactions(dir, quick ? 5_000 : 50_000).updates);
      listened.push(await drainNoops(`${dir}/listened-${round}`, n, true));
    }
    const value = median(drains);
    const raw = median(updates);
    record({ scenario: 'drain', system: 'tasklane', metric: `${n.toLocaleString('en-US')} no-op runs, concurrency 8`, value, unit: 'runs/s',
      target: '≥ 45% of raw one-row UPDATE tx/s', note: `median of ${drains.join(', ')}; ${(value / raw * 100).toFixed(0)}% of raw one-row UPDATEs taking turns with it` });
    record({ scenario: 'drain', system: 'raw better-sqlite3', metric: `one-row UPDATE transactions, taking turns with the ${n.toLocaleString('en-US')} drain`, value: raw, unit: 'tx/s',
      note: `median of ${updates.join(', ')}` });
    record({ scenario: 'drain', system: 'tasklane', metric: `${n.toLocaleString('en-US')} no-op runs, concurrency 8, a listener on every event (as with the window open)`,
      value: median(listened), unit: 'runs/s', note: `median of ${listened.join(', ')}` });
  });
}
