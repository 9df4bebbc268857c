// `tasklane serve` as a real process on an ephemeral port with a temp data folder, and the
// CLI as real processes against it.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { tempDir } from '../core/testing/harness';
import { cli, startServe, type Server } from './test-support';

const tmp = tempDir();
let s: Server;
const api = (command: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`http://127.0.0.1:${s.port}/api/${command}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
/** fetch cannot set Host; a raw request can, as a DNS-rebinding page would. */
function rawStatus(headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: s.port, path: '/api/enqueue', method: 'POST', headers }, (res) => { res.resume(); resolve(res.statusCode!); });
    req.on('error', reject);
    req.end(body);
  });
}
/** A raw request, byte for byte as a hostile page or program could send it; the status line back. */
function rawRequest(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(s.port, '127.0.0.1', () => socket.end(text));
    let got = '';
    socket.on('data', (d) => { got += d; });
    socket.on('close', () => resolve(got.split('\r\n')[0]));
    socket.on('error', reject);
  });
}
const runCount = async () => ((await (await api('counts', {})).json()) as { value: { total: Record<string, number> } }).value.total;

beforeAll(async () => { s = await startServe(join(tmp.dir, 'a')); });
afterAll(async () => {
  s.proc.kill('SIGTERM');
  await s.exited;
  tmp.cleanup();
});

describe('tasklane serve', () => {
  it('keeps its token private and refuses a second serve on the same folder', async () => {
    expect(statSync(join(s.dir, 'token')).mode & 0o777).toBe(0o600);
    // Commands, env values and logs live in the database: this user's only.
    expect(statSync(s.dir).mode & 0o777).toBe(0o700);
    for (const f of ['tasklane.db', 'tasklane.db-wal', 'tasklane.db-shm']) expect(statSync(join(s.dir, f)).mode & 0o777).toBe(0o600);
    const second = await cli(s.dir, 'serve', '--port', '0');
    expect(second.code).toBe(6);
    expect(second.stderr).toContain('Tasklane is already running on this data folder');
  });

  it('refuses requests without the token, with a wrong one, or from a foreign Origin/Host, changing nothing', async () => {
    const before = await runCount();
    const body = JSON.stringify({ kind: 'shell', input: { command: 'true' } });
    const noAuth = await fetch(`http://127.0.0.1:${s.port}/api/enqueue`, { method: 'POST', body });
    expect(noAuth.status).toBe(401);
    expect(await noAuth.json()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect((await api('enqueue', body, { authorization: 'Bearer nope' })).status).toBe(401);
    expect((await api('enqueue', body, { origin: 'http://evil.example' })).status).toBe(403);
    expect(await rawStatus({ host: `attacker.example:${s.port}`, authorization: `Bearer ${s.token}` }, body)).toBe(403);
    expect(await runCount()).toEqual(before);
  });

  it('answers malformed, oversized, unknown and invalid requests with typed 4xx errors', async () => {
    const bad = await api('enqueue', '{not json');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'INVALID_INPUT', message: 'the body is not valid JSON' } });
    const big = await api('enqueue', JSON.stringify({ kind: 'shell', input: { command: 'x'.repeat(11 * 1024 * 1024) } }));
    expect(big.status).toBe(413);
    const unknown = await api('launchRockets', {});
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'UNKNOWN_COMMAND' } });
    const invalid = await api('enqueue', { kind: 'shell', input: { command: 'ls' }, priority: 99 });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', field: 'priority' } });
  });

  it('stays up when sent malformed paths, upgrades and oversized frames, without the token', async () => {
    const host = `Host: 127.0.0.1:${s.port}\r\n`;
    for (const path of ['/%', '/assets/%ff', '//', '/api/%', '//api//counts', '/%00']) {
      expect(await rawRequest(`GET ${path} HTTP/1.1\r\n${host}Connection: close\r\n\r\n`)).toMatch(/^HTTP\/1\.1 (200|400|404)/);
    }
    expect(await rawRequest(`GET /% HTTP/1.1\r\n${host}Connection: close\r\n\r\n`)).toBe('HTTP/1.1 400 Bad Request');
    const upgrade = (path: string) => rawRequest(`GET ${path} HTTP/1.1\r\n${host}Connection: Upgrade\r\nUpgrade: websocket\r\n`
      + 'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
    expect(await upgrade('//')).toMatch(/^HTTP\/1\.1 (400|404)/);
    expect(await upgrade('/api/events?token=%')).toMatch(/^HTTP\/1\.1 401/);
    expect(await rawRequest('BREW / HTTP/1.1\r\nHost\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    // A logged-in client sends a frame over the limit: it is dropped, the host is not.
    const ws = new WebSocket(`ws://127.0.0.1:${s.port}/api/events?token=${s.token}`, { headers: { origin: `http://127.0.0.1:${s.port}` } });
    await new Promise((r) => ws.once('open', r));
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    ws.send(Buffer.alloc(200 * 1024));
    expect(await closed).toBe(1009);
    expect((await api('counts', {})).status).toBe(200);
    expect(await Promise.race([s.exited, new Promise((r) => setTimeout(() => r('running'), 100))])).toBe('running');
  });

  it('drops a WebSocket client that stops reading, and keeps serving the others', async () => {
    await api('createLane', { name: 'slowpoke' });
    await api('pauseLane', { name: 'slowpoke' });
    const headers = { origin: `http://127.0.0.1:${s.port}` };
    const slow = new WebSocket(`ws://127.0.0.1:${s.port}/api/events?token=${s.token}`, { headers });
    await new Promise((r) => slow.once('open', r));
    // This client reads nothing more: the events pile up on the host's side of its socket.
    (slow as unknown as { _socket: { pause(): void } })._socket.pause();
    const dropped = new Promise<void>((r) => slow.once('close', () => r()));
    // ~40 MB of events: more than the kernel's socket buffers (~10 MB here) and the 8 MB limit.
    for (let i = 0; i < 8; i++) {
      const runs = Array.from({ length: 25_000 }, (_, n) => ({ kind: 'shell', lane: 'slowpoke', input: { command: 'true' }, name: `flood ${i}-${n}` }));
      expect((await api('enqueueMany', { runs })).status).toBe(200);
    }
    (slow as unknown as { _socket: { resume(): void } })._socket.resume();
    await dropped;
    expect((await api('counts', {})).status).toBe(200);
  });

  it('takes commands only as JSON, refuses input nested too deep, and checks every command\'s input', async () => {
    const before = await runCount();
    const text = await api('enqueue', JSON.stringify({ kind: 'shell', input: { command: 'true' } }), { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    expect(await text.json()).toMatchObject({ error: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
    // Written as text: JSON.stringify itself overflows the stack on a value this deep.
    const body = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const deep = await api('enqueue', `{"kind":"http","input":{"url":"http://127.0.0.1:1/","method":"POST","body":${body}}}`);
    expect(deep.status).toBe(400);
    expect(await deep.json()).toMatchObject({ error: { code: 'INVALID_INPUT', field: expect.stringMatching(/^input\.body\.a/) } });
    const junk = await api('exportConfig', { junk: 1 });
    expect(junk.status).toBe(400);
    expect(await junk.json()).toMatchObject({ error: { code: 'INVALID_INPUT', field: 'junk' } });
    expect(await runCount()).toEqual(before);
  });

  it('streams events over the WebSocket in coalesced batches (1,000 runs)', async () => {
    await api('createLane', { name: 'parked' });
    await api('pauseLane', { name: 'parked' });
    const ws = new WebSocket(`ws://127.0.0.1:${s.port}/api/events?token=${s.token}`, { headers: { origin: `http://127.0.0.1:${s.port}` } });
    const messages: { type: string; events?: { type: string }[] }[] = [];
    await new Promise((r) => ws.once('open', r));
    let queued = 0;
    const all = new Promise<void>((resolve) => ws.on('message', (data) => {
      const m = JSON.parse(String(data));
      messages.push(m);
      queued += (m.events ?? []).filter((e: { type: string }) => e.type === 'run.queued').length;
      if (queued >= 1000) resolve();
    }));
    const runs = Array.from({ length: 1000 }, (_, i) => ({ kind: 'shell', lane: 'parked', input: { command: 'true' }, name: `burst ${i}` }));
    expect((await api('enqueueMany', { runs })).status).toBe(200);
    await all;
    ws.close();
    const batches = messages.filter((m) => m.type === 'events');
    expect(batches.length).toBeLessThan(10);
    const denied = new WebSocket(`ws://127.0.0.1:${s.port}/api/events?token=wrong`);
    expect(await new Promise((r) => denied.once('unexpected-response', (_q, res) => r(res.statusCode)))).toBe(401);
  });

  it('serves Prometheus metrics behind the token', async () => {
    const res = await fetch(`http://127.0.0.1:${s.port}/metrics`, { headers: { authorization: `Bearer ${s.token}` } });
    const text = await res.text();
    expect(text).toContain('tasklane_runs{lane="parked",status="queued"} 1000');
    expect(text).toContain('tasklane_queue_depth');
    expect((await fetch(`http://127.0.0.1:${s.port}/metrics`)).status).toBe(401);
  });
});

describe('tasklane CLI', () => {
  it('adds a command, lists it, and follows its log as lines arrive', async () => {
    const script = 'for (let i = 1; i <= 3; i++) setTimeout(() => console.log("line " + i), i * 150)';
    const added = await cli(s.dir, 'add', '--name', 'counter', '--json', '--', process.execPath, '-e', script);
    expect(added.code).toBe(0);
    const { id } = JSON.parse(added.stdout);
    const follow = await cli(s.dir, 'logs', String(id), '--follow');
    expect(follow.stdout).toBe('line 1\nline 2\nline 3\n');
    const ls = await cli(s.dir, 'ls', '--status', 'succeeded', '--json');
    expect(JSON.parse(ls.stdout).runs.map((r: { name: string }) => r.name)).toContain('counter');
    const show = await cli(s.dir, 'show', String(id));
    expect(show.stdout).toContain('status    succeeded');
  });

  it('wait exits 0 when all succeeded, 1 when one failed, 2 on timeout; retry and cancel work', async () => {
    const ok = JSON.parse((await cli(s.dir, 'add', '--json', '--', 'true')).stdout).id;
    const bad = JSON.parse((await cli(s.dir, 'add', '--json', '--retries', '0', '--', 'false')).stdout).id;
    const slow = JSON.parse((await cli(s.dir, 'add', '--json', '--', 'sleep', '30')).stdout).id;
    expect((await cli(s.dir, 'wait', String(ok))).code).toBe(0);
    expect((await cli(s.dir, 'wait', String(ok), String(bad))).code).toBe(1);
    expect((await cli(s.dir, 'wait', String(slow), '--timeout', '300ms')).code).toBe(2);
    expect((await cli(s.dir, 'cancel', String(slow))).stdout).toContain(`cancelled: run ${slow}`);
    expect((await cli(s.dir, 'retry', String(bad))).stdout).toContain(`queued again: run ${bad}`);
    // Retrying a run that succeeded is input to fix (exit 4), not a failure of Tasklane.
    const again = await cli(s.dir, 'retry', String(ok));
    expect(again.code).toBe(4);
    expect(again.stderr).toContain('only dead, failed or cancelled runs can be retried');
  });

  it('--after releases a chain when it succeeds and kills it when it dies', async () => {
    const first = JSON.parse((await cli(s.dir, 'add', '--json', '--', 'true')).stdout).id;
    const second = JSON.parse((await cli(s.dir, 'add', '--json', '--after', String(first), '--', 'true')).stdout).id;
    expect((await cli(s.dir, 'wait', String(second))).code).toBe(0);
    const failing = JSON.parse((await cli(s.dir, 'add', '--json', '--retries', '0', '--', 'false')).stdout).id;
    const blocked = JSON.parse((await cli(s.dir, 'add', '--json', '--after', String(failing), '--', 'true')).stdout).id;
    const waited = await cli(s.dir, 'wait', String(blocked));
    expect(waited.code).toBe(1);
    expect(waited.stdout).toContain('dead (DEPENDENCY_FAILED)');
    // show names the chain both ways.
    expect((await cli(s.dir, 'show', String(blocked))).stdout).toMatch(new RegExp(`after +${failing} \\(dead\\)`));
    expect((await cli(s.dir, 'show', String(first))).stdout).toMatch(new RegExp(`then +${second} \\(succeeded\\)`));
  });

  it('schema says what a command takes, with its bounds and defaults; a name that is no command is refused', async () => {
    const r = await cli(s.dir, 'schema', 'enqueue');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^enqueue \(writes\)/);
    expect(r.stdout).toMatch(/priority +integer 0–10 +5/);
    expect(r.stdout).toMatch(/kind +yes +string/);
    const all = await cli(s.dir, 'schema');
    expect(all.stdout).toMatch(/listRuns +reads/);
    const bad = await cli(s.dir, 'schema', 'dropTables');
    expect(bad.code).toBe(4);
    expect(bad.stderr).toContain("there is no command 'dropTables'");
  });

  it('exports and imports lanes, tasks and schedules; a bad file changes nothing', async () => {
    await api('createLane', { name: 'photos', concurrency: 2, rateLimit: { max: 5, intervalMs: 1000 } });
    const task = (await (await api('createTask', { name: 'backup', kind: 'shell', input: { command: 'true' }, lane: 'photos' })).json()) as { value: { id: number } };
    await api('setSchedule', { taskId: task.value.id, cron: '0 3 * * *', timeZone: 'Europe/Berlin', catchUp: 'skip' });
    const file = join(tmp.dir, 'setup.json');
    expect((await cli(s.dir, 'export', file)).code).toBe(0);

    const other = await startServe(join(tmp.dir, 'b'));
    try {
      const broken = join(tmp.dir, 'broken.json');
      const config = JSON.parse(readFileSync(file, 'utf8'));
      writeFileSync(broken, JSON.stringify({ ...config, tasks: [...config.tasks, { name: 'x', kind: 'teleport' }] }));
      const refused = await cli(other.dir, 'import', broken);
      expect(refused.code).toBe(4);
      expect(refused.stderr).toContain("kind 'teleport' does not exist");
      expect((await cli(other.dir, 'tasks', '--json')).stdout.trim()).toBe('[]');

      expect((await cli(other.dir, 'import', file)).stdout).toContain('imported');
      const roundTrip = join(tmp.dir, 'again.json');
      await cli(other.dir, 'export', roundTrip);
      expect(JSON.parse(readFileSync(roundTrip, 'utf8'))).toEqual(config);
    } finally {
      other.proc.kill('SIGTERM');
      expect(await other.exited).toBe(0);
      expect(existsSync(join(other.dir, 'endpoint.json'))).toBe(false);
    }
  });

  it('prints JSON for scripts with --json on add, ls, show, tasks, lanes, cancel and retry', async () => {
    const id = JSON.parse((await cli(s.dir, 'add', '--json', '--delay', '1h', '--', 'true')).stdout).id as number;
    for (const args of [['ls'], ['show', String(id)], ['tasks'], ['lanes'], ['cancel', String(id)], ['retry', String(id)]]) {
      const run = await cli(s.dir, ...args, '--json');
      expect(run.code, args.join(' ')).toBe(0);
      expect(() => JSON.parse(run.stdout), args.join(' ')).not.toThrow();
    }
  });

  it('says clearly when Tasklane is not running, and rejects bad usage', async () => {
    const none = await cli(join(tmp.dir, 'nothing-here'), 'ls');
    expect(none.code).toBe(3);
    expect(none.stderr).toContain(`Tasklane is not running on ${join(tmp.dir, 'nothing-here')} (start the app, or \`tasklane serve\` with --data-dir ${join(tmp.dir, 'nothing-here')})`);
    expect((await cli(s.dir, 'add', '--delay', 'soon', '--', 'true')).code).toBe(4);
    expect((await cli(s.dir, 'show', '999999')).code).toBe(4);
    expect((await cli(s.dir, 'add', '--lane', 'nosuch', '--', 'true')).code).toBe(4);
    expect((await cli(s.dir, 'add', '--help')).stdout).toContain('--after');
  });
});
