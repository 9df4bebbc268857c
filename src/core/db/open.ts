// Opens the database file: pragmas first, then the shipped migrations (drizzle/).
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema';
import { storageError } from '../errors';
import { PRIVATE_FILE, PRIVATE_FOLDER } from './folder';

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

export { PRIVATE_FILE, PRIVATE_FOLDER, secureFolder } from './folder';

function securePaths(dbPath: string): void {
  mkdirSync(dirname(dbPath), { recursive: true, mode: PRIVATE_FOLDER });
  // SQLite gives the -wal and -shm files the database file's mode, so create that one first.
  if (!existsSync(dbPath)) closeSync(openSync(dbPath, 'a', PRIVATE_FILE));
  for (const f of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) if (existsSync(f)) chmodSync(f, PRIVATE_FILE);
}

/**
 * `nativeBinding`: a better-sqlite3 addon built for another runtime (Electron, in development).
 * A full or read-only disk or a damaged file throws a typed STORAGE_* error naming the file
 * and what to do (errors.ts), never a bare stack trace.
 */
export function openDatabase(dbPath: string, migrationsDir?: string, nativeBinding?: string): OpenDb {
  try {
    return openUnguarded(dbPath, migrationsDir, nativeBinding);
  } catch (error) {
    throw storageError(error, dbPath) ?? error;
  }
}

function openUnguarded(dbPath: string, migrationsDir?: string, nativeBinding?: string): OpenDb {
  const fresh = dbPath === ':memory:' || !existsSync(dbPath) || statSync(dbPath).size === 0;
  if (dbPath !== ':memory:') securePaths(dbPath);
  const sqlite = new Database(dbPath, nativeBinding ? { nativeBinding } : {});
  // A new file frees the pages of pruned runs on `PRAGMA incremental_vacuum` (prune.ts);
  // the mode can only be chosen before the first table exists.
  if (fresh) sqlite.pragma('auto_vacuum = INCREMENTAL');
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
  try {
    migrate(db, { migrationsFolder: findMigrationsDir(migrationsDir) });
  } catch (error) {
    sqlite.close();
    // drizzle wraps the driver's error; the disk's own code is on its cause.
    throw (error as { cause?: unknown }).cause ?? error;
  }
  if (dbPath !== ':memory:') securePaths(dbPath);
  return { sqlite, db };
}
