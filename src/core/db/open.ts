// Opens the database file: pragmas first, then the shipped migrations (drizzle/).
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema';

export type Db = BetterSQLite3Database<typeof schema>;
export interface OpenDb { sqlite: Database.Database; db: Db }

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The migrations folder ships beside the app; where depends on how we were built
 * (source tree, bundled CLI, packaged Electron app), so look for it.
 */
export function findMigrationsDir(explicit?: string): string {
  const candidates = [
    explicit,
    process.env.TASKLANE_MIGRATIONS_DIR,
    resolve(here, '../../../drizzle'),
    resolve(here, '../drizzle'),
    resolve(here, '../../drizzle'),
    resolve(process.cwd(), 'drizzle'),
  ].filter((p): p is string => Boolean(p));
  const found = candidates.find((p) => existsSync(join(p, 'meta', '_journal.json')));
  if (!found) throw new Error(`Tasklane's database migrations were not found; looked in: ${candidates.join(', ')}`);
  return found;
}

/** `nativeBinding`: a better-sqlite3 addon built for another runtime (Electron, in development). */
export function openDatabase(dbPath: string, migrationsDir?: string, nativeBinding?: string): OpenDb {
  if (dbPath !== ':memory:') mkdirSync(dirname(dbPath), { recursive: true });
  const sqlite = new Database(dbPath, nativeBinding ? { nativeBinding } : {});
  // 4 KiB pages (SQLite's default), chosen by measurement (BENCHMARKS.md): 1 KiB pages made
  // single enqueues ~1.4x faster but drains ~1.5x slower, and draining is the work that
  // matters. Only applies to a new file.
  sqlite.pragma('page_size = 4096');
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // Hot pages stay in memory; 32 MB is plenty for the claim and UI indexes.
  sqlite.pragma('cache_size = -32000');
  sqlite.pragma('temp_store = MEMORY');
  // Checkpoints fsync; doing them every ~16 MB of WAL instead of every 4 MB.
  sqlite.pragma('wal_autocheckpoint = 4000');
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: findMigrationsDir(migrationsDir) });
  return { sqlite, db };
}
