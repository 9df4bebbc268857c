// Faults of the disk and the file, as real SQLite reports them, become typed errors that
// name the file and say what to do.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createEngine } from '../index';
import { storageError, TasklaneError } from '../errors';
import { tempDir } from '../testing/harness';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => tmp.cleanup());

const thrown = (fn: () => unknown): unknown => { try { fn(); } catch (e) { return e; } return null; };

it('a damaged database file at start is STORAGE_CORRUPT, naming the file and both ways out', () => {
  const dbPath = join(tmp.dir, 'tasklane.db');
  writeFileSync(dbPath, 'not a database at all'.repeat(300));
  const error = thrown(() => createEngine({ dbPath })) as TasklaneError;
  expect(error).toBeInstanceOf(TasklaneError);
  expect(error.code).toBe('STORAGE_CORRUPT');
  expect(error.message).toContain(`${dbPath} is damaged`);
  expect(error.message).toContain('tasklane db reset');
  expect(error.message).toContain('tasklane db restore');
});

it('a full disk (SQLITE_FULL) and a read-only file (SQLITE_READONLY) say so and what to do', () => {
  const dbPath = join(tmp.dir, 'x.db');
  const db = new Database(dbPath);
  db.exec('CREATE TABLE t (x TEXT)');
  db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true })}`);
  const full = thrown(() => db.prepare('INSERT INTO t VALUES (?)').run('x'.repeat(100_000)));
  db.close();
  expect(storageError(full, dbPath)?.toJSON()).toEqual({ code: 'STORAGE_FULL', message: expect.stringContaining(`the disk holding ${dbPath} is full`) });

  const readonly = new Database(dbPath, { readonly: true });
  const denied = thrown(() => readonly.prepare('INSERT INTO t VALUES (1)').run());
  readonly.close();
  expect(storageError(denied, dbPath)?.toJSON()).toEqual({ code: 'STORAGE_READONLY', message: expect.stringContaining('--data-dir') });
  expect(storageError(new Error('something else'), dbPath)).toBeNull();
});
