// Completion hooks, on a real database with a real local HTTP server: a chain of tasks, a
// signed webhook, loops refused, and a hook that survives the restart of a crash.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createHmac } from 'node:crypto';
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, settle, type Harness } from '../testing/harness';

let h: Harness;
beforeEach(() => { h = createHarness(); h.engine.start(); });
afterEach(async () => { await h.cleanup(); });

const task = (name: string, kind: string, input: unknown, extra: Record<string, unknown> = {}) =>
  h.engine.createTask({ name, kind, input, ...extra });
const runsOf = (taskId: number) => h.engine.listRuns({ taskId, oldestFirst: true }).runs;

describe('a hook runs another task', () => {
  it('a chain of three tasks runs in order, each with the one before it in its input', async () => {
    const c = task('c', 'echo', { value: '{{run.result}}!' });
    const b = task('b', 'echo', { value: 'got {{run.result}} from {{run.task}} (run {{run.id}}, {{run.status}})' }, { hooks: [{ on: 'succeeded', runTask: c.id }] });
    const a = task('a', 'echo', { value: 42 }, { hooks: [{ on: 'succeeded', runTask: b.id }, { on: 'failed', runTask: c.id }] });
    const first = h.engine.runTask({ id: a.id });
    await h.engine.idle();
    await settle();
    await h.engine.idle();
    const [rb] = runsOf(b.id);
    const [rc] = runsOf(c.id);
    expect(rb).toMatchObject({ status: 'succeeded', trigger: 'hook', result: `got 42 from a (run ${first.id}, succeeded)` });
    expect(rc).toMatchObject({ status: 'succeeded', trigger: 'hook', result: `got 42 from a (run ${first.id}, succeeded)!` });
    expect(rb.id).toBeLessThan(rc.id);
    // The task itself is unchanged: the next run by hand has its text as saved.
    expect(h.engine.listTasks().find((t) => t.id === b.id)!.input).toEqual({ value: 'got {{run.result}} from {{run.task}} (run {{run.id}}, {{run.status}})' });
  });

  it('fires on the outcome it names: failed covers dead, ended covers cancelled; a retry is no end', async () => {
    const log = task('log', 'echo', { value: '{{run.status}}: {{run.error}}' });
    const flaky = task('flaky', 'test.fail', { code: 'DISK' }, { maxAttempts: 2, backoff: { type: 'fixed', delayMs: 1000 },
      hooks: [{ on: 'failed', runTask: log.id }, { on: 'dead', runTask: log.id }, { on: 'succeeded', runTask: log.id }] });
    h.engine.runTask({ id: flaky.id });
    await h.engine.idle();
    expect(runsOf(log.id)).toEqual([]); // retrying: not an end
    h.clock.advance(1000);
    await settle();
    await h.engine.idle();
    await settle();
    await h.engine.idle();
    expect(runsOf(log.id).map((r) => r.result)).toEqual(['dead: DISK: failed with DISK', 'dead: DISK: failed with DISK']);

    const slow = task('slow', 'test.gate', {}, { hooks: [{ on: 'ended', runTask: log.id }] });
    const run = h.engine.runTask({ id: slow.id });
    await settle();
    h.engine.cancel({ ids: [run.id] });
    await h.engine.idle();
    await settle();
    await h.engine.idle();
    expect(runsOf(log.id).at(-1)).toMatchObject({ result: expect.stringMatching(/^cancelled: CANCELLED/) });
  });

  it('a loop is refused when saved, naming the way round; so is a task that does not exist', () => {
    const a = task('a', 'noop', {});
    const b = task('b', 'noop', {}, { hooks: [{ on: 'succeeded', runTask: a.id }] });
    expect(() => h.engine.updateTask({ id: a.id, hooks: [{ on: 'ended', runTask: b.id }] }))
      .toThrowError(expect.objectContaining({ code: 'INVALID_INPUT', field: 'hooks.0.runTask', message: expect.stringContaining('a loop: a → b → a') }));
    expect(() => h.engine.updateTask({ id: a.id, hooks: [{ on: 'failed', runTask: a.id }] }))
      .toThrowError(expect.objectContaining({ field: 'hooks.0.runTask', message: expect.stringContaining('a loop: a → a') }));
    expect(() => h.engine.createTask({ name: 'c', kind: 'noop', hooks: [{ on: 'dead', runTask: 999 }] }))
      .toThrowError(expect.objectContaining({ code: 'NOT_FOUND', field: 'hooks.0.runTask' }));
    expect(h.engine.listTasks().map((t) => [t.name, t.hooks.length])).toEqual([['a', 0], ['b', 1]]);
    // A task a hook runs cannot be deleted while the hook names it.
    expect(() => h.engine.deleteTask({ id: a.id })).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining("task 'b'") }));
  });

  it('a run a crash left running, found dead at the restart, fires its hook once', async () => {
    const after = task('after', 'noop', {});
    const stuck = task('stuck', 'noop', {}, { maxAttempts: 1, hooks: [{ on: 'dead', runTask: after.id }] });
    const run = h.engine.runTask({ id: stuck.id, overrides: { delayMs: 3_600_000 } });
    await h.engine.stop();
    // What a crash leaves behind: the row marked running, its attempt never closed.
    const db = new Database(h.dbPath);
    db.prepare(`UPDATE runs SET status = 'running', attempt = 1, started_at = ? WHERE id = ?`).run(h.clock.now() - 5000, run.id);
    db.close();
    const again = h.reopen();
    again.start();
    expect(again.getRun({ id: run.id })).toMatchObject({ status: 'dead', error: { code: 'ABANDONED' } });
    await again.idle();
    await settle();
    await again.idle();
    expect(again.listRuns({ taskId: after.id }).runs.map((r) => [r.status, r.trigger])).toEqual([['succeeded', 'hook']]);
    await again.stop();
    const third = h.reopen();
    third.start();
    await third.idle();
    expect(third.listRuns({ taskId: after.id }).runs).toHaveLength(1);
  });
});

describe('hooks are safe', () => {
  it("a run's output pasted into a command line run through the shell stays text, never code", async () => {
    const work = mkdtempSync(join(tmpdir(), 'tasklane-hook-'));
    const note = task('note', 'shell', { command: 'echo {{run.error}} > said.txt', shell: true, cwd: work });
    // In its args too: with the shell, the command and its args are one line for sh.
    const note2 = task('note2', 'shell', { command: 'echo', args: ['"{{run.error}}"', '>', 'said2.txt'], shell: true, cwd: work });
    const bad = task('bad', 'test.fail', { code: "$(touch PWNED)'; touch PWNED2; '", retryable: false },
      { hooks: [{ on: 'failed', runTask: note.id }, { on: 'failed', runTask: note2.id }] });
    h.engine.runTask({ id: bad.id });
    await h.engine.idle();
    for (let i = 0; i < 300 && [note, note2].some((t) => runsOf(t.id)[0]?.status !== 'succeeded'); i++) { await new Promise((r) => setTimeout(r, 10)); await settle(); }
    expect(readFileSync(join(work, 'said.txt'), 'utf8')).toBe("$(touch PWNED)'; touch PWNED2; ': failed with $(touch PWNED)'; touch PWNED2; '\n");
    expect(readFileSync(join(work, 'said2.txt'), 'utf8')).toBe("$(touch PWNED)'; touch PWNED2; ': failed with $(touch PWNED)'; touch PWNED2; '\n");
    expect(existsSync(join(work, 'PWNED')) || existsSync(join(work, 'PWNED2'))).toBe(false);
  });

  it('a save the engine refuses leaves the hooks as they were, and they still fire', async () => {
    const after = task('after', 'noop', {});
    const t = task('t', 'noop', {}, { hooks: [{ on: 'succeeded', runTask: after.id }] });
    expect(() => h.engine.updateTask({ id: t.id, hooks: [], schedule: { cron: 'nope' } })).toThrowError(expect.objectContaining({ field: 'schedule.cron' }));
    await settle();
    h.engine.runTask({ id: t.id });
    await h.engine.idle();
    await settle();
    await h.engine.idle();
    expect(runsOf(after.id)).toHaveLength(1);
  });
});

describe('a webhook', () => {
  let server: Server;
  const got: { headers: IncomingMessage['headers']; body: string }[] = [];
  let answer = 200;
  beforeEach(async () => {
    got.length = 0;
    answer = 200;
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => { body += c.toString(); });
      req.on('end', () => { got.push({ headers: req.headers, body }); res.statusCode = answer; res.end(); });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  afterEach(async () => { await new Promise((r) => server.close(r)); });
  const url = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;

  async function until(check: () => boolean): Promise<void> {
    for (let i = 0; i < 200 && !check(); i++) { await new Promise((r) => setTimeout(r, 10)); await settle(); }
  }

  it('a failing task posts a signed summary the server can verify; the post is a run of its own', async () => {
    const secret = 'a-secret-of-sixteen-or-more';
    const t = task('backup', 'test.fail', { code: 'ENOSPC', retryable: false }, { hooks: [{ on: 'failed', webhook: { url: url(), secret } }] });
    const run = h.engine.runTask({ id: t.id });
    await until(() => got.length > 0);
    expect(got).toHaveLength(1);
    const { headers, body } = got[0];
    const expected = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
    expect(headers['x-tasklane-signature']).toBe(expected);
    expect(headers['x-tasklane-event']).toBe('run.failed');
    expect(JSON.parse(body)).toMatchObject({ event: 'run.failed', task: { name: 'backup' }, run: { id: run.id, status: 'failed', error: { code: 'ENOSPC' } } });
    await h.engine.idle();
    const post = h.engine.listRuns({ kind: 'http' }).runs[0];
    expect(post).toMatchObject({ status: 'succeeded', trigger: 'hook', name: 'webhook: backup failed', tags: ['webhook'], maxAttempts: 5 });
  });

  it('a webhook the server refuses is retried with backoff, as any http run', async () => {
    answer = 503;
    const t = task('nightly', 'noop', {}, { hooks: [{ on: 'succeeded', webhook: { url: url(), secret: 'x'.repeat(16) } }] });
    h.engine.runTask({ id: t.id });
    await until(() => got.length > 0);
    await h.engine.idle();
    const post = h.engine.listRuns({ kind: 'http' }).runs[0];
    expect(post.status).toBe('retrying');
    answer = 200;
    h.clock.advance(5_000);
    await until(() => got.length > 1);
    await h.engine.idle();
    expect(h.engine.getRun({ id: post.id }).status).toBe('succeeded');
    // The same body, the same signature, each time.
    expect(got[1].body).toBe(got[0].body);
    expect(got[1].headers['x-tasklane-signature']).toBe(got[0].headers['x-tasklane-signature']);
  });
});

describe('export and import', () => {
  it("hooks travel by their task's name, with a task's own notification policy; a hook to a task in neither is refused", async () => {
    const report = task('report', 'noop', {});
    task('backup', 'noop', {}, { notify: { failed: false },
      hooks: [{ on: 'failed', runTask: report.id }, { on: 'ended', webhook: { url: 'https://example.com/h', secret: 's'.repeat(16) } }] });
    const file = h.engine.exportConfig();
    expect(file.tasks.find((t) => t.name === 'backup')).toMatchObject({ notify: { failed: false }, hooks: [{ on: 'failed', runTask: 'report' }, { on: 'ended' }] });

    const other = createHarness();
    try {
      // Created in another order there: the ids differ, the names hold.
      other.engine.createTask({ name: 'first', kind: 'noop' });
      other.engine.importConfig({ config: { ...file, tasks: [...file.tasks].reverse() } });
      const tasks = other.engine.listTasks();
      const backup = tasks.find((t) => t.name === 'backup')!;
      expect(backup.hooks[0].runTask).toBe(tasks.find((t) => t.name === 'report')!.id);
      expect(backup.hooks[1]).toEqual({ on: 'ended', webhook: { url: 'https://example.com/h', secret: 's'.repeat(16) } });
      expect(backup.notify).toEqual({ failed: false });
      const bad = { ...file, tasks: [{ ...file.tasks[0], name: 'x', hooks: [{ on: 'dead', runTask: 'nowhere' }] }] };
      expect(() => other.engine.importConfig({ config: bad })).toThrowError(expect.objectContaining({ code: 'NOT_FOUND', field: 'config.tasks.0.hooks.0.runTask' }));
    } finally {
      await other.cleanup();
    }
  });
});
