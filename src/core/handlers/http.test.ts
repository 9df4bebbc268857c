// The http kind against a real HTTP server on 127.0.0.1 started by the test.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../testing/harness';

let server: Server;
let base: string;
const seen: { method: string; url: string; body: string; type?: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, body, type: req.headers['content-type'] });
      if (req.url === '/ok') { res.setHeader('x-run', 'yes'); res.end('hello'); }
      else if (req.url === '/missing') { res.statusCode = 404; res.end('no such page'); }
      else if (req.url === '/broken') { res.statusCode = 500; res.end('oops'); }
      else if (req.url === '/big') res.end('y'.repeat(100_000));
      else if (req.url === '/slow') { /* never answers */ }
      else if (req.url === '/reset') req.socket.destroy();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

let h: Harness;
beforeEach(() => { h = createHarness(); h.engine.start(); });
afterEach(async () => { await h.cleanup(); });

async function run(input: Record<string, unknown>, maxAttempts = 1) {
  const id = h.engine.enqueue({ kind: 'http', input, maxAttempts, backoff: { delayMs: 1000, jitter: 0 } }).id;
  for (let i = 0; i < 500; i++) {
    const r = h.engine.getRun({ id });
    if (!['queued', 'running'].includes(r.status)) return r;
    await new Promise((res) => setTimeout(res, 10));
  }
  throw new Error('http run did not finish');
}

describe('http kind', () => {
  it('200: stores status, headers and body; sends JSON bodies as JSON', async () => {
    const r = await run({ method: 'POST', url: `${base}/ok`, body: { text: 'backup done' } });
    expect(r).toMatchObject({ status: 'succeeded', result: { status: 200, body: 'hello', truncated: false } });
    expect((r.result as { headers: Record<string, string> }).headers['x-run']).toBe('yes');
    expect(seen.at(-1)).toMatchObject({ method: 'POST', body: '{"text":"backup done"}', type: 'application/json' });
  });

  it('truncates a large body at 64 KB', async () => {
    const r = await run({ url: `${base}/big` });
    expect(r.result).toMatchObject({ truncated: true });
    expect((r.result as { body: string }).body).toHaveLength(65_536);
  });

  it('404 fails without retrying; 500 is retried', async () => {
    const missing = await run({ url: `${base}/missing` }, 3);
    expect(missing).toMatchObject({ status: 'failed', attempt: 1, error: { code: 'HTTP_404' } });
    const broken = await run({ url: `${base}/broken` }, 3);
    expect(broken).toMatchObject({ status: 'retrying', error: { code: 'HTTP_500' } });
  });

  it('a 4xx is retried when the task says so', async () => {
    const r = await run({ url: `${base}/missing`, retryOn4xx: true }, 2);
    expect(r.status).toBe('retrying');
  });

  it('timeout, refused and reset are typed and retryable', async () => {
    const slow = await run({ url: `${base}/slow`, timeoutMs: 200 }, 2);
    expect(slow).toMatchObject({ status: 'retrying', error: { code: 'HTTP_TIMEOUT' } });
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const refused = await run({ url: `http://127.0.0.1:${port}/` }, 2);
    expect(refused).toMatchObject({ status: 'retrying', error: { code: 'HTTP_REFUSED' } });
    const reset = await run({ url: `${base}/reset` }, 2);
    expect(reset.error?.code).toMatch(/HTTP_(RESET|NETWORK)/);
    expect(reset.status).toBe('retrying');
  });

  it('rejects a bad URL at enqueue', () => {
    expect(() => h.engine.enqueue({ kind: 'http', input: { url: 'ftp://x' } })).toThrowError(expect.objectContaining({ field: 'input.url' }));
  });
});

describe('notify kind', () => {
  it('hands the reminder to the notifier port', async () => {
    const got: unknown[] = [];
    const hn = createHarness({ notifier: { notify: (n) => { got.push(n); } } });
    hn.engine.start();
    const id = hn.engine.enqueue({ kind: 'notify', input: { title: 'Stretch', body: 'stand up' } }).id;
    await hn.engine.idle();
    expect(hn.engine.getRun({ id }).status).toBe('succeeded');
    expect(got).toEqual([{ title: 'Stretch', body: 'stand up', urgency: 'normal', runId: id }]);
    await hn.cleanup();
  });
});
