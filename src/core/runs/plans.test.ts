// Every filter of the runs list reads its first page from an index, newest first, with no
// sort of what matches ("USE TEMP B-TREE"), at a million runs. Sizes and mixes are those of
// a long-used database: most runs succeeded, a backlog queued, a few dead, lanes and kinds
// of very different sizes. (Speed itself is measured in bench/, not here.)
import { afterAll, beforeAll, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { listRunsInput, type ListRunsInput } from '../api/schemas';
import { ACTIVE_STATUSES, DEAD_LETTER_STATUSES, type RunStatus } from '../api/statuses';
import type { Counts } from '../api/types';
import { createEngine } from '../index';
import { tempDir } from '../testing/harness';
import { createRunQueries } from './queries';

const N = 1_000_000;
const temp = tempDir();
let db: Database.Database;

beforeAll(async () => {
  const dbPath = `${temp.dir}/tasklane.db`;
  await createEngine({ dbPath }).stop({ timeoutMs: 0 });
  db = new Database(dbPath);
  const series = (n: number) => `(WITH RECURSIVE s(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM s WHERE value < ${n}) SELECT value FROM s)`;
  db.exec(`INSERT INTO tasks (id, name, kind, input, lane, priority, max_attempts, backoff, created_at, updated_at)
    SELECT value, 'task ' || value, 'shell', '{}', 'default', 0, 1, '{}', 0, 0 FROM ${series(50)}`);
  db.exec(`INSERT INTO runs (id, task_id, kind, input, lane, priority, status, run_at, created_at, updated_at, max_attempts, backoff, trigger)
    SELECT value,
      CASE WHEN value % 4 = 0 THEN value % 50 + 1 END,
      CASE WHEN value % 1000 = 7 THEN 'plugin.rare' WHEN value % 3 = 0 THEN 'http' WHEN value % 3 = 1 THEN 'shell' ELSE 'noop' END, '{}',
      CASE WHEN value % 2000 = 3 THEN 'rare' WHEN value % 2 = 0 THEN 'default' ELSE 'gpu' END, 0,
      CASE WHEN value > ${N} - 50000 THEN 'queued' WHEN value % 100 = 1 THEN 'dead' WHEN value % 500 = 2 THEN 'failed'
        WHEN value % 300 = 5 THEN 'cancelled' ELSE 'succeeded' END,
      1700000000000 + value * 2000, 1700000000000 + value * 2000, 1700000000000 + value * 2000, 1, '{}', 'api'
    FROM ${series(N)}`);
}, 120_000);
afterAll(() => { db?.close(); temp.cleanup(); });

const at = (i: number) => 1700000000000 + i * 2000;
const FILTERS: [string, ListRunsInput, RegExp | null][] = [
  ['everything', {}, null],
  ['running (none)', { status: ['running'] }, /runs_status_id/],
  ['queued (the backlog)', { status: ['queued'] }, /runs_status_id/],
  ['active (five statuses)', { status: [...ACTIVE_STATUSES] }, /runs_status_id/],
  ['dead or failed', { status: [...DEAD_LETTER_STATUSES] }, /runs_status_id/],
  ['succeeded', { status: ['succeeded'] }, null],
  ['cancelled', { status: ['cancelled'] }, /runs_status_id/],
  ['a lane', { lane: 'gpu' }, /runs_lane_id/],
  ['a rare lane', { lane: 'rare' }, /runs_lane_id/],
  ['a kind', { kind: 'http' }, /runs_kind_id/],
  ['a rare kind', { kind: 'plugin.rare' }, /runs_kind_id/],
  ['a task', { taskId: 7 }, /runs_task/],
  ['a date range', { createdFrom: at(200_000), createdTo: at(300_000) }, /INTEGER PRIMARY KEY/],
  ['since a date', { createdFrom: at(900_000) }, /INTEGER PRIMARY KEY/],
  ['until a date', { createdTo: at(100_000) }, /INTEGER PRIMARY KEY/],
  ['dead in a rare lane (fewer runs than dead ones)', { status: ['dead'], lane: 'rare' }, /runs_lane_id/],
  ['dead in a big lane', { status: ['dead'], lane: 'gpu' }, /runs_status_id/],
  ['queued in a rare lane, next page', { status: ['queued'], lane: 'rare', cursor: 990_000 }, /runs_lane_id/],
  ['active of a task', { status: [...ACTIVE_STATUSES], taskId: 3 }, /runs_status_id/],
  ['a kind in a date range', { kind: 'shell', createdFrom: at(500_000), createdTo: at(510_000) }, /runs_kind_id|PRIMARY KEY/],
  ['the next page of dead', { status: ['dead'], cursor: 500_000 }, /runs_status_id/],
  ['oldest first in a lane', { lane: 'gpu', oldestFirst: true }, /runs_lane_id/],
];

/** The counts the engine keeps, counted here once. */
let kept: Counts | undefined;
function keptCounts(): Counts {
  if (kept) return kept;
  const lanes: Counts['lanes'] = {};
  const total: Counts['total'] = {};
  for (const r of db.prepare(`SELECT lane, status, COUNT(*) AS n FROM runs GROUP BY 1, 2`).all() as { lane: string; status: RunStatus; n: number }[]) {
    (lanes[r.lane] ??= {})[r.status] = r.n;
    total[r.status] = (total[r.status] ?? 0) + r.n;
  }
  return (kept = { lanes, total });
}

it.each(FILTERS)('%s: the first page comes from an index, with no sort', (_what, filter, index) => {
  const counts = keptCounts();
  const queries = createRunQueries(db, () => counts);
  const q = listRunsInput.parse(filter);
  const plan = queries.plan(q).join('\n');
  expect(plan).not.toMatch(/TEMP B-TREE/);
  if (index) expect(plan).toMatch(index);
  // And it answers what the filter asks (checked against a plain scan for a few).
  const page = queries.listRuns({ ...q, limit: 5 });
  const ids = page.runs.map((r) => r.id);
  expect([...ids].sort((a, b) => (q.oldestFirst ? a - b : b - a))).toEqual(ids);
  for (const r of page.runs) {
    if (q.status) expect(q.status).toContain(r.status);
    if (q.lane) expect(r.lane).toBe(q.lane);
    if (q.kind) expect(r.kind).toBe(q.kind);
    if (q.taskId) expect(r.taskId).toBe(q.taskId);
    if (q.createdFrom) expect(r.createdAt).toBeGreaterThanOrEqual(q.createdFrom);
    if (q.createdTo) expect(r.createdAt).toBeLessThan(q.createdTo);
    if (q.cursor) expect(r.id).toBeLessThan(q.cursor);
  }
  if (q.status && q.lane) {
    // The same runs, in the same order, as a plain scan (whichever index was read).
    const scan = db.prepare(`SELECT id FROM runs WHERE lane = ? AND status IN (SELECT value FROM json_each(?)) AND id < ? ORDER BY id DESC LIMIT 5`)
      .pluck().all(q.lane, JSON.stringify(q.status), q.cursor ?? Number.MAX_SAFE_INTEGER);
    expect(ids).toEqual(scan);
    expect(queries.listRuns({ ...q, limit: 5, withTotal: true }).total).toBe(
      db.prepare(`SELECT COUNT(*) FROM runs WHERE lane = ? AND status IN (SELECT value FROM json_each(?))`).pluck().get(q.lane, JSON.stringify(q.status)));
  }
});

it('date bounds find the same runs as a scan, also when the clock stepped back a little', () => {
  // Run 999,990 says it was created 10 minutes before run 999,989 (a clock set back).
  db.prepare(`UPDATE runs SET created_at = ? WHERE id = 999990`).run(at(999_989) - 600_000);
  const queries = createRunQueries(db, () => ({ lanes: {}, total: {} }));
  const from = at(999_989) - 700_000;
  const to = at(999_989);
  const page = queries.listRuns(listRunsInput.parse({ createdFrom: from, createdTo: to, limit: 500, withTotal: true }));
  const scan = db.prepare(`SELECT id FROM runs WHERE created_at >= ? AND created_at < ? ORDER BY id DESC`).pluck().all(from, to);
  expect(page.runs.map((r) => r.id)).toEqual(scan);
  expect(page.total).toBe(scan.length);
  expect(scan).toContain(999_990);
});
