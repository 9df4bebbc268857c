// `tasklane db …`: care of the database file. These open the file themselves rather than
// talk to the running app: a backup and a check are safe while it runs (SQLite's backup
// API and a read-only connection); a restore or a reset replaces the file, so they need
// Tasklane to be stopped (they take the data folder's lock), and they set the old file
// aside under a dated name instead of deleting it.
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
// The database's care loads SQLite: only when a db verb runs.
const care = () => import('../core/db/care');
import { TasklaneError } from '../core/errors';
import { acquireLock, LockedError } from '../host/lock';
import { files } from '../host/paths';

const dbFile = (dataDir: string) => join(dataDir, 'tasklane.db');

/** Runs `fn` holding the data folder's lock, or says that Tasklane must be stopped first. */
function whileStopped<T>(dataDir: string, fn: () => T): T {
  let release: () => void;
  try {
    release = acquireLock(files(dataDir).lock);
  } catch (e) {
    if (e instanceof LockedError) {
      throw new TasklaneError('INVALID_TRANSITION', `Tasklane is running on this data folder (pid ${e.pid}); quit it first, then try again`);
    }
    throw e;
  }
  try { return fn(); } finally { release(); }
}

export function registerDbVerbs(program: Command, dataDir: () => string): void {
  const db = program.command('db').description('back up, check, restore or reset the database');
  const json = (value: unknown) => console.log(JSON.stringify(value, null, 2));

  db.command('backup').description('copy the database to a file, safely while Tasklane runs')
    .argument('[file]', 'where (default: <data folder>/backups/tasklane-<time>.db)').option('--json', 'print JSON')
    .action(async (file: string | undefined, o: { json?: boolean }) => {
      const { backupDatabase, backupsDir, stamp } = await care();
      const dbPath = dbFile(dataDir());
      const dest = file ? resolve(file) : join(backupsDir(dbPath), `tasklane-${stamp(Date.now())}.db`);
      const done = await backupDatabase(dbPath, dest);
      if (o.json) json(done); else console.log(`backed up to ${done.file} (${done.bytes.toLocaleString('en-US')} bytes)`);
    });

  db.command('check').description('check the database for damage (exit 1 if damaged)').option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const { checkDatabase } = await care();
      const dbPath = dbFile(dataDir());
      // With Tasklane stopped the check holds the lock and cleans up after itself; while it
      // runs, it only reads.
      let release: (() => void) | null = null;
      try { release = acquireLock(files(dataDir()).lock); } catch { /* running */ }
      let result: { ok: boolean; problems: string[] };
      try { result = checkDatabase(dbPath, { tidy: release !== null }); } finally { release?.(); }
      if (o.json) json(result);
      else if (result.ok) console.log(`${dbPath}: ok`);
      else console.log(`${dbPath} is damaged:\n  ${result.problems.join('\n  ')}\n`
        + 'Quit Tasklane, then `tasklane db restore <backup>` or `tasklane db reset`.');
      if (!result.ok) process.exitCode = 1;
    });

  db.command('backups').description('list the automatic backups').option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const { listBackups, backupsDir } = await care();
      const list = listBackups(backupsDir(dbFile(dataDir())));
      if (o.json) json(list); else console.log(list.length ? list.join('\n') : 'no backups yet');
    });

  db.command('restore').description('put a backup in place of the database (Tasklane must be stopped)')
    .argument('<file>', 'the backup').option('--json', 'print JSON')
    .action(async (file: string, o: { json?: boolean }) => {
      const { restoreDatabase } = await care();
      const dbPath = dbFile(dataDir());
      const result = whileStopped(dataDir(), () => restoreDatabase(dbPath, resolve(file), Date.now()));
      if (o.json) json({ restored: resolve(file), ...result });
      else console.log(`restored ${resolve(file)}${result.setAside ? `; the database it replaced is kept as ${result.setAside}` : ''}`);
    });

  db.command('reset').description('set the database aside under a dated name and start with a fresh one (Tasklane must be stopped)')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const { setAside } = await care();
      const dbPath = dbFile(dataDir());
      const aside = whileStopped(dataDir(), () => setAside(dbPath, Date.now()));
      if (o.json) json({ setAside: aside });
      else console.log(aside ? `kept the old database as ${aside}; Tasklane starts with a fresh one` : 'there was no database; nothing to do');
    });
}
