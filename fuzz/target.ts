// A real `tasklane serve` to fuzz: its own temp folder, an empty PATH, an ephemeral port;
// the ways to talk to it (HTTP with keep-alive, raw bytes over node:net); and a read-only
// view of its database for the "a rejected command changed nothing" check.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

const BIN = fileURLToPath(new URL('../bin/tasklane.js', import.meta.url));

/** Never sent, by anything in fuzz/: either could un-pause a lane, and a run in an unpaused
 *  lane would execute whatever program the fuzz put in it. */
export const FORBIDDEN_COMMANDS: ReadonlySet<string> = new Set(['resumeLane', 'resumeAll']);

/** The command the host reads from `/api/<encodeURIComponent(name)>`: it decodes the path
 *  and folds repeated slashes (so '/resumeAll' would reach resumeAll). */
export function serverView(name: string): string {
  let encoded: string;
  try { encoded = encodeURIComponent(name); } catch { return name; }
  const path = decodeURIComponent(`/api/${encoded}`).replace(/\/{2,}/g, '/');
  return path.startsWith('/api/') ? path.slice(5) : path;
}

/** Throws before anything could reach a command that un-pauses lanes: the text (a path, or
 *  a whole raw request) must not name one, plainly or percent-encoded. */
export function assertSafe(text: string): void {
  const decoded = text.replace(/%([0-9a-f]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  for (const name of FORBIDDEN_COMMANDS) {
    if (text.includes(name) || decoded.includes(name)) throw new Error(`fuzz refuses to send this: it could reach ${name}`);
  }
}

export interface Answer { status: number; contentType: string; text: string }

export interface Target {
  port: number;
  token: string;
  root: string;
  dataDir: string;
  dbPath: string;
  proc: ChildProcess;
  /** Resolves with the exit code when the process ends. */
  exited: Promise<number | null>;
  alive(): boolean;
  /** The last lines the process printed on stderr (for a crash report). */
  stderrTail(): string;
  /** POST /api/<command> with a raw body; contentType null sends no Content-Type. */
  post(command: string, body: Buffer | string, contentType?: string | null, timeoutMs?: number): Promise<Answer>;
  /** A well-formed command; the parsed answer. */
  api<T = unknown>(command: string, input: unknown): Promise<{ status: number; body: { ok: boolean; value?: T; error?: { code: string; message: string; field?: string } } }>;
  stop(): Promise<void>;
}

const running = new Set<Target>();

/** Stops every serve process fuzz/ started (for a Ctrl-C). */
export async function stopAllTargets(): Promise<void> {
  await Promise.all([...running].map((t) => t.stop()));
}

export async function startTarget(prefix = 'tasklane-fuzz-'): Promise<Target> {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const dataDir = join(root, 'data');
  const emptyPath = join(root, 'empty-path');
  const home = join(root, 'home');
  mkdirSync(emptyPath);
  mkdirSync(home);
  // PATH is an empty folder and HOME a temp one: even a run that was claimed (it must not
  // be: every lane is paused) finds no program by name and works in a folder we remove.
  const env: NodeJS.ProcessEnv = { PATH: emptyPath, HOME: home, TMPDIR: process.env.TMPDIR ?? tmpdir(), LANG: 'C.UTF-8' };
  if (process.env.TZ) env.TZ = process.env.TZ;
  const proc = spawn(process.execPath, [BIN, '--data-dir', dataDir, 'serve', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'], cwd: home });
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code, signal) => {
    exitCode = code ?? (signal ? -1 : null);
    resolve(exitCode);
  }));
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
  const { port, token } = await new Promise<{ port: number; token: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start within 60 s: ${stderr}`)), 60_000);
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      const m = /^Open http:\/\/127\.0\.0\.1:(\d+)\/#token=([0-9a-f]+)$/.exec(line);
      if (m) { clearTimeout(timer); resolve({ port: Number(m[1]), token: m[2] }); }
    });
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`serve exited with ${code} before it listened: ${stderr}`)); });
  });
  proc.stdout!.resume();
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });

  const post = (command: string, body: Buffer | string, contentType: string | null = 'application/json', timeoutMs = 30_000): Promise<Answer> => {
    const path = `/api/${encodeURIComponent(command)}`;
    assertSafe(path);
    const data = typeof body === 'string' ? Buffer.from(body) : body;
    const headers: Record<string, string | number> = { authorization: `Bearer ${token}`, 'content-length': data.length };
    if (contentType !== null) headers['content-type'] = contentType;
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(data);
    });
  };

  const target: Target = {
    port, token, root, dataDir, dbPath: join(dataDir, 'tasklane.db'), proc, exited,
    alive: () => exitCode === undefined,
    stderrTail: () => stderr,
    post,
    async api(command, input) {
      const answer = await post(command, JSON.stringify(input ?? {}));
      return { status: answer.status, body: JSON.parse(answer.text) };
    },
    async stop() {
      running.delete(target);
      agent.destroy();
      if (exitCode === undefined) {
        proc.kill('SIGTERM');
        const killer = setTimeout(() => { if (exitCode === undefined) proc.kill('SIGKILL'); }, 20_000);
        await exited;
        clearTimeout(killer);
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
  running.add(target);
  return target;
}

/**
 * Raw bytes to the host, as a hostile program could send them; what came back (maybe
 * nothing) once the host closed the connection or `waitMs` passed. `parts` are written one
 * after the other (a Buffer, or a function for a stream of writes).
 */
export function rawExchange(port: number, parts: (Buffer | string)[], opts: { waitMs?: number; end?: boolean } = {}): Promise<{ text: string; status: string; closedByHost: boolean; error?: string }> {
  const waitMs = opts.waitMs ?? 3_000;
  for (const p of parts) assertSafe(typeof p === 'string' ? p : p.toString('latin1'));
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    let closedByHost = false;
    let error: string | undefined;
    const done = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      resolve({ text, status: text.split('\r\n')[0], closedByHost, ...(error && { error }) });
    };
    const socket = connect(port, '127.0.0.1', async () => {
      for (const p of parts) {
        if (socket.destroyed) break;
        const ok = socket.write(p);
        if (!ok) await new Promise((r) => { socket.once('drain', r); socket.once('close', r); });
      }
      if (opts.end !== false && !socket.destroyed) socket.end();
    });
    const timer = setTimeout(done, waitMs);
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('end', () => { closedByHost = true; done(); });
    socket.on('close', () => { closedByHost = true; done(); });
    socket.on('error', (e) => { error = (e as NodeJS.ErrnoException).code ?? e.message; });
  });
}

/** A read-only view of the database (its own connection, as another process would have). */
export class DbView {
  private readonly db: Database.Database;
  private tables: { name: string; order: string }[] | null = null;
  digests = 0;

  constructor(dbPath: string) {
    this.db = new Database(dbPath, { readonly: true, fileMustExist: true });
  }

  /** Changes whenever another connection committed something (PRAGMA data_version). */
  version(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  /** SHA-256 of every row of every table, each table in rowid order (and one per table, to
   *  say which changed), and the version it is of. The search index's tables and the daily
   *  rollups are left out: derived from the others, they follow them in the background
   *  (search-index.ts, rollups.ts). */
  snapshot(): { version: number; digest: string; tables: Record<string, string> } {
    return this.db.transaction(() => {
      const version = this.version();
      this.tables ??= (this.db.prepare(`SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'search%'
        AND name NOT LIKE '%_daily' AND name != 'rollup_state' ORDER BY name`).all() as { name: string; sql: string | null }[])
        .map((t) => ({ name: t.name, order: /WITHOUT\s+ROWID/i.test(t.sql ?? '') ? '1' : 'rowid' }));
      const all = createHash('sha256');
      const tables: Record<string, string> = {};
      for (const t of this.tables) {
        const hash = createHash('sha256');
        const stmt = this.db.prepare(`SELECT * FROM "${t.name.replace(/"/g, '""')}" ORDER BY ${t.order}`).raw(true);
        for (const row of stmt.iterate() as Iterable<unknown[]>) {
          hash.update(JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)));
          hash.update('\n');
        }
        tables[t.name] = hash.digest('hex');
        all.update(`${t.name}:${tables[t.name]}\n`);
      }
      this.digests++;
      return { version, digest: all.digest('hex'), tables };
    })();
  }

  all<T>(sql: string, ...params: unknown[]): T[] {
    return this.db.prepare(sql).all(...params) as T[];
  }

  get<T>(sql: string, ...params: unknown[]): T {
    return this.db.prepare(sql).pluck().get(...params) as T;
  }

  close(): void {
    this.db.close();
  }
}
