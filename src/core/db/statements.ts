// Statements whose SQL depends on the query's shape (which filters it has), prepared on
// first use and kept: one per shape, not one per call.
import type Database from 'better-sqlite3';

export function statementCache(db: Database.Database): (sql: string) => Database.Statement {
  const cache = new Map<string, Database.Statement>();
  return (sql) => {
    let stmt = cache.get(sql);
    if (!stmt) cache.set(sql, (stmt = db.prepare(sql)));
    return stmt;
  };
}
