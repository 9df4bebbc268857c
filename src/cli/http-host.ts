// The localhost host: the contract over HTTP (POST /api/<command>), the event stream over a
// WebSocket (/api/events, batches at most every 50 ms), the built UI's static files, and
// optional Prometheus metrics. Binds 127.0.0.1 only; every request needs the per-install
// token and a Host/Origin of this very address (no DNS rebinding, no foreign pages).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Engine, EngineEvent } from '../core/index';
import { dispatch } from '../core/api/contract';
import type { ErrorShape } from '../core/errors';
import { createMetrics } from './metrics';

export const BODY_LIMIT = 10 * 1024 * 1024;
const BATCH_MS = 50;

export interface HostOptions {
  engine: Engine;
  token: string;
  port: number;
  staticDir?: string;
  metrics?: boolean;
}

const STATUS: Partial<Record<ErrorShape['code'], number>> = {
  NOT_FOUND: 404, LANE_NOT_FOUND: 404, UNKNOWN_COMMAND: 404, UNKNOWN_KIND: 400,
  LANE_EXISTS: 409, TASK_EXISTS: 409, LANE_NOT_EMPTY: 409, LANE_PROTECTED: 409, INVALID_TRANSITION: 409,
  UNAUTHORIZED: 401, FORBIDDEN: 403, PAYLOAD_TOO_LARGE: 413, ENGINE_STOPPED: 503, INTERNAL: 500,
};
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.json': 'application/json', '.woff2': 'font/woff2', '.ico': 'image/x-icon',
};

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(text);
}
const fail = (res: ServerResponse, code: ErrorShape['code'], message: string) =>
  sendJson(res, STATUS[code] ?? 400, { ok: false, error: { code, message } });

function sameToken(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function startHost(opts: HostOptions): Promise<{ port: number; url: string; close(): Promise<void> }> {
  const { engine, token } = opts;
  const metrics = opts.metrics ? createMetrics(engine) : null;
  let port = opts.port;

  /** Host must name this server; Origin, when sent, must be this server too. */
  const trusted = (req: IncomingMessage): boolean => {
    const hosts = [`127.0.0.1:${port}`, `localhost:${port}`];
    if (!hosts.includes(req.headers.host ?? '')) return false;
    const origin = req.headers.origin;
    return origin === undefined || hosts.some((h) => origin === `http://${h}`);
  };

  const readBody = (req: IncomingMessage): Promise<string | null> => new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > BODY_LIMIT) { resolve(null); req.destroy(); return; }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

  const api = async (req: IncomingMessage, res: ServerResponse, command: string) => {
    if (req.method !== 'POST') return fail(res, 'INVALID_INPUT', 'commands are sent with POST and a JSON body');
    const auth = req.headers.authorization?.replace(/^Bearer\s+/i, '');
    if (!sameToken(auth, token)) return fail(res, 'UNAUTHORIZED', 'missing or wrong token (Authorization: Bearer <token>)');
    if (Number(req.headers['content-length'] ?? 0) > BODY_LIMIT) return fail(res, 'PAYLOAD_TOO_LARGE', `the body is over ${BODY_LIMIT} bytes`);
    const text = await readBody(req);
    if (text === null) return fail(res, 'PAYLOAD_TOO_LARGE', `the body is over ${BODY_LIMIT} bytes`);
    let input: unknown = {};
    if (text.trim()) {
      try { input = JSON.parse(text); } catch { return fail(res, 'INVALID_INPUT', 'the body is not valid JSON'); }
    }
    const outcome = await dispatch(engine, command, input);
    sendJson(res, outcome.ok ? 200 : STATUS[outcome.error.code] ?? 400, outcome);
  };

  const serveStatic = (res: ServerResponse, path: string) => {
    const root = opts.staticDir;
    const headers = {
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'self'; connect-src 'self' ws://127.0.0.1:* ws://localhost:*; img-src 'self' data:; style-src 'self' 'unsafe-inline'",
    };
    if (!root || !existsSync(join(root, 'index.html'))) {
      res.writeHead(200, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
      res.end('Tasklane is running.\nThe window UI is not built in this copy; use the `tasklane` command, or POST /api/<command> with the token.\n');
      return;
    }
    const file = normalize(join(root, path === '/' ? 'index.html' : decodeURIComponent(path)));
    const safe = file.startsWith(normalize(root) + sep) && existsSync(file) && statSync(file).isFile();
    const target = safe ? file : join(root, 'index.html');
    res.writeHead(200, { ...headers, 'content-type': TYPES[extname(target)] ?? 'application/octet-stream' });
    res.end(readFileSync(target));
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!trusted(req)) return fail(res, 'FORBIDDEN', 'requests must come from this machine\'s Tasklane page (Host/Origin mismatch)');
    if (url.pathname.startsWith('/api/')) {
      api(req, res, url.pathname.slice(5)).catch((e) => fail(res, 'INTERNAL', String((e as Error).message)));
      return;
    }
    if (url.pathname === '/metrics' && metrics) {
      const auth = req.headers.authorization?.replace(/^Bearer\s+/i, '') ?? url.searchParams.get('token') ?? undefined;
      if (!sameToken(auth, token)) return fail(res, 'UNAUTHORIZED', 'missing or wrong token');
      metrics.render().then((text) => { res.writeHead(200, { 'content-type': metrics.contentType }); res.end(text); },
        (e) => fail(res, 'INTERNAL', String(e)));
      return;
    }
    if (req.method !== 'GET') return fail(res, 'INVALID_INPUT', 'only GET here');
    serveStatic(res, url.pathname);
  });

  // ---- events: coalesced batches over a WebSocket ------------------------------------------
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const clients = new Set<WebSocket>();
  let batch: EngineEvent[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    const events = batch;
    batch = [];
    const text = JSON.stringify({ type: 'events', events });
    for (const ws of clients) ws.send(text);
  };
  const unsubscribe = engine.on('*', (event) => {
    if (!clients.size) return;
    batch.push(event);
    timer ??= setTimeout(flush, BATCH_MS);
  });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const reject = (status: string) => { socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`); };
    if (url.pathname !== '/api/events') return reject('404 Not Found');
    if (!trusted(req)) return reject('403 Forbidden');
    if (!sameToken(url.searchParams.get('token') ?? undefined, token)) return reject('401 Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      ws.send(JSON.stringify({ type: 'hello', lastSeq: engine.lastSeq }));
      ws.on('close', () => clients.delete(ws));
    });
  });

  return new Promise((resolve, reject) => {
    const listen = (p: number, fallback: boolean) => {
      server.once('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'EADDRINUSE' && fallback) listen(0, false);
        else reject(e);
      });
      server.listen(p, '127.0.0.1', () => {
        port = (server.address() as AddressInfo).port;
        resolve({
          port,
          url: `http://127.0.0.1:${port}/`,
          close: async () => {
            unsubscribe();
            if (timer) { clearTimeout(timer); flush(); }
            for (const ws of clients) ws.close(1001, 'Tasklane is stopping');
            server.closeAllConnections();
            await new Promise((r) => server.close(r));
          },
        });
      });
    };
    listen(opts.port, opts.port !== 0);
  });
}
