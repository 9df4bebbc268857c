// History: the rollups count every run that ended, per hour, in the transaction that ended
// it; they outlive prune and discard; stats and history read them; the migration that made
// them counted the runs that had ended before.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createHarness, settle, type Harness } from '../testing/harness';
import { DURATION_BUCKETS_MS, HOUR, rollupSql } from './rollups';

let h: Harness;
beforeEach(() => { h = createHarness(); });
afterEach(async () => { await h.cleanup(); });

it('history counts runs per hour by how they ended, and keeps them after prune and discard', async () => {
  await h.engine.start();
  const start = Math.floor(h.clock.now() / HOUR) * HOUR;
  // Hour 1: two successes and a dead run; hour 2: one success, one cancelled.
  h.engine.enqueue({ kind: 'noop' });
  h.engine.enqueue({ kind: 'noop' });
  const dead = h.engine.enqueue({ kind: 'test.fail', input: { retryable: false } }).id;
  await h.engine.idle();
  await h.clock.advance(HOUR);
  h.engine.enqueue({ kind: 'noop' });
  const gated = h.engine.enqueue({ kind: 'test.gate' }).id;
  await settle();
  h.engine.cancel({ ids: [gated] });
  await h.engine.idle();

  const before = h.engine.history({ from: start, to: start + 2 * HOUR });
  expect(before.points.map((p) => [p.at - start, p.runs, p.succeeded, p.failed, p.dead, p.cancelled])).toEqual([
    [0, 3, 2, 1, 0, 0],
    [HOUR, 2, 1, 0, 0, 1],
  ]);
  expect(h.engine.history({ from: start, to: start + 2 * HOUR, kind: 'noop' }).points.map((p) => p.runs)).toEqual([2, 1]);
  expect(h.engine.history({ from: start, to: start + 2 * HOUR, bucket: 'day' }).points.reduce((n, p) => n + p.runs, 0)).toBe(5);

  h.engine.discard({ ids: [dead] });
  await h.clock.advance(3 * 86_400_000);
  expect((await h.engine.prune({ olderThanDays: 1, keepLast: 0 })).deleted).toBeGreaterThan(0);
  expect(h.engine.listRuns({}).runs).toEqual([]);
  const after = h.engine.history({ from: start, to: start + 2 * HOUR });
  expect(after.points).toEqual(before.points);
  expect(h.engine.stats({ from: start, to: start + 2 * HOUR, groupBy: 'kind' }).rows.map((r) => [r.key, r.runs])).toEqual([['noop', 3], ['test.fail', 1], ['test.gate', 1]]);
});

it('a run retried by hand counts each time it ends; stats sum to the ends they count', async () => {
  await h.engine.start();
  const id = h.engine.enqueue({ kind: 'test.fail', input: { retryable: false } }).id;
  await h.engine.idle();
  h.engine.retry({ ids: [id] });
  await h.engine.idle();
  const stats = h.engine.stats({ groupBy: 'lane' });
  expect(stats.rows).toEqual([expect.objectContaining({ key: 'default', runs: 2, failed: 2 })]);
  const ends = h.events.filter((e) => e.type === 'run.failed').length;
  expect(stats.rows.reduce((n, r) => n + r.runs, 0)).toBe(ends);
});

it('nothing is counted for a write that rolled back', async () => {
  await h.engine.start();
  const id = h.engine.enqueue({ kind: 'test.gate' }).id;
  await settle();
  // Cancelling a missing run along with a real one changes neither.
  expect(() => h.engine.cancel({ ids: [id, 999_999] })).toThrow(/999999 does not exist/);
  h.gate.release(id);
  await h.engine.idle();
  expect(h.engine.stats({}).rows).toEqual([expect.objectContaining({ runs: 1, succeeded: 1, cancelled: 0 })]);
});

it('a history range is at most 2,400 points: a longer one is refused, naming from', () => {
  expect(() => h.engine.history({ from: 0, to: 365 * 86_400_000, bucket: 'hour' })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', field: 'from' }));
  expect(h.engine.history({ from: 0, to: 365 * 86_400_000, bucket: 'day' }).points).toHaveLength(365);
});

it('the rollups kept as runs end equal what the migration\'s statements count from the same runs', async () => {
  // The live path sums in memory at each commit; drizzle/0010 counted the runs that ended
  // before rollups existed with rollupSql. Both must give the same rows: the same hours,
  // groups, outcomes and duration buckets (bucket bounds included: 0, 1, 7, 1,500 ms …).
  const sql = readFileSync(fileURLToPath(new URL('../../../drizzle/0010_rollups_search.sql', import.meta.url)), 'utf8');
  for (const statement of rollupSql('FROM runs r WHERE 1')) expect(sql).toContain(statement);
  expect(DURATION_BUCKETS_MS.slice(0, 6)).toEqual([0, 1, 2, 3, 5, 7]);

  await h.engine.start();
  h.engine.createLane({ name: 'other', concurrency: 4 });
  const task = h.engine.createTask({ name: 'nightly', kind: 'test.gate' }).id;
  for (const ms of [0, 1, 2, 7, 8, 1_500, 1_501, 90_000, 3 * HOUR]) {
    const ids = [
      h.engine.enqueue({ kind: 'test.gate' }).id,
      h.engine.enqueue({ kind: 'test.gate', lane: 'other' }).id,
      h.engine.runTask({ id: task }).id,
    ];
    await settle();
    await h.clock.advance(ms);
    for (const id of ids) h.gate.release(id);
    h.engine.enqueue({ kind: 'test.fail', input: { retryable: false } });
    await h.engine.idle();
  }
  const waiting = h.engine.enqueue({ kind: 'noop', runAt: h.clock.now() + HOUR }).id;
  h.engine.cancel({ ids: [waiting] });

  const db = new Database(h.dbPath);
  const read = () => [
    db.prepare(`SELECT * FROM run_rollups ORDER BY hour, task_id, lane, kind`).all(),
    db.prepare(`SELECT * FROM run_rollup_durations ORDER BY hour, task_id, lane, kind, bucket`).all(),
  ];
  try {
    const live = read();
    expect(live[0].length).toBeGreaterThan(4);
    db.exec('BEGIN; DELETE FROM run_rollups; DELETE FROM run_rollup_durations;');
    for (const statement of rollupSql('FROM runs r WHERE 1')) db.exec(statement);
    const rebuilt = read();
    db.exec('ROLLBACK');
    expect(live).toEqual(rebuilt);
  } finally {
    db.close();
  }
});

it('stats over days read the ended days from the daily rollups and agree with the hours', async () => {
  await h.engine.start();
  const DAY = 24 * HOUR;
  const day0 = Math.floor(h.clock.now() / DAY) * DAY;
  // Four days with runs at 05:00 and 20:00; the last day is today (not compacted).
  for (let d = 0; d < 4; d++) {
    for (const at of [5, 20]) {
      await h.clock.set(day0 + d * DAY + at * HOUR);
      h.engine.enqueue({ kind: 'noop' });
      h.engine.enqueue({ kind: 'test.fail', input: { retryable: false } });
      await h.engine.idle();
    }
  }
  await h.clock.set(day0 + 3 * DAY + 21 * HOUR);
  // From 03:00 of the first day: part of day 0 from hours, days 1 and 2 from the daily
  // rollups, today from hours.
  const from = day0 + 3 * HOUR;
  const stats = h.engine.stats({ from, groupBy: 'kind' });
  const hours = h.engine.history({ from, bucket: 'hour' }).points;
  const sum = (k: 'runs' | 'failed') => hours.reduce((n, p) => n + p[k], 0);
  expect(stats.rows.map((r) => [r.key, r.runs, r.failed])).toEqual([['noop', 8, 0], ['test.fail', 8, 8]]);
  expect(sum('runs')).toBe(16);
  expect(sum('failed')).toBe(8);
  const days = h.engine.history({ from: day0, bucket: 'day' }).points.map((p) => p.runs);
  expect(days).toEqual([4, 4, 4, 4]);
  // From 06:00 of the first day: the 05:00 runs are left out, whichever table holds them.
  expect(h.engine.stats({ from: day0 + 6 * HOUR, groupBy: 'lane' }).rows[0].runs).toBe(14);
  const db = new Database(h.dbPath, { readonly: true });
  try {
    // Days 0, 1 and 2 were compacted; today was not.
    expect(db.prepare(`SELECT DISTINCT day FROM run_rollups_daily ORDER BY day`).pluck().all()).toEqual([day0, day0 + DAY, day0 + 2 * DAY]);
    expect(db.prepare(`SELECT days_done FROM rollup_state`).pluck().get()).toBe(day0 + 3 * DAY);
  } finally {
    db.close();
  }
});
