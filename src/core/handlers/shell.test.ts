// The shell kind with real child processes (`node -e` scripts).
import { readFileSync, existsSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, settle, type Harness } from '../testing/harness';

let h: Harness;
beforeEach(() => { h = createHarness(); h.engine.start(); });
afterEach(async () => { await h.cleanup(); });

const node = (script: string, extra: Record<string, unknown> = {}) =>
  h.engine.enqueue({ kind: 'shell', input: { command: process.execPath, args: ['-e', script], ...extra }, maxAttempts: 1 }).id;

/** Waits (on the real clock) until the run leaves `running`. */
async function finished(id: number) {
  for (let i = 0; i < 500; i++) {
    const run = h.engine.getRun({ id });
    if (!['queued', 'running'].includes(run.status)) return run;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`run ${id} did not finish`);
}
const logText = (id: number, stream?: string) =>
  h.engine.getLogs({ runId: id }).lines.filter((l) => !stream || l.stream === stream).map((l) => l.text);

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 300 && alive(pid); i++) await new Promise((r) => setTimeout(r, 10));
  return !alive(pid);
}

describe('shell kind', () => {
  it('exit 0 succeeds with the exit code, duration and last lines of stdout', async () => {
    const run = await finished(node('console.log("one"); console.log("two"); console.error("warn")'));
    expect(run).toMatchObject({ status: 'succeeded', result: { exitCode: 0, stdoutTail: ['one', 'two'] } });
    expect(logText(run.id, 'stdout')).toEqual(['one', 'two']);
    expect(logText(run.id, 'stderr')).toEqual(['warn']);
  });

  it('a non-zero exit fails with the code and the last lines of stderr', async () => {
    const run = await finished(node('console.error("disk full"); process.exit(3)'));
    expect(run).toMatchObject({ status: 'dead', error: { code: 'EXIT_CODE' } });
    expect(run.error!.message).toContain('exited with code 3');
    expect(run.error!.message).toContain('disk full');
    expect(run.attempts[0].exitCode).toBe(3);
  });

  it('a process killed by a signal says which', async () => {
    const run = await finished(node('process.kill(process.pid, "SIGKILL")'));
    expect(run.error).toMatchObject({ code: 'SIGNAL' });
    expect(run.error!.message).toContain('SIGKILL');
  });

  it('a missing program or folder is a clear, non-retried error', async () => {
    const missing = await finished(h.engine.enqueue({ kind: 'shell', input: { command: 'no-such-program-xyz' }, maxAttempts: 3 }).id);
    expect(missing).toMatchObject({ status: 'failed', attempt: 1, error: { code: 'PROGRAM_NOT_FOUND' } });
    const noCwd = await finished(node('1', { cwd: join(h.dir, 'nope') }));
    expect(noCwd).toMatchObject({ status: 'failed', error: { code: 'CWD_NOT_FOUND' } });
  });

  it('runs in the given folder, or in the home folder when none is given', async () => {
    const given = await finished(node('console.log(process.cwd())', { cwd: h.dir }));
    expect(logText(given.id)).toEqual([realpathSync(h.dir)]);
    const home = await finished(node('console.log(process.cwd())'));
    expect(logText(home.id)).toEqual([realpathSync(homedir())]);
  });

  it('adds env to the app environment, or replaces it with cleanEnv (keeping only its TASKLANE_RUN tag); passes stdin; runs through a shell', async () => {
    const added = await finished(node('console.log(process.env.GREETING, typeof process.env.PATH)', { env: { GREETING: 'hi' } }));
    expect(logText(added.id)).toEqual(['hi string']);
    const clean = await finished(node('console.log(Object.keys(process.env).filter(k => k !== "__CF_USER_TEXT_ENCODING").join(","))', { env: { ONLY: '1' }, cleanEnv: true }));
    // TASKLANE_RUN marks the attempt's processes, so that a crash never leaves them unfound.
    expect(logText(clean.id)).toEqual(['ONLY,TASKLANE_RUN']);
    const piped = await finished(node('process.stdin.on("data", d => process.stdout.write(d.toString().toUpperCase()))', { stdin: 'quiet\n' }));
    expect(logText(piped.id)).toEqual(['QUIET']);
    const shell = await finished(h.engine.enqueue({ kind: 'shell', input: { command: 'echo a b | tr a-z A-Z', shell: true } }).id);
    expect(logText(shell.id)).toEqual(['A B']);
  });

  it('::progress lines set the progress instead of being logged', async () => {
    const id = node('console.log("::progress 42 copying photos"); setTimeout(() => {}, 100000)');
    for (let i = 0; i < 300 && h.engine.getRun({ id }).progress === null; i++) await new Promise((r) => setTimeout(r, 10));
    expect(h.engine.getRun({ id })).toMatchObject({ progress: 42, progressMessage: 'copying photos' });
    expect(logText(id)).toEqual([]);
    h.engine.cancel({ ids: [id] });
  });

  it('::progress lines are not in the result\'s tail of the output either', async () => {
    const run = await finished(node('console.log("one"); console.log("::progress 50 half"); console.log("two")'));
    expect(run).toMatchObject({ status: 'succeeded', result: { stdoutTail: ['one', 'two'] } });
  });

  it('caps 10 MB of output at the limit with one marker, and counts the rest', async () => {
    const run = await finished(node('const l = "x".repeat(1023); for (let i = 0; i < 10240; i++) console.log(l)', { outputCapBytes: 1024 * 1024 }));
    expect(run.status).toBe('succeeded');
    const lines = h.engine.getLogs({ runId: run.id, limit: 10_000 }).lines;
    expect(lines.filter((l) => l.stream === 'stdout')).toHaveLength(1024);
    const info = lines.filter((l) => l.stream === 'info').map((l) => l.text);
    expect(info[0]).toContain('output truncated');
    expect(info[1]).toBe(`[${9216 * 1024} more bytes of output were not stored]`);
  });

  it('invalid UTF-8 never breaks the log', async () => {
    const run = await finished(node('process.stdout.write(Buffer.from([0x6f, 0x6b, 0xff, 0xfe, 0x0a, 0xe2, 0x82]))'));
    expect(run.status).toBe('succeeded');
    expect(logText(run.id)).toEqual(['ok\uFFFD\uFFFD', '\uFFFD']);
  });

  it('a timeout ends the whole process tree, grandchild included', async () => {
    const pidFile = join(h.dir, 'grandchild.pid');
    const script = `const { spawn } = require('child_process');
      const g = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(g.pid));
      setInterval(() => {}, 1000);`;
    const id = h.engine.enqueue({ kind: 'shell', input: { command: process.execPath, args: ['-e', script], killGraceMs: 200 }, timeoutMs: 10_000, maxAttempts: 1 }).id;
    for (let i = 0; i < 500 && !existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 10));
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    expect(alive(grandchild)).toBe(true);
    await h.clock.advance(10_000);
    expect(h.engine.getRun({ id })).toMatchObject({ status: 'dead', error: { code: 'TIMEOUT' } });
    expect(await gone(grandchild)).toBe(true);
  });

  it('cancel of a running shell run kills it', async () => {
    const pidFile = join(h.dir, 'child.pid');
    const id = node(`require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setInterval(() => {}, 1000)`);
    for (let i = 0; i < 500 && !existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 10));
    h.engine.cancel({ ids: [id] });
    await settle();
    expect(h.engine.getRun({ id }).status).toBe('cancelled');
    expect(await gone(Number(readFileSync(pidFile, 'utf8')))).toBe(true);
  });

  it('rejects bad shell input at enqueue with the field', () => {
    expect(() => h.engine.enqueue({ kind: 'shell', input: { command: '' } })).toThrowError(expect.objectContaining({ field: 'input.command' }));
    expect(() => h.engine.enqueue({ kind: 'shell', input: { command: 'ls', args: 'x' } })).toThrowError(expect.objectContaining({ field: 'input.args' }));
  });
});
