// Read-side queries of the UI and CLI: a filtered, newest-first page of runs, and counts.
import type Database from 'better-sqlite3';
import type { z } from 'zod';
import type { RunPage, RunStatus, Stats, StatsRow } from '../api/types';
import type { listRunsInput, statsInput } from '../api/schemas';
import { sqlSet, TERMINAL_STATUSES } from './lifecycle';
import { IN_STATUS_INDEX, RUN_COLUMNS, toRun, type RunRow } from '../db/run-store';

type ListRunsParsed = z.output<typeof listRunsInput>;

const likeEscape = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export function createRunQueries(db: Database.Database) {
  // One prepared statement per filter shape, prepared on first use.
  const cache = new Map<string, Database.Statement>();
  const prepared = (sql: string) => {
    let stmt = cache.get(sql);
    if (!stmt) cache.set(sql, (stmt = db.prepare(sql)));
    return stmt;
  };

  return {
    listRuns(q: ListRunsParsed): RunPage {
      const where: string[] = [];
      const params: unknown[] = [];
      if (q.status?.length) {
        where.push(`status IN (${q.status.map(() => '?').join(', ')})`);
        params.push(...q.status);
        if (!q.status.includes('succeeded')) where.push(IN_STATUS_INDEX);
      }
      if (q.lane !== undefined) { where.push('lane = ?'); params.push(q.lane); }
      if (q.taskId !== undefined) { where.push('task_id = ?'); params.push(q.taskId); }
      if (q.kind !== undefined) { where.push('kind = ?'); params.push(q.kind); }
      if (q.text !== undefined) {
        where.push(`(name LIKE ? ESCAPE '\\' OR tags LIKE ? ESCAPE '\\' OR kind LIKE ? ESCAPE '\\')`);
        const like = likeEscape(q.text);
        params.push(like, like, like);
      }
      if (q.createdFrom !== undefined) { where.push('created_at >= ?'); params.push(q.createdFrom); }
      if (q.createdTo !== undefined) { where.push('created_at < ?'); params.push(q.createdTo); }
      const filter = where.join(' AND ');
      const filterParams = [...params];
      if (q.cursor !== undefined) { where.push(q.oldestFirst ? 'id > ?' : 'id < ?'); params.push(q.cursor); }
      const sql = `SELECT ${RUN_COLUMNS} FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY id ${q.oldestFirst ? 'ASC' : 'DESC'} LIMIT ?`;
      const rows = prepared(sql).all(...params, q.limit + 1) as RunRow[];
      const more = rows.length > q.limit;
      const page = more ? rows.slice(0, q.limit) : rows;
      const result: RunPage = { runs: page.map(toRun), nextCursor: more ? page[page.length - 1].id : null };
      if (q.withTotal) {
        result.total = prepared(`SELECT COUNT(*) AS n FROM runs ${filter ? `WHERE ${filter}` : ''}`).pluck().get(...filterParams) as number;
      }
      return result;
    },

    /** Runs that ended in the range, grouped; durations from the last attempt's start. A scan
     *  of the runs that ended in the range (history that outlives pruning is a rollup's job). */
    stats(q: z.output<typeof statsInput>, now: number): Stats {
      const to = q.to ?? now + 1;
      const from = q.from ?? to - 86_400_000;
      const key = { task: `COALESCE(t.name, '(no task)')`, lane: 'r.lane', kind: 'r.kind' }[q.groupBy];
      const rows = prepared(`SELECT ${key} AS key, ${q.groupBy === 'task' ? 'r.task_id' : 'NULL'} AS taskId, r.status AS status,
          CASE WHEN r.started_at IS NULL THEN NULL ELSE r.finished_at - r.started_at END AS ms
        FROM runs r LEFT JOIN tasks t ON t.id = r.task_id
        WHERE r.finished_at >= ? AND r.finished_at < ? AND r.status IN ${sqlSet(TERMINAL_STATUSES)}`)
        .all(from, to) as { key: string; taskId: number | null; status: RunStatus; ms: number | null }[];
      const groups = new Map<string, { row: StatsRow; ms: number[] }>();
      for (const r of rows) {
        let g = groups.get(r.key);
        if (!g) groups.set(r.key, (g = { row: { key: r.key, taskId: r.taskId, runs: 0, succeeded: 0, failed: 0, dead: 0, cancelled: 0, p50Ms: null, p95Ms: null }, ms: [] }));
        g.row.runs++;
        if (r.status === 'succeeded' || r.status === 'failed' || r.status === 'dead' || r.status === 'cancelled') g.row[r.status]++;
        if (r.ms !== null) g.ms.push(r.ms);
      }
      const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] : null);
      const out = [...groups.values()].map(({ row, ms }) => {
        ms.sort((a, b) => a - b);
        return { ...row, p50Ms: pct(ms, 0.5), p95Ms: pct(ms, 0.95) };
      });
      out.sort((a, b) => b.runs - a.runs || a.key.localeCompare(b.key));
      return { from, to, groupBy: q.groupBy, rows: out };
    },
  };
}
