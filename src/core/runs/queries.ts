// Read-side queries of the UI and CLI: a filtered, newest-first page of runs, and counts.
import type Database from 'better-sqlite3';
import { statementCache } from '../db/statements';
import type { z } from 'zod';
import type { Counts, RunPage, RunStatus } from '../api/types';
import { RUN_STATUSES } from '../api/statuses';
import type { listRunsInput } from '../api/schemas';
import { IN_STATUS_INDEX, RUN_COLUMNS, toRun, type RunRow } from '../db/run-store';

type ListRunsParsed = z.output<typeof listRunsInput>;

const likeEscape = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The filter's conditions on a run's lane, task, kind and creation time (shared by the runs
 *  list and search; `col` names a column, e.g. with a table alias). */
export function runConditions(q: { lane?: string; taskId?: number; kind?: string; createdFrom?: number; createdTo?: number },
  col: (name: string) => string = (name) => name): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (q.lane !== undefined) { where.push(`${col('lane')} = ?`); params.push(q.lane); }
  if (q.taskId !== undefined) { where.push(`${col('task_id')} = ?`); params.push(q.taskId); }
  if (q.kind !== undefined) { where.push(`${col('kind')} = ?`); params.push(q.kind); }
  if (q.createdFrom !== undefined) { where.push(`${col('created_at')} >= ?`); params.push(q.createdFrom); }
  if (q.createdTo !== undefined) { where.push(`${col('created_at')} < ?`); params.push(q.createdTo); }
  return { where, params };
}

/** Ids follow creation; a clock stepped back by up to this much keeps the date bounds exact. */
const CLOCK_SLACK_MS = 3_600_000;

/**
 * Each filter reads its first page newest first from an index (runs/plans.test.ts reads the
 * plans): a status from runs_status_id (several statuses: one arm each, merged by SQLite in
 * id order, no sort), a lane or kind from runs_lane_id / runs_kind_id, a task from
 * runs_task; statuses of a lane smaller than they are, from runs_lane_id; dates become
 * bounds on the id (found by a binary search over ids, as ids follow creation), so they
 * narrow the scan instead of filtering all of it. The total, asked once
 * per filter, comes from the counts kept in memory when the filter is only statuses and a
 * lane, else from a COUNT.
 */
export function createRunQueries(db: Database.Database, counts: () => Counts) {
  const prepared = statementCache(db);
  const idAt = db.prepare<[number], { id: number; createdAt: number }>(`SELECT id, created_at AS createdAt FROM runs WHERE id >= ? ORDER BY id LIMIT 1`);
  // Two statements: SQLite reads MIN or MAX from the end of the index only when alone.
  const idRange = db.prepare<[], { lo: number | null; hi: number | null }>(`SELECT (SELECT MIN(id) FROM runs) AS lo, (SELECT MAX(id) FROM runs) AS hi`);

  /** The first id created at or after `t` if ids followed creation exactly (binary search). */
  function firstIdFrom(t: number): number {
    const { lo, hi } = idRange.get()!;
    if (lo === null || hi === null) return 1;
    let a = lo;
    let b = hi + 1;
    while (a < b) {
      const mid = Math.floor((a + b) / 2);
      const row = idAt.get(mid);
      if (!row) { b = mid; continue; }
      if (row.createdAt >= t) b = mid; else a = row.id + 1;
    }
    return a;
  }

  /** Whether `lane` has fewer runs than `statuses` have in all lanes (kept counts). */
  function laneIsSmaller(lane: string, statuses: RunStatus[]): boolean {
    const c = counts();
    const inLane = Object.values(c.lanes[lane] ?? {}).reduce((n: number, x) => n + (x ?? 0), 0);
    const inStatuses = statuses.reduce((n: number, st) => n + (c.total[st] ?? 0), 0);
    return inLane < inStatuses;
  }

  function pageSql(q: ListRunsParsed): { sql: string; params: unknown[]; statuses: RunStatus[]; arms: (readonly [string, unknown[]])[] } {
    const { where, params } = runConditions(q);
    if (q.text !== undefined) {
      where.push(`(name LIKE ? ESCAPE '\\' OR tags LIKE ? ESCAPE '\\' OR kind LIKE ? ESCAPE '\\')`);
      const like = likeEscape(q.text);
      params.push(like, like, like);
    }
    // Dates also bound the id, so that the scan starts and stops near them.
    if (q.createdFrom !== undefined) { where.push('id >= ?'); params.push(firstIdFrom(q.createdFrom - CLOCK_SLACK_MS)); }
    if (q.createdTo !== undefined) { where.push('id < ?'); params.push(firstIdFrom(q.createdTo + CLOCK_SLACK_MS)); }
    const statuses = [...new Set(q.status ?? [])];
    // The page: past the cursor, in id order, one more than asked (there are more).
    const cursor = q.cursor !== undefined ? [q.oldestFirst ? 'id > ?' : 'id < ?'] : [];
    const cursorParams = q.cursor !== undefined ? [q.cursor] : [];
    const page = `ORDER BY id ${q.oldestFirst ? 'ASC' : 'DESC'} LIMIT ?`;
    // Statuses of one lane: read the lane's runs (runs_lane_id) when the lane has fewer runs
    // than the statuses have together (the kept counts say so exactly): the dead runs of a
    // lane with 500 runs are found among those 500, not among every dead run.
    if (statuses.length && q.lane !== undefined && laneIsSmaller(q.lane, statuses)) {
      where.push(`status IN (${statuses.map(() => '?').join(', ')})`);
      params.push(...statuses);
      const laneSql = (extra: string[]) => `SELECT ${RUN_COLUMNS} FROM runs INDEXED BY runs_lane_id WHERE ${[...where, ...extra].join(' AND ')}`;
      return { sql: `${laneSql(cursor)} ${page}`, params: [...params, ...cursorParams, q.limit + 1], statuses, arms: [[laneSql([]), params] as const] };
    }
    /** One arm per status (each ordered by its index), or one arm for no status filter. */
    const arms = statuses.length ? statuses : [null];
    // An arm of a status other than succeeded reads runs_status_id: its other conditions
    // are written `+column` so that SQLite does not pick the lane's, kind's or task's
    // index instead (it has no statistics; a status it picked that way was scanned for
    // every run of the task to find none of a rare status).
    const unindexed = (w: string) => w.replace(/^(lane|task_id|kind) =/, '+$1 =');
    const armSql = (status: string | null, extra: string[]) => {
      const w = status === null ? [...where, ...extra]
        : status === 'succeeded' ? ['status = ?', ...where, ...extra]
          : ['status = ?', IN_STATUS_INDEX, ...where.map(unindexed), ...extra];
      return `SELECT ${RUN_COLUMNS} FROM runs ${w.length ? `WHERE ${w.join(' AND ')}` : ''}`;
    };
    const armParams = (status: string | null, extra: unknown[]) => [...(status === null ? [] : [status]), ...params, ...extra];
    const sql = `${arms.map((s) => armSql(s, cursor)).join(' UNION ALL ')} ${page}`;
    return { sql, params: [...arms.flatMap((s) => armParams(s, cursorParams)), q.limit + 1], statuses, arms: arms.map((s) => [armSql(s, []), armParams(s, [])] as const) };
  }

  function total(q: ListRunsParsed, statuses: RunStatus[], arms: (readonly [string, unknown[]])[]): number {
    const onlyKept = q.taskId === undefined && q.kind === undefined && q.text === undefined
      && q.createdFrom === undefined && q.createdTo === undefined;
    if (onlyKept) {
      const c = counts();
      const byStatus = q.lane !== undefined ? c.lanes[q.lane] ?? {} : c.total;
      const wanted: readonly RunStatus[] = statuses.length ? statuses : RUN_STATUSES;
      return wanted.reduce((n: number, s) => n + (byStatus[s] ?? 0), 0);
    }
    return arms.reduce((n, [sql, p]) => n + (prepared(`SELECT COUNT(*) AS n FROM (${sql})`).pluck().get(...p) as number), 0);
  }

  return {
    listRuns(q: ListRunsParsed): RunPage {
      const { sql, params, statuses, arms } = pageSql(q);
      const rows = prepared(sql).all(...params) as RunRow[];
      const more = rows.length > q.limit;
      const page = more ? rows.slice(0, q.limit) : rows;
      const result: RunPage = { runs: page.map(toRun), nextCursor: more ? page[page.length - 1].id : null };
      if (q.withTotal) result.total = total(q, statuses, arms);
      return result;
    },

    /** How SQLite reads a page of this filter (EXPLAIN QUERY PLAN), for plans.test.ts. */
    plan(q: ListRunsParsed): string[] {
      const { sql, params } = pageSql(q);
      return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail);
    },
  };
}
