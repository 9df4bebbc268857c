// `tasklane serve` as a real process on a temp data folder: its app log
// (<data folder>/logs/tasklane.log), an uncaught error logged before it exits, and the
// settings file that turns /metrics on.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../core/testing/harness';

const BIN = fileURLToPath(new URL('../../bin/tasklane.js', import.meta.url));
const tmp = tempDir();
afterAll(() => tmp.cleanup());

interface Serve { proc: ChildProcess; dir: string; url: string; token: string; stdout: string[]; stderr: () => string; exited: Promise<number | null> }

/** Starts serve on `dir` (made first, with `settings` when given); resolves once it says where it serves. */
function serve(name: string, opts: { args?: string[]; nodeArgs?: string[]; env?: Record<string, string>; settings?: string } = {}): Promise<Serve> {
  const dir = join(tmp.dir, name);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (opts.settings !== undefined) writeFileSync(join(dir, 'settings.json'), opts.settings);
  const proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), BIN, '--data-dir', dir, 'serve', '--port', '0', ...(opts.args ?? [])],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } });
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  let stderr = '';
  proc.stderr!.on('data', (d) => { stderr += d; });
  const stdout: string[] = [];
  return new Promise((resolve, reject) => {
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      stdout.push(line);
      const m = /^Open (http:\/\/127\.0\.0\.1:\d+\/)#token=([0-9a-f]+)$/.exec(line);
      if (m) resolve({ proc, dir, url: m[1], token: m[2], stdout, stderr: () => stderr, exited });
    });
    proc.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
}

async function stop(s: Serve): Promise<void> {
  s.proc.kill('SIGTERM');
  await s.exited;
}

const logOf = (s: Serve, file = 'tasklane.log') => readFileSync(join(s.dir, 'logs', file), 'utf8')
  .split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown> & { level: string; time: string; message: string });

const api = async (s: Serve, command: string, body: unknown) => {
  const res = await fetch(`${s.url}api/${command}`, {
    method: 'POST', headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  return ((await res.json()) as { value: Record<string, unknown> }).value;
};
const metrics = (s: Serve) => fetch(`${s.url}metrics`, { headers: { authorization: `Bearer ${s.token}` } });

describe('the app log of tasklane serve', () => {
  it('writes JSON lines with time and level to <data folder>/logs/tasklane.log: the start, a dead run with its id and lane, the stop', async () => {
    const s = await serve('log');
    expect(s.stdout).toEqual([`Tasklane is serving ${s.dir}`, `Open ${s.url}#token=${s.token}`]);
    const run = await api(s, 'enqueue', { kind: 'shell', input: { command: 'exit 3', shell: true }, maxAttempts: 1, lane: 'serial' });
    for (let i = 0; i < 200; i++) {
      if ((await api(s, 'getRun', { id: run.id })).status === 'dead') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await stop(s);
    const log = logOf(s);
    for (const line of log) {
      expect(['info', 'warn', 'error']).toContain(line.level);
      expect(new Date(line.time).toISOString()).toBe(line.time);
    }
    expect(log[0]).toMatchObject({ level: 'info', message: `Tasklane is serving ${s.dir} at ${s.url}` });
    expect(log.find((l) => l.runId === run.id)).toMatchObject({ level: 'error', lane: 'serial', message: expect.stringMatching(new RegExp(`^run ${run.id} is dead: `)) });
    const messages = log.map((l) => l.message);
    expect(messages.at(-1)).toBe('Tasklane stopped');
    expect(messages).toContainEqual(expect.stringMatching(/^SIGTERM: stopping/));
    // The dead run's notice (told after 2 s, or at the stop if that comes first: never lost).
    expect(messages).toContainEqual(expect.stringMatching(/^notification: exit 3 is dead — Run \d+: EXIT_CODE/));
    expect(readFileSync(join(s.dir, 'logs', 'tasklane.log'), 'utf8')).not.toContain(s.token);
  });

  it.each([
    ['an uncaught exception', 'throw', 'uncaught exception', 'a bug nobody caught'],
    ['an unhandled rejection', 'reject', 'unhandled rejection', 'a promise nobody awaited'],
  ])('logs %s before the process exits (and still exits with code 1, printing it)', async (_what, fault, message, error) => {
    const preload = join(tmp.dir, 'fault.mjs');
    writeFileSync(preload, [
      'process.on("SIGUSR2", () => {',
      '  if (process.env.TASKLANE_TEST_FAULT === "reject") Promise.reject(new Error("a promise nobody awaited"));',
      '  else throw new Error("a bug nobody caught");',
      '});',
    ].join('\n'));
    const s = await serve(`fault-${fault}`, { nodeArgs: ['--import', pathToFileURL(preload).href], env: { TASKLANE_TEST_FAULT: fault } });
    s.proc.kill('SIGUSR2');
    expect(await s.exited).toBe(1);
    expect(s.stderr()).toContain(error);
    expect(logOf(s).at(-1)).toMatchObject({ level: 'error', message, error: { name: 'Error', message: error } });
  });
});

describe('settings.json', () => {
  it('"metrics": true turns /metrics on without --metrics', async () => {
    const s = await serve('metrics-on', { settings: '{ "metrics": true }' });
    expect(logOf(s)[0].message).toBe(`Tasklane is serving ${s.dir} at ${s.url}, with metrics at ${s.url}metrics`);
    const res = await metrics(s);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('# TYPE tasklane_run_wait_seconds histogram');
    await stop(s);
  });

  it('a bad setting is said in words, on stderr and in the log, and serve starts with the defaults', async () => {
    const s = await serve('metrics-bad', { settings: '{ "metrics": "yes", "metric": true }' });
    const problem = `${join(s.dir, 'settings.json')}: metrics: Invalid input: expected boolean, received string; Unrecognized key: "metric"; using the default settings`;
    expect(s.stderr()).toContain(problem);
    const res = await metrics(s);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('metrics are off');
    await stop(s);
    expect(logOf(s)[0]).toMatchObject({ level: 'warn', message: problem });
  });

  it('a file that is not JSON is said too', async () => {
    const s = await serve('not-json', { settings: '{ metrics: true' });
    expect(s.stderr()).toContain(`${join(s.dir, 'settings.json')} is not JSON (`);
    expect((await metrics(s)).status).toBe(404);
    await stop(s);
  });
});
