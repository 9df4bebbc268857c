// Process supervision: a shell run's process tree never outlives the host that started it
// unnoticed. A host killed with SIGKILL leaves the tree running (it leads its own process
// group); the next start ends that tree before the run goes again, so one run never runs
// twice at once. A pid that now belongs to another program is never touched. A graceful
// stop escalates to SIGKILL and waits for the tree to be gone.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createEngine, type Engine } from './index';
import { query, tempDir } from './testing/harness';
import { endLeftoverTree, processStartTime, treeState } from './handlers/process-tree';

const worker = fileURLToPath(new URL('./testing/host-worker.ts', import.meta.url));
let tmp: ReturnType<typeof tempDir>;
let engine: Engine | undefined;
beforeEach(() => { tmp = tempDir(); });
afterEach(async () => { await engine?.stop({ timeoutMs: 0 }); engine = undefined; tmp.cleanup(); });

/** Running: it exists and is not a zombie waiting to be reaped (by PID 1, which may be slow). */
const alive = (pid: number) => {
  try { return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z'; } catch { return false; }
};

/** A shell script that ignores SIGTERM (so only SIGKILL ends it), notes whether an earlier
 *  copy of itself is still running (a zombie is not) when it starts, and hangs with a child the first time. */
function script(dir: string): string {
  return `trap '' TERM
if [ -f "${dir}/pid" ] && [ -r "/proc/$(cat "${dir}/pid")/status" ] && ! grep -q '^State:.Z' "/proc/$(cat "${dir}/pid")/status"; then echo overlap >> "${dir}/log"; fi
echo $$ > "${dir}/pid"
echo start >> "${dir}/log"
if [ "$(grep -c start "${dir}/log")" -gt 1 ]; then exit 0; fi
echo ready
sleep 60 & wait`;
}

/** Runs the host process until `until` matches a line of its output, then SIGKILLs it. */
function hostUntil(dbPath: string, until: (line: string) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', worker, dbPath], { stdio: ['ignore', 'pipe', 'inherit'] });
    createInterface({ input: child.stdout }).on('line', (line) => { if (until(line)) child.kill('SIGKILL'); });
    child.on('error', reject);
    child.on('exit', () => resolve());
  });
}

it('a shell run left running by a killed host is ended before it runs again: never two copies at once', async () => {
  const dbPath = join(tmp.dir, 'tasklane.db');
  const setup = createEngine({ dbPath });
  const { id } = setup.enqueue({ kind: 'shell', input: { command: 'sh', args: ['-c', script(tmp.dir)], killGraceMs: 300 }, maxAttempts: 3 });
  await setup.stop();

  await hostUntil(dbPath, (line) => line === `log ${id} ready`);
  const first = Number(readFileSync(join(tmp.dir, 'pid'), 'utf8'));
  expect(alive(first)).toBe(true); // the host is gone, its run's tree is not

  engine = createEngine({ dbPath });
  await engine.start();
  expect(alive(first)).toBe(false);
  await engine.idle();
  expect(readFileSync(join(tmp.dir, 'log'), 'utf8')).toBe('start\nstart\n');
  const run = engine.getRun({ id });
  expect(run.status).toBe('succeeded');
  expect(run.attempts.map((a) => [a.n, a.outcome])).toEqual([[1, 'abandoned'], [2, 'succeeded']]);
  expect(run.attempts[0].error?.message).toMatch(new RegExp(`its processes \\(group ${first}\\) were still running and were killed \\(SIGKILL after 300 ms\\)`));
});

it('a pid that now belongs to another program is never touched', async () => {
  const dbPath = join(tmp.dir, 'tasklane.db');
  const setup = createEngine({ dbPath });
  const { id } = setup.enqueue({ kind: 'shell', input: { command: 'true' } });
  await setup.stop();
  const other = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
  try {
    // The record says this run's tree is that pid, but started at another time: the pid was reused.
    const started = processStartTime(other.pid!);
    expect(started).not.toBeNull();
    const db = new Database(dbPath);
    db.prepare(`UPDATE runs SET status = 'running', attempt = 1, started_at = 0, pid = ?, pid_started_at = ? WHERE id = ?`)
      .run(other.pid, `${started}0`, id);
    db.close();
    engine = createEngine({ dbPath });
    await engine.start();
    await engine.idle();
    expect(alive(other.pid!)).toBe(true);
    expect(engine.getRun({ id }).attempts.map((a) => [a.outcome, a.error?.message])).toEqual([
      ['abandoned', 'Tasklane was not running when this attempt should have ended (crash, kill or power loss)'], ['succeeded', undefined],
    ]);
  } finally {
    other.kill('SIGKILL');
  }
});

it('a graceful stop escalates to SIGKILL and returns only once the tree is gone', async () => {
  engine = createEngine({ dataDir: tmp.dir });
  await engine.start();
  const { id } = engine.enqueue({ kind: 'shell', input: { command: 'sh', args: ['-c', script(tmp.dir)] } });
  await new Promise<void>((resolve) => engine!.on('run.log', (e) => { if (e.runId === id && e.text === 'ready') resolve(); }));
  const pid = Number(readFileSync(join(tmp.dir, 'pid'), 'utf8'));
  await engine.stop({ timeoutMs: 600 });
  expect(alive(pid)).toBe(false);
  expect(query<{ status: string }>(join(tmp.dir, 'tasklane.db'), 'SELECT status FROM runs WHERE id = ?', id)).toEqual([{ status: 'queued' }]);
  engine = undefined;
});

it('a leftover leader that already exited (a zombie nobody reaped) is not taken for a running tree', async () => {
  // setsid makes the inner shell lead its own group; it exits at once, and its parent (now
  // `sleep`, which never reaps) leaves it a zombie: the group has no running process.
  const holder = spawn('sh', ['-c', 'setsid sh -c "exit 0" & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const pid = Number(await new Promise<string>((r) => holder.stdout!.once('data', (d) => r(String(d)))));
    let state = '';
    for (let i = 0; i < 100 && state !== 'Z'; i++) {
      state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] ?? '';
      if (state !== 'Z') await new Promise((r) => setTimeout(r, 10));
    }
    expect(state).toBe('Z');
    expect(treeState(pid, processStartTime(pid))).toBe('gone');
    expect(await endLeftoverTree(pid, processStartTime(pid), 300)).toBeNull();
  } finally {
    holder.kill('SIGKILL');
  }
});

it('processes of an attempt whose host died before recording their pid are found by their tag and ended', async () => {
  const dbPath = join(tmp.dir, 'tasklane.db');
  const setup = createEngine({ dbPath });
  const { id } = setup.enqueue({ kind: 'shell', input: { command: 'true', killGraceMs: 200 } });
  await setup.stop();
  // As if the host was killed between the spawn and the record: running, no pid written.
  const db = new Database(dbPath);
  db.prepare(`UPDATE runs SET status = 'running', attempt = 1, started_at = 0 WHERE id = ?`).run(id);
  db.close();
  const tag = `${createHash('sha256').update(resolve(dbPath)).digest('hex').slice(0, 12)}:${id}:1`;
  const left = spawn('sh', ['-c', 'trap "" TERM; sleep 60 & wait'], { detached: true, stdio: 'ignore', env: { ...process.env, TASKLANE_RUN: tag } });
  try {
    await new Promise((r) => setTimeout(r, 100));
    expect(alive(left.pid!)).toBe(true);
    engine = createEngine({ dbPath });
    await engine.start();
    expect(alive(left.pid!)).toBe(false);
    await engine.idle();
    expect(engine.getRun({ id }).attempts[0].error?.message).toContain(`its processes (group ${left.pid}) were still running and were killed`);
  } finally {
    left.kill('SIGKILL');
  }
});

it('a stop also ends a child that left the group (setsid) while holding the output open, and returns', async () => {
  engine = createEngine({ dataDir: tmp.dir });
  await engine.start();
  const script = `setsid sh -c 'echo $$ > "${tmp.dir}/daemon"; exec sleep 30' & sleep 0.2; echo ready; sleep 30`;
  const { id } = engine.enqueue({ kind: 'shell', input: { command: 'sh', args: ['-c', script], killGraceMs: 200 } });
  await new Promise<void>((resolve) => engine!.on('run.log', (e) => { if (e.runId === id && e.text === 'ready') resolve(); }));
  const daemon = Number(readFileSync(join(tmp.dir, 'daemon'), 'utf8'));
  expect(alive(daemon)).toBe(true);
  await engine.stop({ timeoutMs: 400 });
  expect(alive(daemon)).toBe(false);
  engine = undefined;
});
