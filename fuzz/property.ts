// The fuzz property, shared by `npm run fuzz` (run.ts, 100k inputs) and `npm test`
// (fuzz.test.ts, 2k): every contract command over HTTP against a real `tasklane serve`.
//
// For every input:
//   1. the HTTP status is never 5xx, and the answer is JSON ({ ok, value } or { ok, error });
//   2. the process stays up (and answers within 30 s);
//   3. a rejection is typed: its code is in ERROR_CODES, with a message, and a 4xx status;
//   4. an INVALID_INPUT names a `field` (non-empty) unless the body is not a JSON object;
//   5. after a rejected command that writes (COMMANDS[name].mutates), the database is unchanged: the same
//      SHA-256 over every row of every table (read through a separate read-only connection),
//      and for commands that touch lanes, the same lanes in the engine's memory (listLanes);
//   6. a body that is not sent as application/json is refused (415), and a name that is not
//      a command gets UNKNOWN_COMMAND.
//
// SAFETY. A valid `enqueue` of kind `shell` would run a program on this machine, so nothing
// the fuzz queues may ever start:
//   - before fuzzing, pauseAll; resumeLane and resumeAll are never sent (target.ts refuses
//     any path naming them, percent-encoded or not);
//   - no lane definition sent carries a `paused` field; an import schedules only tasks in
//     lanes that already exist (inputs.ts makeSafe);
//   - after every createLane or importConfig, accepted or not, pauseAll again (and check with
//     listLanes that every lane in the engine is paused) before anything else is sent;
//   - after every accepted write, housekeeping pauses any enabled schedule and cancels any
//     scheduled or retrying run, so nothing changes the database in the background either;
//   - the process runs with PATH set to an empty folder and HOME to a temp one;
//   - a `run.started` event on the WebSocket, or any run with a start time or an attempt in
//     the database, stops the fuzz at once (exit 1).
import fc from 'fast-check';
import WebSocket from 'ws';
import { COMMANDS, isCommand, type CommandName } from '../src/core/api/contract';
import { ERROR_CODES } from '../src/core/errors';
import { DbView, serverView, startTarget, type Answer, type Target } from './target';
import { bodyOf, describe, emptyPools, FUZZED_COMMANDS, isJsonType, requestArb, type FuzzRequest, type Origin, type Pools } from './inputs';

export const PROPERTIES = {
  'no-5xx': 'the HTTP status is never 5xx',
  'stays-up': 'the process stays up and answers',
  'typed-answer': 'the answer is JSON: { ok: true, value } with 200, or { ok: false, error } with 4xx',
  'typed-error': 'every rejection has a code in ERROR_CODES and a message',
  'names-field': 'an INVALID_INPUT names a field unless the body is not a JSON object',
  'unchanged-after-rejection': 'a rejected command leaves the database (and the engine\'s lanes) as they were',
  'json-only': 'a body not sent as application/json is refused with 415',
  'unknown-command': 'a name that is not a command is refused with UNKNOWN_COMMAND',
} as const;
export type Property = keyof typeof PROPERTIES;

export interface Violation {
  property: Property;
  command: string;
  origin: Origin;
  request: string;
  bodyBytes: number;
  status?: number;
  code?: string;
  response?: string;
  detail: string;
}

export interface CommandStats { sent: number; accepted: number; rejected: number; codes: Record<string, number> }

export interface Summary {
  seed: number;
  runs: number;
  /** Inputs sent by the property (shrinking included). */
  sent: number;
  accepted: number;
  rejected: number;
  elapsedMs: number;
  perCommand: Record<string, CommandStats>;
  codes: Record<string, number>;
  statuses: Record<string, number>;
  origins: Record<string, number>;
  /** Requests the fuzz sent to keep the engine safe and quiet (pauseAll, pauseSchedule, cancel, cleanup). */
  housekeeping: number;
  /** Full database digests computed (the rest were skipped: PRAGMA data_version had not moved). */
  digests: number;
  /** The database changed while nothing that writes was sent (expected: 0). */
  backgroundCommits: number;
  /** Read commands after which the database had changed (expected: 0). */
  readsThatWrote: { command: string; request: string }[];
  restarts: number;
  violations: Violation[];
  /** The counterexample fast-check shrank to, when the property failed. */
  counterexample?: string;
  /** A run started: the fuzz stopped at once. */
  fatal?: string;
}

export class FatalError extends Error {}

const WRITES_LANES: ReadonlySet<string> = new Set(['createLane', 'updateLane', 'deleteLane', 'pauseLane', 'pauseAll', 'importConfig']);
const MAY_ADD_LANE: ReadonlySet<string> = new Set(['createLane', 'importConfig']);
const CLEANUP_AT = 3000;

/** What differs between two listLanes answers: lanes added, removed, or with other settings. */
function laneDiff(before: string, after: string): string {
  type Lane = { name: string } & Record<string, unknown>;
  const a = new Map((JSON.parse(before) as Lane[]).map((l) => [l.name, l]));
  const b = new Map((JSON.parse(after) as Lane[]).map((l) => [l.name, l]));
  const out: string[] = [];
  for (const [name, l] of b) if (!a.has(name)) out.push(`added ${JSON.stringify(l)}`);
  for (const name of a.keys()) if (!b.has(name)) out.push(`removed '${name}'`);
  for (const [name, l] of b) {
    const old = a.get(name);
    if (!old) continue;
    const fields = Object.keys(l).filter((k) => JSON.stringify(l[k]) !== JSON.stringify(old[k]));
    if (fields.length) out.push(`'${name}' ${fields.map((k) => `${k} ${JSON.stringify(old[k])} → ${JSON.stringify(l[k])}`).join(', ')}`);
  }
  return out.join('; ');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The fuzz's side of one `tasklane serve`: sends a request, checks the properties, keeps the engine safe. */
export class Fuzzer {
  target!: Target;
  view!: DbView;
  private ws?: WebSocket;
  pools: Pools = emptyPools();
  private lanes = new Set<string>(['default', 'serial']);
  private cache: { version: number; digest: string; tables: Record<string, string> } | null = null;
  private lastVersion = -1;
  fatal: string | null = null;
  readonly summary: Summary;
  private readonly started = Date.now();

  constructor(seed: number, runs: number) {
    this.summary = {
      seed, runs, sent: 0, accepted: 0, rejected: 0, elapsedMs: 0, perCommand: {}, codes: {}, statuses: {}, origins: {},
      housekeeping: 0, digests: 0, backgroundCommits: 0, readsThatWrote: [], restarts: 0, violations: [],
    };
  }

  async start(): Promise<void> {
    this.target = await startTarget();
    this.view = new DbView(this.target.dbPath);
    // First of all: no lane may run anything.
    await this.hk('pauseAll', {});
    await this.assertAllPaused();
    this.watchEvents();
    await this.fixture();
    await this.housekeeping(true);
    this.lastVersion = this.view.version();
  }

  async stop(): Promise<void> {
    this.summary.elapsedMs = Date.now() - this.started;
    this.summary.digests += this.view?.digests ?? 0;
    this.ws?.terminate();
    this.view?.close();
    await this.target?.stop();
  }

  private async restart(): Promise<void> {
    this.summary.restarts++;
    this.summary.digests += this.view.digests;
    this.ws?.terminate();
    this.view.close();
    await this.target.stop();
    this.cache = null;
    await this.start();
  }

  /** A run must never start: a run.started (or any run event of an attempt) stops everything. */
  private watchEvents(): void {
    const { port, token } = this.target;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/events?token=${token}`, { headers: { origin: `http://127.0.0.1:${port}` } });
    ws.on('message', (data) => {
      let m: { events?: { type: string }[] };
      try { m = JSON.parse(String(data)); } catch { return; }
      for (const e of m.events ?? []) {
        if (['run.started', 'run.succeeded', 'run.failed', 'run.retrying', 'run.log', 'run.progress'].includes(e.type)) {
          this.fatal = `SAFETY: a run started (event ${JSON.stringify(e).slice(0, 300)})`;
        }
      }
    });
    ws.on('error', () => { /* the host going away is checked elsewhere */ });
    this.ws = ws;
  }

  /** A request the fuzz needs (not an input): must be accepted. */
  private async hk(command: CommandName, input: unknown): Promise<unknown> {
    if (command === 'resumeLane' || command === 'resumeAll') throw new FatalError('never');
    this.summary.housekeeping++;
    const { status, body } = await this.target.api(command, input);
    if (!body.ok) throw new Error(`housekeeping ${command} ${JSON.stringify(input).slice(0, 200)} was refused: ${status} ${JSON.stringify(body.error)}`);
    return body.value;
  }

  private async assertAllPaused(): Promise<void> {
    const lanes = await this.hk('listLanes', {}) as { name: string; paused: boolean }[];
    const running = lanes.filter((l) => !l.paused);
    if (running.length) throw new FatalError(`SAFETY: lanes not paused after pauseAll: ${running.map((l) => l.name).join(', ')}`);
  }

  /** A little of everything for the examples to point at. */
  private async fixture(): Promise<void> {
    await this.hk('createLane', { name: 'fz-a', concurrency: 2 });
    await this.hk('pauseAll', {});
    await this.assertAllPaused();
    const t1 = await this.hk('createTask', { name: 'fz-task', kind: 'shell', input: { command: 'true' }, lane: 'serial' }) as { id: number };
    await this.hk('createTask', { name: 'fz-http', kind: 'http', input: { url: 'http://127.0.0.1:9/' }, lane: 'fz-a' });
    await this.hk('setSchedule', { taskId: t1.id, cron: '0 3 * * *', timeZone: 'UTC', enabled: false });
    const runs = await this.hk('enqueueMany', { runs: [
      { kind: 'notify', input: { title: 'a' } }, { kind: 'shell', input: { command: 'true' }, lane: 'serial', dedupeKey: 'key-1' },
      { kind: 'http', input: { url: 'http://127.0.0.1:9/' }, lane: 'fz-a' }, { kind: 'notify', input: { title: 'b' } },
    ] }) as { id: number }[];
    await this.hk('cancel', { ids: [runs[3].id] });
    await this.hk('enqueue', { kind: 'notify', input: { title: 'c' }, after: [runs[3].id] });
  }

  /** Keeps the engine quiet and safe after something was accepted; refreshes the pools. */
  private async housekeeping(changed: boolean): Promise<void> {
    if (!changed) return;
    const v = this.view;
    for (let i = 0; i < 5; i++) {
      let acted = false;
      if (v.get<number>('SELECT count(*) FROM lanes WHERE paused = 0') > 0) {
        await this.hk('pauseAll', {});
        await this.assertAllPaused();
        acted = true;
      }
      for (const id of v.all<{ id: number }>('SELECT id FROM tasks WHERE schedule_enabled = 1')) {
        await this.hk('pauseSchedule', { taskId: id.id });
        acted = true;
      }
      const waiting = v.all<{ id: number }>(`SELECT id FROM runs WHERE status IN ('scheduled', 'retrying')`).map((r) => r.id);
      for (let j = 0; j < waiting.length; j += 1000) {
        await this.hk('cancel', { ids: waiting.slice(j, j + 1000) });
        acted = true;
      }
      if (!acted) break;
    }
    if (v.get<number>('SELECT count(*) FROM runs') > CLEANUP_AT) await this.cleanup();
    this.safetyCheck();
    this.refreshPools();
  }

  /** Keeps the database small (its digest is taken often): every run goes. */
  private async cleanup(): Promise<void> {
    const ids = (sql: string) => this.view.all<{ id: number }>(sql).map((r) => r.id);
    const active = ids(`SELECT id FROM runs WHERE status IN ('scheduled', 'queued', 'retrying')`);
    for (let j = 0; j < active.length; j += 1000) await this.hk('cancel', { ids: active.slice(j, j + 1000) });
    const dead = ids(`SELECT id FROM runs WHERE status IN ('dead', 'failed')`);
    for (let j = 0; j < dead.length; j += 1000) await this.hk('discard', { ids: dead.slice(j, j + 1000) });
    await this.hk('prune', { olderThanDays: 0, keepLast: 0 });
  }

  /** Nothing ever ran: no run has a start time, no attempt was recorded. */
  private safetyCheck(): void {
    const started = this.view.get<number>(`SELECT count(*) FROM runs WHERE started_at IS NOT NULL OR status IN ('running', 'succeeded', 'retrying', 'abandoned')`);
    const attempts = this.view.get<number>('SELECT count(*) FROM attempts');
    if (started || attempts) this.fatal = `SAFETY: ${started} run(s) started and ${attempts} attempt(s) recorded`;
  }

  private refreshPools(): void {
    const ids = (sql: string) => this.view.all<{ id: number }>(sql).map((r) => r.id);
    this.pools = {
      runs: ids('SELECT id FROM runs ORDER BY id DESC LIMIT 100'),
      active: ids(`SELECT id FROM runs WHERE status IN ('queued', 'scheduled') ORDER BY id DESC LIMIT 100`),
      ended: ids(`SELECT id FROM runs WHERE status IN ('cancelled', 'dead', 'failed') ORDER BY id DESC LIMIT 100`),
      deadOrFailed: ids(`SELECT id FROM runs WHERE status IN ('dead', 'failed') ORDER BY id DESC LIMIT 100`),
      tasks: ids('SELECT id FROM tasks ORDER BY id DESC LIMIT 100'),
      scheduled: ids('SELECT id FROM tasks WHERE cron IS NOT NULL OR run_at IS NOT NULL ORDER BY id DESC LIMIT 100'),
      lanes: this.view.all<{ name: string }>('SELECT name FROM lanes').map((r) => r.name),
    };
    this.lanes = new Set(this.pools.lanes);
  }

  private snapshot(): { version: number; digest: string; tables: Record<string, string> } {
    const version = this.view.version();
    if (this.cache && this.cache.version === version) return this.cache;
    this.cache = this.view.snapshot();
    return this.cache;
  }

  private count(command: string, origin: Origin, status: number, accepted: boolean, code: string | undefined): void {
    const s = this.summary;
    s.sent++;
    s.origins[origin] = (s.origins[origin] ?? 0) + 1;
    s.statuses[status] = (s.statuses[status] ?? 0) + 1;
    const key = isCommand(command) ? command : '(not a command)';
    const c = (s.perCommand[key] ??= { sent: 0, accepted: 0, rejected: 0, codes: {} });
    c.sent++;
    if (accepted) { c.accepted++; s.accepted++; } else { c.rejected++; s.rejected++; }
    if (code) {
      c.codes[code] = (c.codes[code] ?? 0) + 1;
      s.codes[code] = (s.codes[code] ?? 0) + 1;
    }
  }

  /** Sends one input and checks every property; returns what it violated. */
  async exec(req: FuzzRequest): Promise<Violation[]> {
    if (this.fatal) throw new FatalError(this.fatal);
    const command = serverView(req.command);
    const body = bodyOf(req, this.lanes);
    const found: Violation[] = [];
    const request = describe(req, body);
    const violate = (property: Property, detail: string, answer?: Answer, code?: string) => found.push({
      property, command, origin: req.origin, request, bodyBytes: body.length, detail,
      ...(answer && { status: answer.status, response: answer.text.slice(0, 600) }), ...(code && { code }),
    });

    const jsonType = isJsonType(req.contentType);
    const known = isCommand(command);
    // A NUL in the path: the host refuses the path itself (INVALID_INPUT, no field) first.
    const badPath = command.includes('\0');
    const write = known && COMMANDS[command as CommandName].mutates;
    let bodyIsObject = false;
    try {
      const text = body.toString('utf8');
      const parsed: unknown = text.trim() ? JSON.parse(text) : undefined;
      bodyIsObject = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed);
    } catch { /* not JSON */ }

    const startVersion = this.view.version();
    if (startVersion !== this.lastVersion) this.summary.backgroundCommits++;
    const before = write ? this.snapshot() : null;
    const lanesBefore = known && WRITES_LANES.has(command) ? JSON.stringify(await this.hk('listLanes', {})) : null;

    let answer: Answer;
    try {
      answer = await this.target.post(req.command, body, req.contentType);
    } catch (error) {
      await Promise.race([this.target.exited, sleep(300)]);
      if (!this.target.alive()) {
        violate('stays-up', `the process exited (${await this.target.exited}) on this request: ${(error as Error).message}\n${this.target.stderrTail()}`);
      } else {
        let answers = false;
        try { answers = (await this.target.post('counts', '{}', 'application/json', 10_000)).status === 200; } catch { /* no */ }
        violate('stays-up', `no answer (${(error as Error).message}); the host ${answers ? 'still answers counts' : 'does not answer counts either'}`);
      }
      this.count(command, req.origin, 0, false, undefined);
      await this.restart();
      return this.record(found);
    }

    let parsed: { ok?: unknown; value?: unknown; error?: { code?: unknown; message?: unknown; field?: unknown } } | null = null;
    try { parsed = JSON.parse(answer.text); } catch { /* checked below */ }
    const accepted = parsed?.ok === true;
    const code = typeof parsed?.error?.code === 'string' ? parsed.error.code : undefined;
    this.count(command, req.origin, answer.status, accepted, code);

    if (answer.status >= 500) violate('no-5xx', `status ${answer.status}`, answer, code);
    if (!parsed || typeof parsed !== 'object') {
      violate('typed-answer', 'the answer is not JSON', answer);
    } else if (!/^application\/json/i.test(answer.contentType)) {
      violate('typed-answer', `the answer's Content-Type is ${answer.contentType}`, answer, code);
    } else if (parsed.ok === true) {
      if (answer.status !== 200) violate('typed-answer', `ok: true with status ${answer.status}`, answer);
    } else if (parsed.ok === false) {
      const e = parsed.error;
      if (!e || typeof e !== 'object') violate('typed-error', 'ok: false without an error', answer);
      else {
        if (!code || !(ERROR_CODES as readonly string[]).includes(code)) violate('typed-error', `code ${JSON.stringify(e.code)} is not in ERROR_CODES`, answer, code);
        if (typeof e.message !== 'string' || !e.message) violate('typed-error', 'no message', answer, code);
        if (answer.status < 400 || answer.status >= 600) violate('typed-answer', `a rejection with status ${answer.status}`, answer, code);
        if (code === 'INVALID_INPUT' && bodyIsObject && !badPath && !(typeof e.field === 'string' && e.field.length > 0)) {
          violate('names-field', `INVALID_INPUT for a JSON object body with field ${JSON.stringify(e.field)}: ${String(e.message).slice(0, 200)}`, answer, code);
        }
      }
    } else {
      violate('typed-answer', 'the answer has no boolean ok', answer);
    }
    if (!jsonType && (accepted || code !== 'UNSUPPORTED_MEDIA_TYPE')) {
      violate('json-only', `sent as ${JSON.stringify(req.contentType)}, answered ${accepted ? 'ok' : code}`, answer, code);
    }
    if (jsonType && !known && (accepted || code !== (badPath ? 'INVALID_INPUT' : 'UNKNOWN_COMMAND'))) {
      violate('unknown-command', `'${command}' answered ${accepted ? 'ok' : code}`, answer, code);
    }

    if (before && !accepted) {
      const now = this.view.version();
      if (now !== before.version) {
        const after = this.view.snapshot();
        this.cache = after;
        if (after.digest !== before.digest) {
          const tables = Object.keys({ ...before.tables, ...after.tables }).filter((t) => before.tables[t] !== after.tables[t]);
          violate('unchanged-after-rejection', `the database changed (tables ${tables.join(', ')}) after ${code ?? 'a rejection'}`, answer, code);
        }
      }
    }
    // SAFETY: a lane an import or createLane added (even one that was refused: its lanes may
    // stay in the engine's memory) is paused before anything else is sent. (The digest above
    // is taken first: a pauseAll writes every lane the engine has in memory to the database.)
    if (MAY_ADD_LANE.has(command)) {
      await this.hk('pauseAll', {});
      await this.assertAllPaused();
    }
    if (lanesBefore !== null && !accepted) {
      const lanesAfter = JSON.stringify(await this.hk('listLanes', {}));
      if (lanesAfter !== lanesBefore) {
        violate('unchanged-after-rejection', `the engine's lanes (listLanes) changed after ${code ?? 'a rejection'}: ${laneDiff(lanesBefore, lanesAfter)}`, answer, code);
      }
    }
    const endVersion = this.view.version();
    if (known && !COMMANDS[command as CommandName].mutates && endVersion !== startVersion) this.summary.readsThatWrote.push({ command, request });
    await this.housekeeping(accepted || endVersion !== startVersion);
    this.lastVersion = this.view.version();
    if (this.fatal) throw new FatalError(this.fatal);
    return this.record(found);
  }

  private record(found: Violation[]): Violation[] {
    this.summary.violations.push(...found);
    return found;
  }
}

export interface FuzzOptions {
  runs: number;
  seed?: number;
  /** fast-check's replay path (with the seed of the failing run). */
  path?: string;
  /** Record every violation and go on (default: stop at the first, shrink it, report it). */
  keepGoing?: boolean;
  /** Called about every `progressMs` with the summary so far. */
  onProgress?: (summary: Summary, done: number) => void;
  progressMs?: number;
}

/** Runs the property `runs` times against a fresh `tasklane serve`; always stops the process. */
export async function runFuzz(opts: FuzzOptions): Promise<Summary> {
  const seed = opts.seed ?? (Date.now() ^ (Math.random() * 0x1_0000_0000)) | 0;
  const fuzzer = new Fuzzer(seed, opts.runs);
  let lastFailure: Violation[] = [];
  let done = 0;
  let lastProgress = Date.now();
  let fatalThrown = false;
  try {
    await fuzzer.start();
    const property = fc.asyncProperty(requestArb(() => fuzzer.pools), async (req) => {
      // After a SAFETY stop nothing more is sent: every further input (shrinking) is skipped.
      if (fatalThrown) fc.pre(false);
      let found: Violation[];
      try {
        found = await fuzzer.exec(req);
      } catch (error) {
        if (error instanceof FatalError) {
          fatalThrown = true;
          fuzzer.summary.fatal = error.message;
        }
        throw error;
      }
      done++;
      if (opts.onProgress && Date.now() - lastProgress >= (opts.progressMs ?? 5000)) {
        lastProgress = Date.now();
        opts.onProgress(fuzzer.summary, done);
      }
      if (found.length && !opts.keepGoing) {
        lastFailure = found;
        throw new Error(found.map((v) => `${v.property}: ${v.detail}`).join('\n'));
      }
    });
    const result = await fc.check(property, { numRuns: opts.runs, seed, ...(opts.path && { path: opts.path }) });
    if (fuzzer.fatal) fuzzer.summary.fatal ??= fuzzer.fatal;
    if (result.failed && !fuzzer.summary.fatal) {
      if (result.counterexample && lastFailure.length) {
        const [req] = result.counterexample;
        const v = lastFailure[0];
        fuzzer.summary.counterexample = [
          `seed ${result.seed}, path ${result.counterexamplePath} (replay: npm run fuzz -- --seed ${result.seed} --path ${result.counterexamplePath})`,
          `after ${result.numRuns} input(s) and ${result.numShrinks} shrink(s):`,
          v ? v.request : fc.stringify(req),
          ...lastFailure.map((f) => `  violates ${f.property} (${PROPERTIES[f.property]}): ${f.detail}${f.status ? ` [HTTP ${f.status}]` : ''}${f.response ? `\n  answer: ${f.response}` : ''}`),
        ].join('\n');
      } else {
        fuzzer.summary.fatal = `the fuzz itself failed: ${result.errorInstance instanceof Error ? result.errorInstance.stack : String(result.errorInstance)}`;
      }
    }
  } catch (error) {
    fuzzer.summary.fatal = error instanceof FatalError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  } finally {
    await fuzzer.stop();
  }
  return fuzzer.summary;
}

/** The summary as text: inputs per command, accepted/rejected, codes, time, violations. */
export function formatSummary(s: Summary): string {
  const lines: string[] = [];
  const secs = (s.elapsedMs / 1000).toFixed(1);
  lines.push(`inputs sent: ${s.sent} (asked for ${s.runs}; seed ${s.seed}) in ${secs} s, ${(s.sent / Math.max(s.elapsedMs / 1000, 0.001)).toFixed(0)}/s`);
  lines.push(`accepted ${s.accepted}, rejected ${s.rejected}; housekeeping requests ${s.housekeeping}; full digests ${s.digests}; restarts ${s.restarts}`);
  lines.push(`by origin: ${Object.entries(s.origins).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  lines.push(`HTTP statuses: ${Object.entries(s.statuses).map(([k, v]) => `${k}×${v}`).join(', ')}`);
  lines.push(`codes seen: ${Object.entries(s.codes).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  const width = Math.max(...Object.keys(s.perCommand).map((k) => k.length), 7);
  lines.push('', `${'command'.padEnd(width)}   sent  accepted  rejected  codes`);
  for (const name of [...FUZZED_COMMANDS, '(not a command)']) {
    const c = s.perCommand[name];
    if (!c) continue;
    const codes = Object.entries(c.codes).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ');
    lines.push(`${name.padEnd(width)} ${String(c.sent).padStart(6)} ${String(c.accepted).padStart(9)} ${String(c.rejected).padStart(9)}  ${codes}`);
  }
  lines.push('');
  lines.push(`background commits: ${s.backgroundCommits}; reads that wrote: ${s.readsThatWrote.length}`);
  for (const r of s.readsThatWrote.slice(0, 5)) lines.push(`  ${r.request}`);
  if (s.violations.length) {
    lines.push(`VIOLATIONS: ${s.violations.length}`);
    const groups = new Map<string, Violation[]>();
    for (const v of s.violations) {
      const key = `${v.property} · ${v.command} · ${v.code ?? v.status ?? ''}`;
      groups.set(key, [...(groups.get(key) ?? []), v]);
    }
    for (const [key, list] of groups) {
      const smallest = list.reduce((a, b) => (b.bodyBytes < a.bodyBytes ? b : a));
      lines.push(`- ${key}: ${list.length}× — smallest:`, `  ${smallest.request}`, `  ${smallest.detail.slice(0, 500)}`);
      if (smallest.response) lines.push(`  answer: ${smallest.response.slice(0, 300)}`);
    }
  } else {
    lines.push('violations: none');
  }
  if (s.counterexample) lines.push('', 'COUNTEREXAMPLE (shrunk):', s.counterexample);
  if (s.fatal) lines.push('', `STOPPED: ${s.fatal}`);
  return lines.join('\n');
}
