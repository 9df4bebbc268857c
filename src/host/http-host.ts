// The localhost host: the contract over HTTP (POST /api/<command>), the event stream over a
// WebSocket (/api/events, batches at most every 50 ms: batcher.ts), the built UI's static files, and
// optional Prometheus metrics. Binds 127.0.0.1 only; every request needs the per-install
// token and a Host/Origin of this very address (no DNS rebinding, no foreign pages).
// Total: anyone on this machine (or a page in its browser) can send it anything, so every
// handler answers a typed error for whatever it cannot use and never throws out of itself
// (a malformed URL, bad percent-encoding, an oversized WebSocket frame, a slow client).
// Kept on node:http + ws rather than a framework: the whole surface is four routes, and
// the fuzz suite (fuzz/) drives all of it; measured in BENCHMARKS.md (http).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Engine } from '../core/index';
import { dispatch } from '../core/commands';
import { batchEvents } from './batcher';
import { toErrorShape, type ErrorShape } from '../core/errors';
import { MESSAGE_LIMIT } from '../core/api/schemas';
import type { Metrics } from './metrics';

export const BODY_LIMIT = 10 * 1024 * 1024;
/** A WebSocket client that has this much unsent is too slow to follow: it is dropped (it
 *  reconnects and reads a fresh snapshot), so it cannot make the host hold every event. */
export const WS_SEND_LIMIT = 8 * 1024 * 1024;
const WS_MAX_PAYLOAD = 64 * 1024;

export interface HostOptions {
  engine: Engine;
  token: string;
  port: number;
  staticDir?: string;
  /** Served at /metrics when given; made before engine.start() (what start-up does counts
   *  too: runs it queues, fires it missed). Closed with the host. */
  metrics?: Metrics | null;
}

const STATUS: Partial<Record<ErrorShape['code'], number>> = {
  NOT_FOUND: 404, LANE_NOT_FOUND: 404, UNKNOWN_COMMAND: 404, UNKNOWN_KIND: 400,
  LANE_EXISTS: 409, TASK_EXISTS: 409, LANE_NOT_EMPTY: 409, LANE_PROTECTED: 409, INVALID_TRANSITION: 409,
  UNAUTHORIZED: 401, FORBIDDEN: 403, PAYLOAD_TOO_LARGE: 413, UNSUPPORTED_MEDIA_TYPE: 415, ENGINE_STOPPED: 503,
  STORAGE_FULL: 507, STORAGE_READONLY: 503, STORAGE_CORRUPT: 500, STORAGE_IO: 500, INTERNAL: 500,
};
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.json': 'application/json', '.woff2': 'font/woff2', '.ico': 'image/x-icon',
};

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(text);
}

/** The request target split without throwing: `new URL` refuses `//`, and
 *  decodeURIComponent refuses `%`, `%ff`; both used to end the process. Null: not a path. */
export function parseTarget(raw: string | undefined): { path: string; query: URLSearchParams } | null {
  const target = raw ?? '/';
  if (!target.startsWith('/')) return null;
  const q = target.indexOf('?');
  const encoded = q < 0 ? target : target.slice(0, q);
  let path: string;
  try { path = decodeURIComponent(encoded); } catch { return null; }
  if (path.includes('\0')) return null;
  return { path: path.replace(/\/{2,}/g, '/'), query: new URLSearchParams(q < 0 ? '' : target.slice(q + 1)) };
}
const fail = (res: ServerResponse, code: ErrorShape['code'], message: string) =>
  sendJson(res, STATUS[code] ?? 400, { ok: false, error: { code, message } });

/** The token a request carries as `Authorization: Bearer <token>`, if any. */
const bearer = (req: IncomingMessage) => req.headers.authorization?.replace(/^Bearer\s+/i, '');

function sameToken(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function startHost(opts: HostOptions): Promise<{ port: number; url: string; windows(): number; close(): Promise<void> }> {
  const { engine, token } = opts;
  const metrics = opts.metrics ?? null;
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
      if (size > BODY_LIMIT) {
        // Answer now; the rest of the body is read and dropped (requestTimeout bounds it).
        req.removeAllListeners('data');
        req.resume();
        chunks.length = 0;
        resolve(null);
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

  const api = async (req: IncomingMessage, res: ServerResponse, command: string) => {
    if (req.method !== 'POST') return fail(res, 'INVALID_INPUT', 'commands are sent with POST and a JSON body');
    if (!sameToken(bearer(req), token)) return fail(res, 'UNAUTHORIZED', 'missing or wrong token (Authorization: Bearer <token>)');
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/json') {
      return fail(res, 'UNSUPPORTED_MEDIA_TYPE', 'send the command as JSON (Content-Type: application/json)');
    }
    if (Number(req.headers['content-length'] ?? 0) > BODY_LIMIT) return fail(res, 'PAYLOAD_TOO_LARGE', `the body is over ${BODY_LIMIT} bytes`);
    const text = await readBody(req);
    if (text === null) return fail(res, 'PAYLOAD_TOO_LARGE', `the body is over ${BODY_LIMIT} bytes`);
    let input: unknown = {};
    if (text.trim()) {
      try { input = JSON.parse(text); } catch { return fail(res, 'INVALID_INPUT', 'the body is not valid JSON'); }
    }
    // Who asks (recorded as the origin of the runs it makes): the window and the CLI say so.
    const said = req.headers['x-tasklane-origin'];
    const origin = said === 'cli' || said === 'window' ? said : 'api';
    const outcome = await dispatch(engine, command, input, { origin });
    sendJson(res, outcome.ok ? 200 : STATUS[outcome.error.code] ?? 400, outcome);
  };

  /** Stores the message (its first MESSAGE_LIMIT bytes), makes it durable, then answers 202
   *  with what became of it: pending, approved by a rule, or rejected (malformed; kept). */
  const receiveMessage = async (req: IncomingMessage, res: ServerResponse, source: string, given: string | undefined) => {
    if (req.method !== 'POST') return fail(res, 'INVALID_INPUT', 'a message is sent with POST');
    if (!given) return fail(res, 'UNAUTHORIZED', 'missing token: send the source\'s token (Authorization: Bearer <token>, or ?token=)');
    // Nothing of a sender without the token is read, let alone kept.
    if (!engine.intakeAllowed(source, given)) return fail(res, 'UNAUTHORIZED', `no intake source '${source}' with this token (tasklane intake add ${source} makes one)`);
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    await new Promise<void>((resolve, reject) => {
      req.on('data', (c: Buffer) => {
        if (size >= MESSAGE_LIMIT) { truncated = true; return; }
        chunks.push(c);
        size += c.length;
      });
      req.on('end', resolve);
      req.on('error', reject);
    });
    let body = Buffer.concat(chunks);
    if (body.length > MESSAGE_LIMIT) { body = body.subarray(0, MESSAGE_LIMIT); truncated = true; }
    if (!body.length) return fail(res, 'INVALID_INPUT', 'the message is empty: send it as the body');
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    const format = type === 'application/json' || type.endsWith('+json') ? 'json' : 'text';
    let message;
    try {
      message = engine.intake({ source, token: given, text: body.toString('utf8'), format, truncated });
    } catch (e) {
      const shape = toErrorShape(e, engine.dbPath);
      return sendJson(res, STATUS[shape.code] ?? 400, { ok: false, error: shape });
    }
    try {
      await engine.durable();
    } catch (e) {
      const code = toErrorShape(e, engine.dbPath).code;
      return fail(res, code.startsWith('STORAGE_') ? code : 'STORAGE_IO', `stored as message ${message.id}, but the disk did not confirm it (${(e as Error).message}); `
        + 'do not send it again: check with tasklane inbox, and check the disk');
    }
    sendJson(res, 202, { ok: true, value: { id: message.id, status: message.status, reason: message.reason } });
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
    const file = normalize(join(root, path === '/' ? 'index.html' : path));
    const safe = file.startsWith(normalize(root) + sep) && existsSync(file) && statSync(file).isFile();
    const target = safe ? file : join(root, 'index.html');
    const body = readFileSync(target);
    res.writeHead(200, { ...headers, 'content-type': TYPES[extname(target)] ?? 'application/octet-stream' });
    res.end(body);
  };

  const route = (req: IncomingMessage, res: ServerResponse): void => {
    if (!trusted(req)) return fail(res, 'FORBIDDEN', 'requests must come from this machine\'s Tasklane page (Host/Origin mismatch)');
    const target = parseTarget(req.url);
    if (!target) return fail(res, 'INVALID_INPUT', 'the request path is not a valid URL path');
    if (target.path.startsWith('/api/')) {
      api(req, res, target.path.slice(5)).catch((e) => fail(res, 'INTERNAL', String((e as Error).message)));
      return;
    }
    // A message for the inbox: POST /intake/<source>, with that source's own token.
    const intake = /^\/intake\/([^/]+)$/.exec(target.path);
    if (intake) {
      receiveMessage(req, res, intake[1], bearer(req) ?? target.query.get('token') ?? undefined)
        .catch((e) => fail(res, 'INTERNAL', String((e as Error).message)));
      return;
    }
    // A file a run kept: GET /files/<run id>/<name>, with the token (the window fetches it).
    const file = /^\/files\/(\d{1,15})\/([^/]+)$/.exec(target.path);
    if (file) {
      if (!sameToken(bearer(req), token)) return fail(res, 'UNAUTHORIZED', 'missing or wrong token (Authorization: Bearer <token>)');
      let name: string;
      try { name = decodeURIComponent(file[2]); } catch { return fail(res, 'INVALID_INPUT', 'the file name is not valid'); }
      const path = engine.artifactFile(Number(file[1]), name);
      if (!path) return fail(res, 'NOT_FOUND', `run ${file[1]} kept no file named ${name}`);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-content-type-options': 'nosniff',
        'content-disposition': `attachment; filename="${name.replace(/"/g, '')}"`, 'content-length': statSync(path).size });
      createReadStream(path).on('error', () => res.destroy()).pipe(res);
      return;
    }
    if (target.path === '/metrics' && !metrics) return fail(res, 'NOT_FOUND', 'metrics are off: start serve with --metrics, or set "metrics": true in settings.json in the data folder');
    if (target.path === '/metrics' && metrics) {
      const auth = bearer(req) ?? target.query.get('token') ?? undefined;
      if (!sameToken(auth, token)) return fail(res, 'UNAUTHORIZED', 'missing or wrong token');
      metrics.render().then((text) => { res.writeHead(200, { 'content-type': metrics.contentType }); res.end(text); },
        (e) => fail(res, 'INTERNAL', String(e)));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(res, 'INVALID_INPUT', 'only GET here');
    serveStatic(res, target.path);
  };
  const server = createServer((req, res) => {
    req.on('error', () => res.destroy());
    res.on('error', () => { /* the client went away */ });
    try {
      route(req, res);
    } catch (e) {
      fail(res, 'INTERNAL', (e as Error).message);
    }
  });
  // A request node:http cannot parse (bad headers, a bad method): a typed 400, not a crash.
  server.on('clientError', (_e, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n'
      + '{"ok":false,"error":{"code":"INVALID_INPUT","message":"the request could not be parsed"}}');
    else socket.destroy();
  });

  // ---- events: coalesced batches over a WebSocket ------------------------------------------
  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD });
  wss.on('error', () => { /* a client's own error is handled on its socket */ });
  const clients = new Set<WebSocket>();
  const windows = new Set<WebSocket>();
  const send = (ws: WebSocket, text: string) => {
    ws.send(text, (e) => { if (e) { clients.delete(ws); ws.terminate(); } });
    if (ws.bufferedAmount > WS_SEND_LIMIT) {
      clients.delete(ws);
      ws.terminate();
    }
  };
  const batcher = batchEvents(engine, (events) => {
    const text = JSON.stringify({ type: 'events', events });
    for (const ws of clients) send(ws, text);
  }, () => clients.size > 0);
  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const reject = (status: string) => { socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`); };
    const target = parseTarget(req.url);
    if (!target) return reject('400 Bad Request');
    if (target.path !== '/api/events') return reject('404 Not Found');
    if (!trusted(req)) return reject('403 Forbidden');
    if (!sameToken(target.query.get('token') ?? undefined, token)) return reject('401 Unauthorized');
    // The window's page says it is one (?window=1): a notice is shown there, not on the desktop.
    const isWindow = target.query.get('window') === '1';
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      if (isWindow) { windows.add(ws); ws.on('close', () => windows.delete(ws)); }
      // Over maxPayload, a bad frame, a reset: ws closes the socket; the host only forgets it.
      ws.on('error', () => { clients.delete(ws); ws.terminate(); });
      ws.on('close', () => clients.delete(ws));
      send(ws, JSON.stringify({ type: 'hello', lastSeq: engine.lastSeq }));
    });
  };
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    try {
      upgrade(req, socket, head);
    } catch {
      socket.destroy();
    }
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
          windows: () => windows.size,
          close: async () => {
            batcher.close();
            metrics?.close();
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
