// `tasklane db …` and a damaged database at start, with real processes and real files.
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { tempDir } from '../core/testing/harness';
import { cli, startServe } from './test-support';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => tmp.cleanup());

const call = async (port: number, token: string, command: string, body: unknown) =>
  (await (await fetch(`http://127.0.0.1:${port}/api/${command}`, { method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as
    { ok: boolean; value: { id: number; tasks: unknown[] } };

it('a damaged database stops serve with what to do and keeps the file; db reset starts fresh, keeping it aside', async () => {
  const dir = join(tmp.dir, 'data');
  mkdirSync(dir);
  const garbage = Buffer.from('this was tasklane.db before the disk went bad'.repeat(200));
  writeFileSync(join(dir, 'tasklane.db'), garbage);
  const started = await startServe(dir).then(() => 'started', (e: Error) => e.message);
  expect(started).toBe('serve exited with 5');
  const check = await cli(dir, 'db', 'check');
  expect(check.code).toBe(1);
  // Serve said which file, that it is damaged, and the two ways out; no stack trace.
  const again = await cli(dir, 'serve', '--port', '0');
  expect(again.code).toBe(5);
  expect(again.stderr).toContain(`Tasklane cannot start: ${join(dir, 'tasklane.db')} is damaged`);
  expect(again.stderr).toContain('tasklane db reset');
  expect(again.stderr).not.toMatch(/\n\s+at /);
  expect(readFileSync(join(dir, 'tasklane.db'))).toEqual(garbage);
  // A backup of it blames the database, not the copy it could not make.
  const backup = await cli(dir, 'db', 'backup');
  expect(backup.code).toBe(1);
  expect(backup.stderr).toContain(`${join(dir, 'tasklane.db')} is damaged`);

  const reset = await cli(dir, 'db', 'reset');
  expect(reset.code).toBe(0);
  const aside = readdirSync(dir).find((f) => f.startsWith('tasklane.db.set-aside-'))!;
  expect(readFileSync(join(dir, aside))).toEqual(garbage);
  const s = await startServe(dir);
  s.proc.kill('SIGTERM');
  expect(await s.exited).toBe(0);
});

it('backs up while running, refuses to restore while running, restores after, and keeps the replaced file', async () => {
  const dir = join(tmp.dir, 'data');
  const s = await startServe(dir);
  let stopped = false;
  try {
    await call(s.port, s.token, 'createTask', { name: 'before-backup', kind: 'shell', input: { command: 'true' } });
    const backup = await cli(dir, 'db', 'backup', '--json');
    expect(backup.code).toBe(0);
    const file = JSON.parse(backup.stdout).file as string;
    expect(file.startsWith(join(dir, 'backups', 'tasklane-'))).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect((await cli(dir, 'db', 'check')).stdout).toContain('ok');
    await call(s.port, s.token, 'createTask', { name: 'after-backup', kind: 'shell', input: { command: 'true' } });

    const refused = await cli(dir, 'db', 'restore', file);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Tasklane is running on this data folder');
    s.proc.kill('SIGTERM');
    await s.exited;
    stopped = true;

    const notABackup = join(tmp.dir, 'notes.txt');
    writeFileSync(notABackup, 'hello');
    const bad = await cli(dir, 'db', 'restore', notABackup);
    expect(bad.code).toBe(4);
    expect(bad.stderr).toContain('is not a usable Tasklane backup: it is not an SQLite database, or it is damaged');
    expect(readdirSync(dir).some((f) => f.includes('before-restore'))).toBe(false);

    const restored = await cli(dir, 'db', 'restore', file);
    expect(restored.code).toBe(0);
    // Checking the backup first left nothing beside it.
    expect(readdirSync(join(dir, 'backups')).filter((f) => !f.endsWith('.db'))).toEqual([]);
    expect(readdirSync(dir).some((f) => f.startsWith('tasklane.db.before-restore-'))).toBe(true);
    const back = await startServe(dir);
    const tasks = (await call(back.port, back.token, 'listTasks', {})).value as unknown as { name: string }[];
    expect(tasks.map((t) => t.name)).toEqual(['before-backup']);
    back.proc.kill('SIGTERM');
    await back.exited;
  } finally {
    if (!stopped) s.proc.kill('SIGTERM');
  }
});

it('serve writes a daily backup at start and repairs the data folder\'s permissions', async () => {
  const dir = join(tmp.dir, 'data');
  const first = await startServe(dir);
  first.proc.kill('SIGTERM');
  await first.exited;
  chmodSync(dir, 0o755);
  chmodSync(join(dir, 'tasklane.db'), 0o644);
  const s = await startServe(dir);
  try {
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'tasklane.db')).mode & 0o777).toBe(0o600);
    // The first start wrote one (in the background); the second found it less than a day old.
    let list: string[] = [];
    for (let i = 0; i < 100 && !list.length; i++) {
      list = JSON.parse((await cli(dir, 'db', 'backups', '--json')).stdout);
      if (!list.length) await new Promise((r) => setTimeout(r, 100));
    }
    expect(list).toHaveLength(1);
    expect(existsSync(list[0])).toBe(true);
  } finally {
    s.proc.kill('SIGTERM');
    await s.exited;
  }
});
