// Every verb of the `tasklane` command, run as a person's script would: a real `tasklane
// serve` in a temp folder, the CLI as real processes. The command tree is walked, so a verb
// added without --json, or without a run here, fails this test.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../core/testing/harness';
import { createEngine } from '../core/index';
import { buildProgram } from './main';
import { renderService } from './service';
import { COMMAND_NAMES } from '../core/api/contract';
import { cli, cliWith, startServe, type Server } from './test-support';

const tmp = tempDir();
let s: Server;
const stopped = join(tmp.dir, 'stopped');
const systemd = join(tmp.dir, 'xdg');
/** Service verbs write into this test's folders and never ask the machine's service manager. */
const serviceEnv = { XDG_CONFIG_HOME: systemd, HOME: join(tmp.dir, 'home'), TASKLANE_SERVICE_DRY_RUN: '1' };

function leaves(c: Command, path: string[] = []): { path: string; command: Command }[] {
  return c.commands.length ? c.commands.flatMap((x) => leaves(x, [...path, x.name()])) : [{ path: path.join(' '), command: c }];
}

beforeAll(async () => {
  s = await startServe(join(tmp.dir, 'a'));
  // A folder with a database and no Tasklane running on it (for db restore / reset).
  const e = createEngine({ dataDir: stopped });
  await e.stop({ timeoutMs: 0 });
}, 60_000);
afterAll(async () => {
  s.proc.kill('SIGTERM');
  await s.exited;
  tmp.cleanup();
});

/** Each verb with arguments that work on the data made in the test; in order. `code`: its
 *  documented exit code there (0 unless said). */
const RUNS: { path: string; args: string[]; dir?: 'stopped'; code?: number; lines?: boolean; env?: Record<string, string> }[] = [
  { path: 'lane add', args: ['gpu', '--concurrency', '2', '--rate', '10/1m'] },
  { path: 'lane set', args: ['gpu', '--concurrency', '3'] },
  { path: 'lanes', args: [] },
  { path: 'add', args: ['--name', 'hello', '--tag', 'demo', '--env', 'WHO=you', '--', 'sh', '-c', 'echo hello $WHO'] },
  { path: 'add', args: ['-'], env: { STDIN: JSON.stringify([{ kind: 'shell', input: { command: 'true' } }]) } },
  { path: 'remind', args: ['stretch', '--in', '2h'] },
  { path: 'wait', args: ['1'] },
  { path: 'logs', args: ['1'], lines: true },
  { path: 'show', args: ['1'] },
  { path: 'why', args: ['3'] },
  { path: 'ls', args: ['--status', 'succeeded', '--limit', '5'] },
  { path: 'search', args: ['hello', '--status', 'succeeded'] },
  { path: 'add', args: ['--delay', '1h', '--', 'true'] },
  { path: 'edit', args: ['4', '--priority', '9', '--lane', 'gpu'] },
  { path: 'hold', args: ['4'] },
  { path: 'release', args: ['4'] },
  { path: 'promote', args: ['4'] },
  { path: 'cancel', args: ['3'] },
  { path: 'add', args: ['--attempts', '1', '--', 'sh', '-c', 'exit 3'] },
  { path: 'wait', args: ['5'], code: 1 },
  { path: 'retry', args: ['5'] },
  { path: 'wait', args: ['5', '--timeout', '30s'], code: 1 },
  { path: 'discard', args: ['5'] },
  { path: 'bulk', args: ['cancel', '--status', 'scheduled'] },
  { path: 'bulk', args: ['cancel', '--status', 'scheduled', '--yes'] },
  { path: 'stats', args: ['--by', 'lane'] },
  { path: 'history', args: ['--per', 'day', '--since', '2026-01-01'] },
  { path: 'counts', args: [] },
  { path: 'prune', args: ['--older-than', '30d', '--keep', '1000'] },
  { path: 'task add', args: ['nightly', '--cron', '0 3 * * *', '--tz', 'Europe/Berlin', '--', 'echo', 'backup'] },
  { path: 'task edit', args: ['nightly', '--priority', '7', '--env', 'K=V', '--secret', 'API_TOKEN=tl-123456', '--unset-secret', 'OLD'] },
  { path: 'task show', args: ['nightly'] },
  { path: 'hook add', args: ['nightly', '--on', 'failed', '--webhook', 'http://127.0.0.1:9/hook'] },
  { path: 'hook rm', args: ['nightly', '1'] },
  { path: 'files', args: ['1', '--save', join(tmp.dir, 'files')] },
  { path: 'notices set', args: ['--succeeded', 'on', '--slow-success', '10m'] },
  { path: 'notices set', args: ['--task', 'nightly', '--failed', 'off'] },
  { path: 'notices show', args: [] },
  { path: 'task add', args: ['morning digest', '--report', 'digest', '--period', 'week', '--webhook', 'http://127.0.0.1:9/digest', '--cron', '0 8 * * *'] },
  { path: 'intake add', args: ['chat'] },
  { path: 'intake rule add', args: ['--name', 'deploys', '--match', '^deploy (\\w+)$', '--task', 'nightly', '--input', '{"command":"echo","args":["deploying {{match.1}}"]}'] },
  { path: 'intake ls', args: [] },
  { path: 'inbox send', args: ['deploy shop'] },
  { path: 'inbox send', args: ['{"task": "nightly"}', '--source', 'chat'] },
  { path: 'inbox send', args: ['not json', '--json-message'] },
  { path: 'inbox ls', args: ['--status', 'pending'] },
  { path: 'inbox show', args: ['1'] },
  { path: 'inbox approve', args: ['1'] },
  { path: 'inbox approve', args: ['2', '--input', '{"command":"echo","args":["edited"]}'] },
  { path: 'inbox send', args: ['-'], env: { STDIN: 'from standard input' } },
  { path: 'inbox reject', args: ['4', '--reason', 'not now'] },
  { path: 'intake rule rm', args: ['1'] },
  { path: 'intake rm', args: ['chat'] },
  { path: 'notices reset', args: ['nightly'] },
  { path: 'task run', args: ['nightly'] },
  { path: 'tasks', args: [] },
  { path: 'schedule set', args: ['nightly', '--cron', '30 2 * * *', '--tz', 'UTC', '--overlap', 'queue'] },
  { path: 'schedule pause', args: ['nightly'] },
  { path: 'schedule resume', args: ['nightly'] },
  { path: 'schedule explain', args: ['nightly'] },
  { path: 'schedule preview', args: ['*/15 * * * *', '--tz', 'UTC', '--count', '3'] },
  { path: 'schedule upcoming', args: ['--limit', '3'] },
  { path: 'schedule clear', args: ['nightly'] },
  { path: 'export', args: [join(tmp.dir, 'setup.json')] },
  { path: 'import', args: [join(tmp.dir, 'setup.json')] },
  { path: 'plugins', args: [] },
  { path: 'kinds', args: ['http'] },
  { path: 'schema', args: ['enqueue'] },
  { path: 'pause', args: ['gpu'] },
  { path: 'resume', args: ['gpu'] },
  { path: 'task rm', args: ['nightly'] },
  { path: 'lane rm', args: ['gpu'] },
  { path: 'completion', args: ['fish'] },
  { path: 'db backup', args: [join(tmp.dir, 'backup.db')] },
  { path: 'db check', args: [] },
  { path: 'db backups', args: [] },
  { path: 'db restore', args: [join(tmp.dir, 'backup.db')], dir: 'stopped' },
  { path: 'db reset', args: [], dir: 'stopped' },
  { path: 'service install', args: [], env: serviceEnv },
  { path: 'service status', args: [], env: serviceEnv },
  { path: 'service uninstall', args: [], env: serviceEnv },
];
/** Checked for --json but run elsewhere: serve runs until stopped (src/cli/test-support.ts starts it for every CLI test). */
const ELSEWHERE = ['serve'];

describe('every verb', () => {
  it('every verb takes --json, and every verb is run below', () => {
    const all = leaves(buildProgram());
    for (const { path, command } of all) expect(command.options.some((o) => o.long === '--json'), `${path} --json`).toBe(true);
    expect(new Set([...RUNS.map((r) => r.path), ...ELSEWHERE])).toEqual(new Set(all.map((l) => l.path)));
  });

  it('every command of the contract has a verb', () => {
    const verbs = ['runs', 'tasks', 'lanes', 'setup', 'inbox'].map((f) => readFileSync(new URL(`./verbs/${f}.ts`, import.meta.url), 'utf8')).join('\n');
    for (const name of COMMAND_NAMES) expect(verbs, name).toMatch(new RegExp(`'${name}'`));
  });

  it('each verb with --json prints valid JSON and exits with its documented code', async () => {
    for (const run of RUNS) {
      const dir = run.dir === 'stopped' ? stopped : s.dir;
      const r = await cliWith(run.env ?? {}, dir, ...run.path.split(' '), '--json', ...run.args);
      const what = `tasklane ${run.path} --json ${run.args.join(' ')} → ${r.code}\n${r.stdout}${r.stderr}`;
      expect(r.code, what).toBe(run.code ?? 0);
      const texts = run.lines ? r.stdout.trim().split('\n') : [r.stdout];
      for (const text of texts) expect(() => JSON.parse(text), what).not.toThrow();
    }
    // What the verbs did, read back.
    const runs = JSON.parse((await cli(s.dir, 'ls', '--json', '--limit', '50')).stdout) as { runs: { id: number; status: string; trigger: string }[] };
    expect(runs.runs.find((r) => r.id === 1)).toMatchObject({ status: 'succeeded', trigger: 'cli' });
    expect(runs.runs.find((r) => r.id === 3)?.status).toBe('cancelled');
    expect(runs.runs.find((r) => r.id === 4)?.status).toBe('succeeded');
    // Discarded: nothing dead is left (run 5's id was given again: ids are rowids).
    expect(runs.runs.filter((r) => r.status === 'dead')).toEqual([]);
    expect(existsSync(join(systemd, 'systemd', 'user', 'tasklane.service'))).toBe(false);
  }, 240_000);

  it('words instead of JSON: what happened, in the window\'s words', async () => {
    expect((await cli(s.dir, 'logs', '1')).stdout).toBe('hello you\n');
    expect((await cli(s.dir, 'lane', 'add', 'slow', '--rate', '10/1m')).stdout.trim()).toBe('lane slow: 1 at once, 10 per minute');
    expect((await cli(s.dir, 'lane', 'set', 'slow', '--pause-on-failure')).stdout.trim()).toBe('lane slow: 1 at once, 10 per minute, pauses on failure');
    expect((await cli(s.dir, 'lane', 'set', 'slow', '--no-pause-on-failure')).stdout.trim()).toBe('lane slow: 1 at once, 10 per minute');
    // A task whose schedule is refused is not saved; a new cron keeps the schedule's zone.
    for (const bad of [['--cron', '61 * * * *'], ['--cron', '0 3 * * *', '--tz', 'Mars/Base']]) {
      const r = await cli(s.dir, 'task', 'add', 'never saved', ...bad, '--', 'true');
      expect(r).toMatchObject({ code: 4 });
      expect(r.stderr).toContain('INVALID_SCHEDULE');
    }
    expect((await cli(s.dir, 'tasks', '--json')).stdout).not.toContain('never saved');
    expect((await cli(s.dir, 'task', 'add', 'zoned', '--cron', '0 3 * * *', '--tz', 'America/New_York', '--', 'true')).code).toBe(0);
    expect((await cli(s.dir, 'schedule', 'set', 'zoned', '--cron', '*/15 * * * *')).stdout).toContain('(America/New_York)');
    const dead = await cli(s.dir, 'add', '--after', '5000', '--', 'true');
    expect(dead).toMatchObject({ code: 4 });
    expect(dead.stderr).toContain('run 5000 does not exist');
    expect((await cli(s.dir, 'show', '1')).stdout).toContain('by the tasklane command');
    expect((await cli(s.dir, 'ls', '--lane', 'nosuch')).stdout).toContain("no runs in lane 'nosuch' (it does not exist now");
    // A program runs in the folder the command was typed in (unless --cwd says another).
    const here = mkdtempSync(join(tmpdir(), 'tasklane-here-'));
    const pwd = JSON.parse((await cliWith({ CWD: here }, s.dir, 'add', '--json', '--', 'pwd')).stdout) as { id: number };
    expect((await cli(s.dir, 'wait', String(pwd.id))).code).toBe(0);
    expect((await cli(s.dir, 'logs', String(pwd.id))).stdout).toBe(`${realpathSync(here)}\n`);
    // History leaves out the days with nothing in them, and says so.
    const history = (await cli(s.dir, 'history', '--per', 'day', '--since', '2026-01-01')).stdout;
    expect(history).toMatch(/^DAY +RUNS/);
    expect(history).toMatch(/\(\d+ days with no run ended left out, from 2026-01-01/);
    expect(history.trim().split('\n').length).toBeLessThan(6);
    // A relative --cwd is relative to that folder too.
    mkdirSync(join(here, 'sub'));
    const sub = JSON.parse((await cliWith({ CWD: here }, s.dir, 'add', '--json', '--cwd', 'sub', '--', 'pwd')).stdout) as { id: number };
    expect((await cli(s.dir, 'wait', String(sub.id))).code).toBe(0);
    expect((await cli(s.dir, 'logs', String(sub.id))).stdout).toBe(`${realpathSync(join(here, 'sub'))}\n`);
    rmSync(here, { recursive: true, force: true });
    // task edit changes only what is given: a new program keeps the folder and env.
    await cli(s.dir, 'task', 'add', 'edited', '--cwd', '/tmp', '--env', 'A=1', '--', 'echo', 'x');
    expect((await cli(s.dir, 'task', 'edit', 'edited', '--', 'echo', 'y')).code).toBe(0);
    expect(JSON.parse((await cli(s.dir, 'task', 'show', 'edited', '--json')).stdout).input).toMatchObject({ command: 'echo', args: ['y'], cwd: '/tmp', env: { A: '1' } });
    const foreign = await cli(s.dir, 'task', 'edit', 'edited', '--expect', '204', '--json');
    expect(foreign.code).toBe(4);
    expect(JSON.parse(foreign.stderr)).toEqual({ error: { code: 'INVALID_INPUT', message: '--expect do not apply to task edited, which is shell' } });
    // A value a verb cannot read says so, and exits 4.
    expect(await cli(s.dir, 'cancel', 'abc')).toMatchObject({ code: 4, stderr: expect.stringContaining("'abc' is not a whole number") });
  }, 90_000);

  it('logs --follow and wait exit 3 when Tasklane is not running (a stale endpoint file), not hang', async () => {
    const stale = join(tmp.dir, 'stale');
    mkdirSync(stale, { recursive: true });
    writeFileSync(join(stale, 'endpoint.json'), JSON.stringify({ port: 9, pid: 1, url: 'http://127.0.0.1:9/' }));
    writeFileSync(join(stale, 'token'), 'x');
    expect((await cli(stale, 'logs', '1', '--follow')).code).toBe(3);
    expect((await cli(stale, 'wait', '1')).code).toBe(3);
  }, 60_000);
});

describe('tasklane service', () => {
  it('writes a systemd user unit that systemd accepts (a folder with spaces, $ and % included), and removes it again', async () => {
    const env = serviceEnv;
    const odd = join(tmp.dir, 'my data $HOME %h');
    const installed = await cliWith(env, odd, 'service', 'install', '--port', '7999');
    expect(installed.code, installed.stderr).toBe(0);
    const file = join(systemd, 'systemd', 'user', 'tasklane.service');
    const unit = readFileSync(file, 'utf8');
    expect(unit).toContain(`ExecStart="${process.execPath}" "`);
    expect(unit).toContain(`"serve" "--data-dir" "${join(tmp.dir, 'my data $$HOME %%h')}" "--port" "7999"`);
    expect(unit).toContain('RestartPreventExitStatus=5 6');
    expect(unit).toContain('WantedBy=default.target');
    const analyze = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
    if (analyze.error) console.log(`systemd-analyze is not installed here: the unit is checked by its content only (${analyze.error.message})`);
    else {
      expect(analyze.status, analyze.stderr).toBe(0);
      expect(analyze.stderr).not.toMatch(/unknown|invalid|failed to parse|ignoring/i);
    }
    expect(JSON.parse((await cliWith(env, odd, 'service', 'status', '--json')).stdout)).toMatchObject({ installed: true, system: 'systemd' });
    expect((await cliWith(env, odd, 'service', 'uninstall')).code).toBe(0);
    expect(existsSync(file)).toBe(false);
  }, 60_000);

  it('launchd and Task Scheduler files say the same, each in its own language', () => {
    const spec = { node: '/usr/local/bin/node', script: '/opt/tasklane/bin/tasklane.js', dataDir: '/Users/me/Tasklane & co', port: 7437 };
    const plist = renderService('launchd', spec);
    expect(plist).toContain('<string>/Users/me/Tasklane &amp; co</string>');
    expect(plist).toContain('<key>RunAtLoad</key><true/>');
    const xml = renderService('schtasks', { ...spec, node: 'C:\\Program Files\\nodejs\\node.exe', dataDir: 'C:\\Users\\me\\Tasklane data\\', user: 'PC\\me' });
    expect(xml).toContain('<Command>C:\\Program Files\\nodejs\\node.exe</Command>');
    // A trailing backslash before the closing quote is doubled, as Windows reads arguments.
    expect(xml).toContain('--data-dir &quot;C:\\Users\\me\\Tasklane data\\\\&quot;');
    expect(xml).toContain('<LogonTrigger><Enabled>true</Enabled><UserId>PC\\me</UserId></LogonTrigger>');
  });
});
