// An engine for benches: real database in a temp folder, a no-op kind, system clock.
import Database from 'better-sqlite3';
import { z } from 'zod';
import { createEngine, type Engine } from '../src/core/index';
import { openDatabase } from '../src/core/db/open';
import { perSecond } from './lib';

export function benchEngine(dataDir: string): Engine {
  return createEngine({
    dataDir,
    kinds: {
      noop: { input: z.unknown(), run: () => null },
      // Writes one log line: the drain with logs on (the search index follows them).
      logline: { input: z.unknown(), run: (_input: unknown, ctx: { runId: number; log(stream: 'stdout', text: string): void }) => {
        ctx.log('stdout', `run ${ctx.runId}: copied 1432 files to /mnt/backup in 2.1 s`);
        return null;
      } },
    },
    logger: { info() {}, warn: console.warn, error: console.error },
  });
}

/** The input of a run with logs on: words to index, as a real command has. */
export const LOGGED_INPUT = { command: 'rsync', args: ['-a', '/home/me/Photos', '/mnt/backup'] };

/** Queues `n` no-op runs on the default lane, 50,000 per enqueueMany call (`logs`: runs
 *  that write a log line, with an input to index). */
export function queueNoops(engine: Engine, n: number, logs = false): void {
  const run = logs ? { kind: 'logline', input: LOGGED_INPUT } : { kind: 'noop' };
  for (let i = 0; i < n; i += 50_000) {
    engine.enqueueMany({ runs: Array.from({ length: Math.min(50_000, n - i) }, () => run) });
  }
}

/** End to end: `n` no-op runs queued, the default lane at concurrency 8, timed from start()
 *  until every run is durably succeeded (idle() resolves after the last commit).
 *  `listen`: a listener takes every event, as the window and `tasklane serve` do. */
export async function drainNoops(dataDir: string, n: number, listen = false): Promise<number> {
  const engine = benchEngine(dataDir);
  if (listen) engine.on('*', () => {});
  try {
    engine.updateLane({ name: 'default', concurrency: 8 });
    queueNoops(engine, n);
    const t0 = performance.now();
    await engine.start();
    await engine.idle();
    const ms = performance.now() - t0;
    const done = engine.counts().total.succeeded;
    if (done !== n) throw new Error(`only ${done} of ${n} succeeded`);
    return perSecond(n, ms);
  } finally {
    await engine.stop();
  }
}

export const quick = process.env.BENCH_QUICK === '1';

/** Raw better-sqlite3, same pragmas as the engine: `n` one-row INSERT transactions into a
 *  bare table, then `n` one-row UPDATE transactions by primary key (the physical limit). */
export function oneRowTransactions(dir: string, n: number): { inserts: number; updates: number } {
  const db = new Database(`${dir}/raw-${Date.now()}-${Math.random().toString(36).slice(2)}.db`);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('CREATE TABLE jobs (id INTEGER PRIMARY KEY, payload TEXT NOT NULL, status TEXT NOT NULL)');
    const insert = db.prepare(`INSERT INTO jobs (payload, status) VALUES ('{}', 'queued')`);
    let t0 = performance.now();
    for (let i = 0; i < n; i++) insert.run();
    const inserts = perSecond(n, performance.now() - t0);
    const update = db.prepare(`UPDATE jobs SET status = 'done' WHERE id = ?`);
    t0 = performance.now();
    for (let i = 1; i <= n; i++) update.run(i);
    return { inserts, updates: perSecond(n, performance.now() - t0) };
  } finally {
    db.close();
  }
}

/** A queued no-op run in Tasklane's `runs` table, bound to (runAt, createdAt, updatedAt). */
export function insertQueuedRun(sqlite: Database.Database) {
  return sqlite.prepare<[number, number, number]>(`INSERT INTO runs (kind, input, lane, priority, status, run_at,
    created_at, updated_at, max_attempts, backoff, tags, trigger)
    VALUES ('noop', 'null', 'default', 0, 'queued', ?, ?, ?, 3, '{}', '[]', 'api')`);
}

/** Raw better-sqlite3 on Tasklane's own schema: `n` one-row INSERT transactions into runs. */
export function oneRowRunInserts(dbPath: string, n: number): number {
  const { sqlite } = openDatabase(dbPath);
  try {
    const insert = insertQueuedRun(sqlite);
    const now = Date.now();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) insert.run(now, now, now);
    return perSecond(n, performance.now() - t0);
  } finally {
    sqlite.close();
  }
}
