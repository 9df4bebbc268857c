// A long-used database, written with SQL (an engine would take minutes to run a million
// runs): `runs` runs over 60 days, a twentieth of them queued (in paused lanes: their inputs
// are real commands), ~1.3 log lines (~77 bytes) each, 50 tasks, lanes gpu and rare, and
// the rollups of the runs that ended. Used by the scale and window scenarios.
import Database from 'better-sqlite3';
import { rollupSql } from '../src/core/history/rollups';

export const DAY = 86_400_000;
const LINES_PER_RUN = 1.3; // ~77 bytes each: ~100 MB at a million runs
export const WORDS = ['backup', 'photos', 'rsync', 'deploy', 'report', 'invoice', 'cleanup', 'thumbnail', 'mirror', 'sync', 'archive', 'export'];

const series = (n: number) => `(WITH RECURSIVE s(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM s WHERE value < ${n}) SELECT value FROM s)`;

/** Fills the database at `dbPath` (made by an engine first); returns the bytes of log text. */
export function fill(dbPath: string, RUNS: number, NOW: number): number {
  const START = NOW - 60 * DAY;

  const db = new Database(dbPath);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  /** What a run's kind and lane follow: its task (value % 50 + 1 for every 4th run), else its id. */
  const k = `(CASE WHEN value % 4 = 0 THEN value % 50 + 1 ELSE value END)`;
  const w = (i: string) => `json_extract('${JSON.stringify(WORDS)}', '$[' || ((${i}) % ${WORDS.length}) || ']')`;
  db.exec(`INSERT INTO lanes (name, concurrency, paused, created_at) VALUES ('gpu', 2, 0, 0), ('rare', 1, 0, 0) ON CONFLICT DO NOTHING`);
  db.exec(`INSERT INTO tasks (id, name, kind, input, lane, priority, max_attempts, backoff, created_at, updated_at)
    SELECT value, 'task ' || value, 'shell', '{}', 'default', 0, 1, '{}', 0, 0 FROM ${series(50)}`);
  db.exec(`INSERT INTO runs (id, task_id, kind, input, lane, priority, status, run_at, created_at, updated_at, started_at, finished_at,
      attempt, max_attempts, backoff, trigger, name)
    SELECT value,
      CASE WHEN value % 4 = 0 THEN value % 50 + 1 END,
      -- A task's runs have its kind and lane (task t: kind by t % 3, lane by t % 2); runs
      -- without a task spread over all of them.
      CASE WHEN value % 1000 = 7 THEN 'plugin.rare' WHEN ${k} % 3 = 0 THEN 'http' WHEN ${k} % 3 = 1 THEN 'shell' ELSE 'noop' END,
      json_object('command', 'rsync', 'args', json_array('-a', '/home/me/' || ${w('value')}, '/mnt/' || ${w('value / 7')}), 'url', 'http://localhost:8080/' || ${w('value / 3')} || '/' || value),
      CASE WHEN value % 2000 = 3 THEN 'rare' WHEN ${k} % 2 = 0 THEN 'default' ELSE 'gpu' END, 0,
      CASE WHEN value > ${RUNS} - ${RUNS / 20} THEN 'queued' WHEN value % 100 = 1 THEN 'dead' WHEN value % 500 = 2 THEN 'failed'
        WHEN value % 300 = 5 THEN 'cancelled' ELSE 'succeeded' END,
      ${START} + value * ${Math.floor((60 * DAY) / RUNS)}, ${START} + value * ${Math.floor((60 * DAY) / RUNS)}, 0,
      ${START} + value * ${Math.floor((60 * DAY) / RUNS)}, ${START} + value * ${Math.floor((60 * DAY) / RUNS)} + CASE WHEN value % 4 = 0 THEN (value % 50 + 1) * 200 + (value * 37) % ((value % 50 + 1) * 200) ELSE (value * 37) % 5000 END,
      1, 1, '{}', 'api', ${w('value')} || ' ' || value
    FROM ${series(RUNS)}`);
  // Queued runs have not started: no start or end.
  db.exec(`UPDATE runs SET started_at = NULL, finished_at = NULL WHERE status = 'queued'`);
  const lines = Math.round(RUNS * LINES_PER_RUN);
  db.exec(`INSERT INTO run_logs (run_id, seq, stream, at, text)
    SELECT (value % ${RUNS}) + 1, value, 'stdout', ${START} + value,
      'copied ' || (value * 13 % 9000) || ' files of ' || ${w('value * 5')} || ' to /mnt/' || ${w('value * 11')} || ' in ' || (value % 97) || '.' || (value % 10) || ' s, checksum ' || hex(value * 2654435761 % 4294967296)
    FROM ${series(lines)}`);
  for (const sql of rollupSql('FROM runs r WHERE 1')) db.exec(sql);
  const bytes = db.prepare(`SELECT SUM(LENGTH(text)) FROM run_logs`).pluck().get() as number;
  db.close();
  return bytes;
}
