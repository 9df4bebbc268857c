// The physical limit: raw better-sqlite3 with the same pragmas, no engine.
import Database from 'better-sqlite3';
import { openDatabase } from '../../src/core/db/open';
import { createRunStore, type ClaimedRow } from '../../src/core/db/run-store';
import { perSecond, record, withTempDir } from '../lib';
import { insertQueuedRun, oneRowRunInserts, oneRowTransactions, quick } from '../engine';

const N = quick ? 5_000 : 50_000;

function simple(dir: string) {
  const { inserts, updates } = oneRowTransactions(dir, N);
  record({ scenario: 'enqueue', system: 'raw better-sqlite3', metric: 'one-row INSERT transactions', value: inserts, unit: 'tx/s', note: 'two-column table, no index' });
  record({ scenario: 'drain', system: 'raw better-sqlite3', metric: 'one-row UPDATE transactions', value: updates, unit: 'tx/s', note: 'by primary key' });
}

function runsTable(dir: string) {
  // Tasklane's own schema (its pages, its index), positional inserts: what enqueue can reach.
  const path = `${dir}/runs.db`;
  record({ scenario: 'enqueue', system: 'raw better-sqlite3', metric: 'one-row INSERT into runs (Tasklane schema)', value: oneRowRunInserts(path, N), unit: 'tx/s' });
  const { sqlite } = openDatabase(path);
  const now = Date.now();
  const insert = insertQueuedRun(sqlite);
  const bulk = N * 2;
  const t0 = performance.now();
  sqlite.transaction(() => { for (let i = 0; i < bulk; i++) insert.run(now, now, now); })();
  record({ scenario: 'enqueue', system: 'raw better-sqlite3', metric: 'bulk INSERT into runs, one transaction', value: perSecond(bulk, performance.now() - t0), unit: 'rows/s' });
  sqlite.close();
}

// The least a durable drain at concurrency 8 writes, with Tasklane's own statements and no
// engine around them: per transaction, 8 successes and 8 claims, reading queued runs 64
// ahead as the engine does (one SELECT per 8 transactions, one-row UPDATEs).
// What the engine adds on top (handlers, lanes, events) is the gap to this row.
function drainFloor(dir: string) {
  const { sqlite } = openDatabase(`${dir}/floor.db`);
  const store = createRunStore(sqlite);
  const now = Date.now();
  const insert = insertQueuedRun(sqlite);
  const n = N * 2;
  sqlite.transaction(() => { for (let i = 0; i < n; i++) insert.run(now, now, now); })();
  const tx = sqlite.transaction((fn: () => void) => fn());
  const shape = { deps: false, waits: false, name: false };
  let ahead: ClaimedRow[] = [];
  let running: ClaimedRow[] = [];
  const t0 = performance.now();
  for (;;) {
    tx(() => {
      for (const r of running) store.succeed(r.id, now, null);
      if (!ahead.length) ahead = store.candidates('default', 64, shape);
      running = ahead.splice(0, 8);
      for (const r of running) store.markRunning(r, now);
    });
    if (!running.length) break;
  }
  record({ scenario: 'drain', system: 'raw better-sqlite3', metric: 'drain floor: the engine\'s claim and success statements, 8 + 8 per transaction, no engine', value: perSecond(n, performance.now() - t0), unit: 'runs/s' });
  sqlite.close();
}

// The same drain on the barest queue table that still claims in order: (id, status,
// payload) with one index on (status, id). What any durable SQLite queue must at least do.
function bareFloor(dir: string) {
  const db = new Database(`${dir}/bare.db`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE jobs (id INTEGER PRIMARY KEY, status TEXT NOT NULL, payload TEXT NOT NULL);
    CREATE INDEX jobs_status ON jobs (status, id)`);
  const n = N * 2;
  const insert = db.prepare(`INSERT INTO jobs (status, payload) VALUES ('queued', 'null')`);
  db.transaction(() => { for (let i = 0; i < n; i++) insert.run(); })();
  const next = db.prepare(`SELECT id, payload FROM jobs WHERE status = 'queued' ORDER BY id LIMIT 8`);
  const mark = db.prepare(`UPDATE jobs SET status = ? WHERE id = ?`);
  const tx = db.transaction((fn: () => void) => fn());
  let running: { id: number }[] = [];
  const t0 = performance.now();
  for (;;) {
    tx(() => {
      for (const r of running) mark.run('done', r.id);
      running = next.all() as { id: number }[];
      for (const r of running) mark.run('running', r.id);
    });
    if (!running.length) break;
  }
  record({ scenario: 'drain', system: 'raw better-sqlite3', metric: 'drain floor on a bare (id, status, payload) table, 8 + 8 per transaction', value: perSecond(n, performance.now() - t0), unit: 'runs/s' });
  db.close();
}

await withTempDir(async (dir) => { simple(dir); runsTable(dir); drainFloor(dir); bareFloor(dir); });
