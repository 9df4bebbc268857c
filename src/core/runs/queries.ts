// Read-side queries of the UI and CLI: a filtered, newest-first page of runs, and counts.
import type Database from 'better-sqlite3';
import type { z } from 'zod';
import type { RunPage } from '../api/types';
import type { listRunsInput } from '../api/schemas';
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
  };
}
