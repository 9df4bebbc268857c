// Runs inside a worker thread: reads the runs database for a report (handlers/report.ts) on a
// connection of its own that cannot write (read-only, query_only), so a slow query never holds
// the engine's thread, and a timeout or a cancel ends it (the worker is terminated).
// Plain JavaScript so that it runs in a worker without a TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import { createRequire } from 'node:module';

const Database = createRequire(import.meta.url)('better-sqlite3');
const { dbPath, nativeBinding, statements } = workerData;
let db;
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
      rows.push(row.map((v) => (typeof v === 'bigint' ? Number(v) : v instanceof Uint8Array ? `(${v.length} bytes)` : v)));
    }
    return { columns, rows, more };
  });
  parentPort.postMessage({ ok: true, results });
} catch (e) {
  parentPort.postMessage({ ok: false, code: e.code && /^[A-Z_]+$/.test(e.code) && e.code.startsWith('REPORT') ? e.code : 'REPORT_QUERY_FAILED', message: e.message });
} finally {
  db?.close();
}
