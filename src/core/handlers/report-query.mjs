// A child process of its own: reads the runs database for a report (handlers/report.ts) on a
// connection that cannot write (read-only, query_only), so a slow query never holds the
// engine, and a timeout or a cancel ends it for sure (SIGKILL: a query busy inside SQLite
// cannot be interrupted from JavaScript, not even by terminating a worker thread).
// Plain JavaScript so that it runs without a TypeScript loader.
import { createRequire } from 'node:module';

/** A cell longer than this is cut (a log line, an input): a report is read, not a dump. */
const CELL_CHARS = 10_000;
const Database = createRequire(import.meta.url)('better-sqlite3');

const cell = (v) => (typeof v === 'bigint' ? Number(v)
  : v instanceof Uint8Array ? `(${v.length} bytes)`
    : typeof v === 'string' && v.length > CELL_CHARS ? `${v.slice(0, CELL_CHARS)}…` : v);

process.once('message', ({ dbPath, nativeBinding, statements }) => {
  let db;
  let answer;
  try {
    db = new Database(dbPath, { readonly: true, fileMustExist: true, ...(nativeBinding && { nativeBinding }) });
    db.pragma('query_only = ON');
    db.pragma('busy_timeout = 5000');
    const results = statements.map(({ sql, params, limit }) => {
      const stmt = db.prepare(sql);
      if (!stmt.reader || !stmt.readonly) throw Object.assign(new Error('a report reads: give one SELECT statement'), { code: 'REPORT_NOT_A_QUERY' });
      const columns = stmt.columns().map((c) => c.name);
      const rows = [];
      let more = false;
      for (const row of stmt.raw(true).iterate(...(params ?? []))) {
        if (rows.length === limit) { more = true; break; }
        rows.push(row.map(cell));
      }
      return { columns, rows, more };
    });
    answer = { ok: true, results };
  } catch (e) {
    answer = { ok: false, code: e.code === 'REPORT_NOT_A_QUERY' ? e.code : 'REPORT_QUERY_FAILED', message: e.message };
  } finally {
    db?.close();
  }
  process.send(answer, () => process.exit(0));
});
