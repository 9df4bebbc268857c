// Care of the database file: online backups (SQLite's backup API, safe while Tasklane runs),
// the daily automatic backup with its rotation, an integrity check, and the two ways back
// from a damaged file — setting it aside to start fresh, or restoring a backup. Nothing is
// ever deleted: a file replaced is kept beside it under a dated name.
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { TasklaneError, storageError } from '../errors';
import { PRIVATE_FILE, PRIVATE_FOLDER } from './open';

export const BACKUPS_KEPT = 7;
const DAY = 86_400_000;
const BACKUP_NAME = /^tasklane-\d{8}-\d{6}\.db$/;

/** 2026-12-01 06:25:20 → 20261201-062520 (UTC, so names sort in time order). */
export function stamp(at: number): string {
  return new Date(at).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

export const backupsDir = (dbPath: string) => join(dirname(dbPath), 'backups');

function guard<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw storageError(error, file) ?? error;
  }
}

/** Copies the live database into `dest` (0600), page by page, while it stays in use. */
export async function backupDatabase(dbPath: string, dest: string, source?: Database.Database): Promise<{ file: string; bytes: number }> {
  if (!source && !existsSync(dbPath)) throw new TasklaneError('NOT_FOUND', `there is no database at ${dbPath} to back up`);
  mkdirSync(dirname(dest), { recursive: true, mode: PRIVATE_FOLDER });
  const db = source ?? guard(dbPath, () => new Database(dbPath, { readonly: true, fileMustExist: true }));
  try {
    await db.backup(dest);
  } catch (error) {
    rmSync(dest, { force: true });
    // A damaged source is the database's fault; a full or read-only disk, the copy's.
    const code = String((error as { code?: unknown }).code ?? '');
    const damaged = code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB';
    throw storageError(error, damaged ? dbPath : dest) ?? error;
  } finally {
    if (!source) db.close();
  }
  chmodSync(dest, PRIVATE_FILE);
  return { file: dest, bytes: statSync(dest).size };
}

/** SQLite's integrity_check: 'ok', or the problems it lists (at most 20). */
export function checkDatabase(dbPath: string, opts: { tidy?: boolean } = {}): { ok: boolean; problems: string[] } {
  if (!existsSync(dbPath)) throw new TasklaneError('NOT_FOUND', `there is no database at ${dbPath}`);
  // Opening a WAL database makes its -wal and -shm files. `tidy` (nobody else can open this
  // file: a backup, or a database whose lock the caller holds) removes those this check made.
  const made = opts.tidy ? ['-wal', '-shm'].filter((x) => !existsSync(dbPath + x)) : [];
  return guard(dbPath, () => {
    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      const rows = db.pragma('integrity_check(20)', { simple: false }) as { integrity_check: string }[];
      const problems = rows.map((r) => r.integrity_check).filter((m) => m !== 'ok');
      if (!problems.length) {
        const tables = db.prepare(`SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'runs'`).get() as { n: number };
        if (!tables.n) problems.push('it is an SQLite file, but not a Tasklane database (it has no runs table)');
      }
      return { ok: problems.length === 0, problems };
    } finally {
      db.close();
      for (const x of made) if (existsSync(dbPath + x) && statSync(dbPath + x).size <= 32_768) rmSync(dbPath + x, { force: true });
    }
  });
}

/** Moves the database and its -wal/-shm aside under a dated name; returns the new name. */
export function setAside(dbPath: string, at: number, why = 'set-aside'): string | null {
  if (!existsSync(dbPath)) return null;
  const target = `${dbPath}.${why}-${stamp(at)}`;
  for (const suffix of ['-wal', '-shm', '']) {
    if (existsSync(dbPath + suffix)) renameSync(dbPath + suffix, target + suffix);
  }
  return target;
}

/** Puts a backup in the database's place (the one there is set aside, not deleted). The
 *  backup is checked first: a damaged or foreign file changes nothing. */
export function restoreDatabase(dbPath: string, backup: string, at: number): { setAside: string | null } {
  if (!existsSync(backup)) throw new TasklaneError('NOT_FOUND', `${backup} does not exist`, 'file');
  if (existsSync(`${backup}-wal`) && statSync(`${backup}-wal`).size > 0) {
    throw new TasklaneError('INVALID_INPUT', `${backup} has a ${basename(backup)}-wal beside it holding commits not yet in the file; `
      + 'open it once with Tasklane stopped (tasklane db check on a copy of both), or restore another backup', 'file');
  }
  let check: { ok: boolean; problems: string[] };
  try {
    check = checkDatabase(backup, { tidy: true });
  } catch (error) {
    const why = error instanceof TasklaneError && error.code === 'STORAGE_CORRUPT' ? 'it is not an SQLite database, or it is damaged'
      : (error as Error).message;
    throw new TasklaneError('INVALID_INPUT', `${backup} is not a usable Tasklane backup: ${why}`, 'file');
  }
  if (!check.ok) throw new TasklaneError('INVALID_INPUT', `${backup} is not a usable Tasklane backup: ${check.problems[0]}`, 'file');
  // Copied beside it first: a disk that fills up during the copy leaves the database as it was.
  const incoming = `${dbPath}.restoring`;
  try {
    copyFileSync(backup, incoming);
    chmodSync(incoming, PRIVATE_FILE);
  } catch (error) {
    rmSync(incoming, { force: true });
    throw storageError(error, incoming) ?? error;
  }
  const aside = setAside(dbPath, at, 'before-restore');
  renameSync(incoming, dbPath);
  return { setAside: aside };
}

/** The backups in the folder, oldest first. */
export function listBackups(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => BACKUP_NAME.test(f)).sort().map((f) => join(dir, f));
}

/**
 * The daily backup: when the newest is a day old (or there is none), writes one and keeps
 * the last BACKUPS_KEPT. Returns the new file, or null when none was due.
 */
export async function dailyBackup(dbPath: string, at: number, source?: Database.Database): Promise<string | null> {
  const dir = backupsDir(dbPath);
  const newest = listBackups(dir).at(-1);
  if (newest && at - statSync(newest).mtimeMs < DAY) return null;
  const { file } = await backupDatabase(dbPath, join(dir, `tasklane-${stamp(at)}.db`), source);
  for (const old of listBackups(dir).slice(0, -BACKUPS_KEPT)) rmSync(old, { force: true });
  return file;
}
