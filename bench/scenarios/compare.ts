// Side by side, in one process run: Tasklane, plainjobs (a SQLite job queue for Node, 8
// workers, 1 ms poll), BullMQ on a local redis-server (when installed) and p-queue alone in
// memory (no durability: the ceiling).
// Enqueue one per call, and drain of N no-op jobs at concurrency 8.
import Database from 'better-sqlite3';
import PQueue from 'p-queue';
import { defineQueue, defineWorker } from 'plainjobs';
import { median, perSecond, record, withTempDir } from '../lib';
import { benchEngine, drainNoops, quick } from '../engine';
import { redisMissing, runBullmq } from '../bullmq';

const SIZES = quick ? [2_000] : [20_000, 100_000];
const ENQ = quick ? 2_000 : 20_000;
const ROUNDS = quick ? 1 : 3;
const silent = { error() {}, warn() {}, info() {}, debug() {} };

async function plainjobs(dir: string, n: number, round = 0): Promise<{ enqueue: number; drain: number }> {
  const db = new Database(`${dir}/plainjobs-${n}-${round}.db`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const queue = defineQueue({ connection: db, logger: silent });
  let t0 = performance.now();
  for (let i = 0; i < n; i++) queue.add('noop', { i });
  const enqueue = perSecond(n, performance.now() - t0);
  let done = 0;
  let finish!: () => void;
  const all = new Promise<void>((r) => { finish = r; });
  const workers = Array.from({ length: 8 }, () => defineWorker('noop', () => {}, {
    queue, pollIntervall: 1, logger: silent, onCompleted: () => { if (++done === n) finish(); },
  }));
  t0 = performance.now();
  for (const w of workers) void w.start();
  await all;
  const drain = perSecond(n, performance.now() - t0);
  await Promise.all(workers.map((w) => w.stop()));
  queue.close();
  return { enqueue, drain };
}

async function pqueue(n: number): Promise<number> {
  const q = new PQueue({ concurrency: 8 });
  const t0 = performance.now();
  for (let i = 0; i < n; i++) void q.add(() => null);
  await q.onIdle();
  return perSecond(n, performance.now() - t0);
}

await withTempDir(async (dir) => {
  const engine = benchEngine(`${dir}/enqueue`);
  let t0 = performance.now();
  for (let i = 0; i < ENQ; i++) engine.enqueue({ kind: 'noop', input: { i } });
  const tlEnqueue = perSecond(ENQ, performance.now() - t0);
  await engine.stop();
  const pj = await plainjobs(dir, ENQ);
  record({ scenario: 'compare', system: 'tasklane', metric: 'enqueue, one per call', value: tlEnqueue, unit: 'runs/s', note: `${(tlEnqueue / pj.enqueue).toFixed(1)}× plainjobs` });
  record({ scenario: 'compare', system: 'plainjobs', metric: 'enqueue, one per call', value: pj.enqueue, unit: 'jobs/s' });

  const tlDrain = new Map<number, number>();
  for (const n of SIZES) {
    const label = `drain ${n.toLocaleString('en-US')} no-op, concurrency 8`;
    // This VM's speed drifts by ±25% within a minute: the two systems take turns, ROUNDS
    // times, and each keeps its median.
    const tls: number[] = [];
    const pjs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      tls.push(await drainNoops(`${dir}/tasklane-${n}-${round}`, n));
      pjs.push((await plainjobs(dir, n, round)).drain);
    }
    const tl = median(tls);
    const p = median(pjs);
    tlDrain.set(n, tl);
    const mem = await pqueue(n);
    record({ scenario: 'compare', system: 'tasklane', metric: label, value: tl, unit: 'runs/s', target: '≥ 3× plainjobs', note: `median of ${tls.join(', ')}; ${(tl / p).toFixed(1)}× plainjobs, ${(tl / mem * 100).toFixed(1)}% of p-queue in memory` });
    record({ scenario: 'compare', system: 'plainjobs (8 workers, 1 ms poll)', metric: label, value: p, unit: 'jobs/s', note: `median of ${pjs.join(', ')}` });
    record({ scenario: 'compare', system: 'p-queue, in memory (not durable)', metric: label, value: mem, unit: 'jobs/s' });
  }
  const missing = redisMissing();
  if (missing) {
    record({ scenario: 'compare', system: 'BullMQ + redis-server', metric: 'skipped', value: 0, unit: '-', note: missing });
    return;
  }
  const bull = await runBullmq(dir, ENQ, SIZES);
  const system = 'BullMQ + redis-server (AOF everysec)';
  record({ scenario: 'compare', system, metric: 'enqueue, one per call', value: bull.enqueue, unit: 'jobs/s', note: `Tasklane is ${(tlEnqueue / bull.enqueue).toFixed(1)}×` });
  record({ scenario: 'compare', system, metric: 'addBulk, 1,000 per call', value: bull.bulk, unit: 'jobs/s' });
  for (const [n, rate] of bull.drain) {
    const tl = tlDrain.get(n)!;
    record({ scenario: 'compare', system, metric: `drain ${n.toLocaleString('en-US')} no-op, concurrency 8`, value: rate, unit: 'jobs/s', note: `Tasklane is ${(tl / rate).toFixed(1)}×` });
  }
});
