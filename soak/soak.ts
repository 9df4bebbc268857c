// The soak suite: a real `tasklane serve` on a temp data folder, under a mixed workload of
// shell runs, SIGKILLed at a random moment and started again, cycle after cycle; then a
// clean start drains everything and the whole history is checked. `npm run soak` (soak/run.ts)
// and `npm test` (soak/soak.test.ts) both run `runSoak` from here.
//
// What the runs do: each is `sh -c SCRIPT` with its own token (t000123z). It appends to
// <exec>/<token> a line per event: `start <token> <pid> <ms>`, `child <token> <pid> <ms> <parent>`,
// `cend …`, `end <token> <pid> <ms> ok|fail`; and before it starts, `overlap …` if a process
// of an earlier execution of the same run is still alive (kill -0, and its command line names
// the token, so a reused pid or a zombie does not count).
//
// What is checked at the end: every enqueue answered ok is in the database under its id and
// token; every run there is terminal and ended as its kind of workload meant; no execution of
// a run wrote anything after the next execution of the same run started (by file order and by
// clock), and none saw an earlier one alive; attempt numbers run 1, 2, 3… without a gap or a
// repeat; no run executed more often than it had attempts; a delayed run never started early;
// no process of ours is left after the final stop; `tasklane db check` says ok; and the serve
// process never exited unless killed.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, type WriteStream } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** SOAK_BIN: another build's bin/tasklane.js, e.g. one broken on purpose to see the checks fail. */
const BIN = process.env.SOAK_BIN ?? fileURLToPath(new URL('../bin/tasklane.js', import.meta.url));

export interface SoakOptions {
  cycles: number;
  seed: number;
  /** The `default` lane's concurrency. */
  concurrency?: number;
  /** Keep the temp folder (data folder, run files, serve logs) for a look afterwards. */
  keep?: boolean;
  /** Progress lines (one per cycle). */
  log?: (line: string) => void;
  /** The whole soak, cleanup included, ends by then (a violation if it had to stop early). */
  timeLimitMs?: number;
}

export interface SoakReport {
  seed: number;
  cycles: number;
  cyclesDone: number;
  durationMs: number;
  /** Enqueues sent (runs), answered ok, lost in flight (connection dropped by the kill). */
  sent: number;
  accepted: number;
  unanswered: number;
  /** Of the unanswered ones, how many were written anyway (the kill came after the commit). */
  unansweredStored: number;
  runsInDb: number;
  statuses: Record<string, number>;
  executions: number;
  abandonedAttempts: number;
  /** Attempts whose record says a tree left by the dead host was ended at the next start. */
  treesEnded: number;
  treesEndedSigterm: number;
  treesEndedSigkill: number;
  /** Of those, attempts whose execution had written its last line before the serve that
   *  "ended" it was even started: its leader was a zombie, not a running tree. */
  treeNotesForFinished: number;
  treeNoteExample?: string;
  killsBeforeReady: number;
  /** Cycles whose kill came while enqueues were on the wire. */
  killsWithEnqueuesInFlight: number;
  /** Runs meant to succeed (or fail once) that ran out of attempts because kills abandoned them. */
  exhaustedByKills: number;
  startupMs: { median: number; max: number };
  dbCheck: string;
  violations: string[];
  root: string;
  kept: boolean;
}

// ---- randomness: one seed, independent streams, so a replay makes the same runs and plans ----

export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const stream = (seed: number, name: string, n = 0) => {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (const c of `${name}:${n}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return prng(h);
};
const between = (r: () => number, lo: number, hi: number) => lo + (hi - lo) * r();

// ---- the workload -----------------------------------------------------------------------

/** The script every run executes; its arguments: folder, token, sleep s, fail the first F
 *  executions, child sleep s (0: no child), ignore SIGTERM (1/0). */
export const SCRIPT = `D=$1 T=$2 S=$3 F=$4 C=$5 G=$6
f="$D/$T"
ms() { date +%s%3N; }
if [ "$G" = 1 ]; then trap '' TERM; fi
if [ -f "$f" ]; then
  for p in $(awk '$1 == "start" || $1 == "child" { print $3 }' "$f"); do
    if kill -0 "$p" 2>/dev/null && grep -q -- "$T" "/proc/$p/cmdline" 2>/dev/null; then echo "overlap $T $p $(ms) $$" >> "$f"; fi
  done
fi
echo "start $T $$ $(ms)" >> "$f"
n=$(grep -c '^start ' "$f")
if [ "$C" != 0 ]; then
  sh -c 'echo "child $1 $$ $(date +%s%3N) $2" >> "$3"; sleep "$4"; echo "cend $1 $$ $(date +%s%3N) $2" >> "$3"' soak-child "$T" "$$" "$f" "$C" &
  wait
fi
if [ "$S" != 0 ]; then sleep "$S"; fi
if [ "$n" -le "$F" ]; then echo "end $T $$ $(ms) fail" >> "$f"; exit 1; fi
echo "end $T $$ $(ms) ok" >> "$f"
`;

/** quick: exits at once; sleeper: 0–1.5 s; child: waits for a child process; long: 1.5–3.5 s,
 *  so that it outlives a kill and the restart (its tree is still at work when the next serve
 *  starts); flaky: fails its first 1 or 2 executions (3 tries, 200 ms fixed backoff); doomed:
 *  always fails (2 tries); delayed: enqueued with delayMs; missing: a program that does not
 *  exist (fails at once, not retried). */
export type RunType = 'quick' | 'sleeper' | 'child' | 'long' | 'flaky' | 'doomed' | 'delayed' | 'missing';
const WEIGHTS: [RunType, number][] = [
  ['quick', 24], ['sleeper', 20], ['child', 14], ['long', 6], ['flaky', 15], ['doomed', 4], ['delayed', 12], ['missing', 5],
];
const KILL_GRACE_MS = 300;
const RETRY_BACKOFF = { type: 'fixed', delayMs: 200, maxDelayMs: 200, jitter: 0 } as const;
/** Runs meant to succeed get this many tries (the most there is), as each kill that finds one
 *  running uses one up (an abandoned attempt counts). Past 100 kills, one could still run out:
 *  that is checked for and counted, not a violation (every one of its attempts is abandoned). */
const PLENTY = 100;

export interface Spec {
  token: string;
  type: RunType;
  sleep: number;
  child: number;
  failFirst: number;
  ignoreTerm: boolean;
  maxAttempts: number;
  delayMs?: number;
}

export function specFor(seed: number, seq: number): Spec {
  const r = stream(seed, 'run', seq);
  let pick = r() * WEIGHTS.reduce((s, [, w]) => s + w, 0);
  let type: RunType = 'quick';
  for (const [t, w] of WEIGHTS) { if ((pick -= w) < 0) { type = t; break; } }
  const token = `t${String(seq).padStart(6, '0')}z`;
  const secs = (lo: number, hi: number) => Math.round(between(r, lo, hi) * 100) / 100;
  const base: Spec = { token, type, sleep: 0, child: 0, failFirst: 0, ignoreTerm: false, maxAttempts: PLENTY };
  switch (type) {
    case 'quick': return base;
    case 'sleeper': return { ...base, sleep: secs(0, 1.5), ignoreTerm: r() < 0.3 };
    case 'child': return { ...base, sleep: secs(0, 0.3), child: secs(0.1, 1.2), ignoreTerm: r() < 0.3 };
    case 'long': return { ...base, sleep: secs(1.5, 2.5), child: r() < 0.5 ? secs(0.5, 1) : 0, ignoreTerm: r() < 0.5 };
    case 'flaky': return { ...base, sleep: secs(0, 0.5), failFirst: r() < 0.5 ? 1 : 2, maxAttempts: 3 };
    case 'doomed': return { ...base, failFirst: 1000, maxAttempts: 2 };
    case 'delayed': return { ...base, sleep: secs(0, 0.5), delayMs: Math.round(between(r, 100, 3000)) };
    case 'missing': return { ...base, maxAttempts: 3 };
  }
}

function enqueueInput(spec: Spec, execDir: string): Record<string, unknown> {
  const input = spec.type === 'missing'
    ? { command: join(execDir, 'no-such-program'), cwd: execDir, killGraceMs: KILL_GRACE_MS }
    : { command: 'sh', cwd: execDir, killGraceMs: KILL_GRACE_MS,
        args: ['-c', SCRIPT, 'soak-run', execDir, spec.token, String(spec.sleep), String(spec.failFirst), String(spec.child), spec.ignoreTerm ? '1' : '0'] };
  return {
    kind: 'shell', input, name: spec.token, tags: ['soak', spec.type], maxAttempts: spec.maxAttempts,
    ...(spec.maxAttempts < PLENTY && { backoff: RETRY_BACKOFF }),
    ...(spec.delayMs !== undefined && { delayMs: spec.delayMs }),
  };
}

// ---- the client -------------------------------------------------------------------------

type Answer = { kind: 'ok'; value: any } | { kind: 'rejected'; status: number; body: string } | { kind: 'lost'; reason: string };

function post(port: number, token: string, command: string, input: unknown, timeoutMs = 15_000): Promise<Answer> {
  return new Promise((resolve) => {
    const body = JSON.stringify(input);
    const req = request({
      host: '127.0.0.1', port, method: 'POST', path: `/api/${command}`, agent: false, timeout: timeoutMs,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e) => resolve({ kind: 'lost', reason: e.message }));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (e) => resolve({ kind: 'lost', reason: e.message }));
      res.on('close', () => resolve({ kind: 'lost', reason: 'the answer was cut off' }));
      res.on('end', () => {
        if (!res.complete) return resolve({ kind: 'lost', reason: 'the answer was cut off' });
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          const parsed = JSON.parse(text) as { ok?: boolean; value?: unknown };
          if (res.statusCode === 200 && parsed.ok === true) return resolve({ kind: 'ok', value: parsed.value });
        } catch { /* not JSON: a rejection below */ }
        resolve({ kind: 'rejected', status: res.statusCode ?? 0, body: text.slice(0, 500) });
      });
    });
    req.end(body);
  });
}

async function call<T = any>(port: number, token: string, command: string, input: unknown): Promise<T> {
  const a = await post(port, token, command, input, 30_000);
  if (a.kind === 'ok') return a.value as T;
  throw new Error(`${command}: ${a.kind === 'lost' ? a.reason : `HTTP ${a.status} ${a.body}`}`);
}

// ---- the serve process ------------------------------------------------------------------

interface Serve {
  proc: ChildProcess;
  spawnedAt: number;
  ready: Promise<{ port: number; token: string }>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  killedByUs: boolean;
  done: boolean;
}

function startServe(dataDir: string, out: WriteStream, label: string): Serve {
  out.write(`\n===== ${label} (${new Date().toISOString()}) =====\n`);
  const proc = spawn(process.execPath, [BIN, '--data-dir', dataDir, 'serve', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TASKLANE_DATA_DIR: dataDir },
  });
  const s = { proc, spawnedAt: Date.now(), killedByUs: false, done: false } as Serve;
  s.exited = new Promise((resolve) => proc.on('exit', (code, signal) => { s.done = true; resolve({ code, signal }); }));
  s.ready = new Promise((resolve, reject) => {
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      out.write(`${line}\n`);
      const m = /^Open http:\/\/127\.0\.0\.1:(\d+)\/#token=([0-9a-f]+)$/.exec(line);
      if (m) resolve({ port: Number(m[1]), token: m[2] });
    });
    proc.stderr!.on('data', (d: Buffer) => out.write(d));
    proc.on('error', reject);
    proc.on('exit', (code, signal) => reject(new Error(`serve exited (${signal ?? code}) before it was ready`)));
  });
  s.ready.catch(() => { /* looked at where it matters */ });
  return s;
}

function killServe(s: Serve): void {
  if (s.done) return;
  s.killedByUs = true;
  try { s.proc.kill('SIGKILL'); } catch { /* gone */ }
}

// ---- processes of ours: found by the temp folder's path in their command line ----------------

interface Proc { pid: number; state: string; cmd: string }

/** Live processes (zombies left out) whose command line holds `marker`. */
export function processesMarked(marker: string): Proc[] {
  const found: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      if (!cmd.includes(marker)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
      if (state !== 'Z') found.push({ pid, state, cmd: cmd.length > 160 ? `${cmd.slice(0, 160)}…` : cmd });
    } catch { /* gone meanwhile */ }
  }
  return found;
}

function killMarked(marker: string): number {
  let n = 0;
  for (const p of processesMarked(marker)) {
    try { process.kill(p.pid, 'SIGKILL'); n++; } catch { /* gone */ }
  }
  return n;
}

/** Soaks under way, for abortSoaks (a Ctrl-C, a test runner's timeout). */
const live = new Set<{ root: string; keep: boolean; serve(): Serve | undefined }>();

/** Ends what the soaks under way started and removes their temp folders; synchronous, so it
 *  can run from a signal handler or process.on('exit'). */
export function abortSoaks(): void {
  for (const soak of live) {
    const s = soak.serve();
    if (s) killServe(s);
    killMarked(soak.root);
    if (!soak.keep) rmSync(soak.root, { recursive: true, force: true });
  }
  live.clear();
}

// ---- helpers ------------------------------------------------------------------------------

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

class TimeLimit extends Error {}

async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new TimeLimit(`${what}: nothing after ${ms} ms`)), ms); })]);
  } finally {
    clearTimeout(timer);
  }
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor(s.length / 2)] : 0; };

// ---- bookkeeping of what was sent -----------------------------------------------------------

interface Sent {
  spec: Spec;
  cycle: number;
  /** Sent with others in one enqueueMany (all or none may be stored). */
  batch: number | null;
  answer: 'pending' | 'ok' | 'lost' | 'rejected';
  id?: number;
  detail?: string;
}

interface RunRow { id: number; name: string | null; status: string; attempt: number; maxAttempts: number; createdAt: number; error: { code: string; message: string } | null }
interface AttemptRow { n: number; outcome: string; finishedAt: number | null; error: { code: string; message: string } | null }
interface RunDetail extends RunRow { attempts: AttemptRow[] }

// ---- the soak -------------------------------------------------------------------------------

export async function runSoak(opts: SoakOptions): Promise<SoakReport> {
  const t0 = Date.now();
  const log = opts.log ?? (() => {});
  const limit = opts.timeLimitMs ?? opts.cycles * 20_000 + 300_000;
  const deadline = t0 + limit;
  const left = () => deadline - Date.now();
  const root = mkdtempSync(join(tmpdir(), 'tasklane-soak-'));
  const dataDir = join(root, 'data');
  const execDir = join(root, 'exec');
  mkdirSync(execDir);
  const out = createWriteStream(join(root, 'serve.log'));
  const violations: string[] = [];
  const sent = new Map<string, Sent>();
  const pace = stream(opts.seed, 'pace');
  let seq = 0;
  let batchSeq = 0;
  let current: Serve | undefined;
  const startups: number[] = [];
  const spawns: number[] = [];
  let killsBeforeReady = 0;
  let killsWithEnqueuesInFlight = 0;
  let cyclesDone = 0;
  let laneSet = false;
  let dbCheck = 'not run';
  const details: RunDetail[] = [];
  /** The database was read to the end: the checks of runs and files can be made. */
  let collected = false;
  const handle = { root, keep: !!opts.keep, serve: () => current };
  live.add(handle);
  const serveTail = () => {
    try { return readFileSync(join(root, 'serve.log'), 'utf8').split('\n').slice(-25).join('\n'); } catch { return ''; }
  };

  /** Sends one enqueue (or an enqueueMany of 2–4); records it before, and the answer after. */
  const send = async (port: number, token: string, cycle: number, many: boolean): Promise<void> => {
    const n = many ? 2 + Math.floor(pace() * 3) : 1;
    const batch = many ? ++batchSeq : null;
    const entries: Sent[] = [];
    for (let i = 0; i < n; i++) {
      const spec = specFor(opts.seed, ++seq);
      const entry: Sent = { spec, cycle, batch, answer: 'pending' };
      sent.set(spec.token, entry);
      entries.push(entry);
    }
    const inputs = entries.map((e) => enqueueInput(e.spec, execDir));
    const a = many ? await post(port, token, 'enqueueMany', { runs: inputs }) : await post(port, token, 'enqueue', inputs[0]);
    if (a.kind === 'ok') {
      const results = (many ? a.value : [a.value]) as { id: number }[];
      entries.forEach((e, i) => { e.answer = 'ok'; e.id = results[i]?.id; });
    } else {
      for (const e of entries) { e.answer = a.kind; e.detail = a.kind === 'lost' ? a.reason : `HTTP ${a.status} ${a.body}`; }
    }
  };

  /** Enqueues at a random pace, at most 3 requests on the wire, until stopped. */
  const workload = (port: number, token: string, cycle: number) => {
    const pending = new Set<Promise<void>>();
    let stopped = false;
    const fire = () => {
      const p = send(port, token, cycle, pace() < 0.15).finally(() => pending.delete(p));
      pending.add(p);
    };
    const loop = (async () => {
      while (!stopped) {
        if (pending.size < 3) fire();
        await sleep(between(pace, 40, 320));
      }
    })();
    return {
      /** n more enqueues, on the wire when the kill comes. */
      burst(n: number) { for (let i = 0; i < n; i++) fire(); },
      inFlight: () => pending.size,
      async finish() { stopped = true; await loop; await Promise.all(pending); },
    };
  };

  const setLane = async (port: number, token: string): Promise<boolean> => {
    const a = await post(port, token, 'updateLane', { name: 'default', concurrency: opts.concurrency ?? 4 });
    if (a.kind === 'rejected') violations.push(`updateLane was refused: HTTP ${a.status} ${a.body}`);
    return a.kind === 'ok';
  };

  /** Waits for the serve to exit after a kill; notes it if it exited by itself. */
  const awaitExit = async (s: Serve, cycle: string) => {
    const how = await within(s.exited, 15_000, `serve (${cycle}) to exit after SIGKILL`);
    if (!s.killedByUs) violations.push(`${cycle}: serve exited by itself (${how.signal ?? `code ${how.code}`}); its log ends:\n${serveTail()}`);
  };

  try {
    for (let c = 1; c <= opts.cycles; c++) {
      // What is left must do for the final drain and the checks.
      if (left() < Math.min(60_000, limit * 0.4)) throw new TimeLimit(`time limit (${limit} ms) nearly reached after ${c - 1} cycles`);
      const plan = stream(opts.seed, 'cycle', c);
      const expectStartup = startups.length ? median(startups) : 1800;
      const early = plan() < 0.2;
      const earlyAt = between(plan, 0.2, 1.15) * expectStartup;
      const runFor = between(plan, 100, 3000);
      const burst = plan() < 0.6 ? 1 + Math.floor(plan() * 4) : 0;
      const burstLeadMs = Math.floor(plan() * 6);
      const pauseMs = plan() < 0.5 ? 0 : between(plan, 0, 600);
      const label = `cycle ${c}/${opts.cycles}`;

      const s = (current = startServe(dataDir, out, label));
      spawns.push(s.spawnedAt);
      const earlyKill = early ? sleep(earlyAt - (Date.now() - s.spawnedAt)).then(() => 'kill' as const) : null;
      const first = await within(Promise.race([
        s.ready.then((r) => ({ r })),
        s.exited.then(() => 'exited' as const),
        ...(earlyKill ? [earlyKill] : []),
      ]), 60_000, `${label}: serve to start`);
      const before = sent.size;
      let what: string;
      if (first === 'kill' || first === 'exited') {
        killServe(s);
        if (first === 'kill') killsBeforeReady++;
        what = `killed ${Math.round(Date.now() - s.spawnedAt)} ms after spawn, before it was ready`;
      } else {
        const { port, token } = first.r;
        startups.push(Date.now() - s.spawnedAt);
        if (!laneSet) laneSet = await setLane(port, token);
        const work = workload(port, token, c);
        const until = earlyKill ?? sleep(runFor);
        await Promise.race([until, s.exited]);
        if (burst) { work.burst(burst); await sleep(burstLeadMs); }
        const inFlight = work.inFlight();
        killServe(s);
        if (inFlight) killsWithEnqueuesInFlight++;
        await within(work.finish(), 20_000, `${label}: enqueues to settle after the kill`);
        what = `killed ${Math.round(Date.now() - s.spawnedAt)} ms after spawn (${inFlight} enqueues in flight)`;
      }
      await awaitExit(s, label);
      cyclesDone = c;
      const mine = [...sent.values()].slice(before);
      log(`${label}: ${what}; sent ${mine.length}, answered ${mine.filter((e) => e.answer === 'ok').length}`);
      await sleep(pauseMs);
    }

    // The final, clean start: nothing more is sent; everything accepted drains.
    const s = (current = startServe(dataDir, out, 'final start'));
    spawns.push(s.spawnedAt);
    const { port, token } = await within(s.ready, 60_000, 'final start: serve to start');
    startups.push(Date.now() - s.spawnedAt);
    if (!laneSet) await setLane(port, token);
    const ACTIVE = ['scheduled', 'queued', 'running', 'retrying', 'abandoned'];
    const drainBy = Date.now() + Math.min(left() - 30_000, 60_000 + 1_000 * sent.size);
    let quiet = 0;
    let lastCounts: Record<string, number> = {};
    for (;;) {
      const counts = await call<{ total: Record<string, number> }>(port, token, 'counts', {});
      lastCounts = counts.total;
      const active = ACTIVE.reduce((n, st) => n + (counts.total[st] ?? 0), 0);
      quiet = active === 0 ? quiet + 1 : 0;
      if (quiet >= 2) break;
      if (Date.now() > drainBy) {
        violations.push(`the final start did not drain: still ${JSON.stringify(lastCounts)}`);
        break;
      }
      await sleep(300);
    }
    log(`final start: drained in ${Math.round((Date.now() - s.spawnedAt) / 1000)} s: ${JSON.stringify(lastCounts)}`);

    // Everything in the database, with each run's attempts.
    const rows: RunRow[] = [];
    for (let cursor: number | undefined; ;) {
      const page = await call<{ runs: RunRow[]; nextCursor: number | null }>(port, token, 'listRuns',
        { limit: 500, oldestFirst: true, ...(cursor !== undefined && { cursor }) });
      rows.push(...page.runs);
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
    const queue = [...rows];
    await Promise.all(Array.from({ length: 6 }, async () => {
      for (let r = queue.shift(); r; r = queue.shift()) {
        try { details.push(await call<RunDetail>(port, token, 'getRun', { id: r.id })); } catch (e) { violations.push(`getRun ${r.id}: ${(e as Error).message}`); }
      }
    }));
    details.sort((a, b) => a.id - b.id);
    collected = true;
    // Accepted runs the listing did not show are looked up one by one (and reported).
    const listed = new Set(rows.map((r) => r.id));
    for (const e of sent.values()) {
      if (e.answer !== 'ok' || e.id === undefined || listed.has(e.id)) continue;
      const a = await post(port, token, 'getRun', { id: e.id });
      violations.push(`run ${e.id} (${e.spec.token}) was accepted but is missing from the database `
        + `(getRun: ${a.kind === 'ok' ? `found, status ${a.value.status}, yet not listed` : a.kind === 'rejected' ? a.body : a.reason})`);
    }

    // A clean stop: SIGTERM, exit 0.
    s.proc.kill('SIGTERM');
    const how = await within(s.exited, 30_000, 'final stop (SIGTERM)').catch((e: Error) => { killServe(s); return { code: null, signal: null, error: e.message }; });
    if ('error' in how) violations.push(`the final SIGTERM did not stop serve: ${how.error}`);
    else if (how.code !== 0) violations.push(`serve exited with ${how.signal ?? `code ${how.code}`} on SIGTERM; its log ends:\n${serveTail()}`);

    const leftover = processesMarked(root);
    if (leftover.length) {
      violations.push(`processes of runs were still alive after the final stop:\n${leftover.map((p) => `  ${p.pid} ${p.state} ${p.cmd}`).join('\n')}`);
    }

    const check = await cli(dataDir, Math.min(60_000, Math.max(left(), 5_000)), 'db', 'check', '--json');
    try {
      const r = JSON.parse(check.stdout) as { ok: boolean; problems: string[] };
      dbCheck = r.ok ? 'ok' : `damaged: ${r.problems.join('; ')}`;
      if (!r.ok || check.code !== 0) violations.push(`tasklane db check: ${check.stdout.trim()} ${check.stderr.trim()}`);
    } catch {
      dbCheck = 'failed';
      violations.push(`tasklane db check exited ${check.code}: ${check.stdout.trim()} ${check.stderr.trim()}`);
    }
  } catch (error) {
    violations.push(error instanceof TimeLimit ? `stopped early: ${error.message}` : `stopped early: ${(error as Error).stack ?? error}`);
  } finally {
    if (current) killServe(current);
    if (current) await within(current.exited, 10_000, 'serve to exit').catch(() => {});
    killMarked(root);
    await new Promise<void>((r) => out.end(r));
  }

  // Stopped before the database was read: its runs cannot be checked (the early stop is the violation).
  const stats = collected ? analyse(sent, details, execDir, spawns, violations) : analyse(new Map(), [], '', spawns, []);
  const report: SoakReport = {
    seed: opts.seed, cycles: opts.cycles, cyclesDone, durationMs: Date.now() - t0,
    sent: sent.size,
    accepted: [...sent.values()].filter((e) => e.answer === 'ok').length,
    unanswered: [...sent.values()].filter((e) => e.answer === 'lost').length,
    ...stats,
    killsBeforeReady, killsWithEnqueuesInFlight,
    startupMs: { median: median(startups), max: Math.max(0, ...startups) },
    dbCheck, violations, root, kept: !!opts.keep,
  };
  if (!opts.keep) rmSync(root, { recursive: true, force: true });
  live.delete(handle);
  return report;
}

/** `tasklane <args>` on the data folder, killed after `ms`. */
function cli(dataDir: string, ms: number, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [BIN, '--data-dir', dataDir, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TASKLANE_DATA_DIR: dataDir } });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => { stderr += `\n(killed after ${ms} ms)`; proc.kill('SIGKILL'); }, ms);
    proc.stdout.on('data', (d) => { stdout += d; });
    proc.stderr.on('data', (d) => { stderr += d; });
    proc.on('exit', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

// ---- the checks --------------------------------------------------------------------------------

interface Line { type: string; pid: number; ms: number; parent: number; idx: number; text: string }
interface Execution { pid: number; start: Line; lines: Line[] }

/** A run's file as executions, each with the lines it wrote (by leader pid). */
export function parseExecutions(text: string, token: string, problems: string[]): Execution[] {
  const execs: Execution[] = [];
  const latest = new Map<number, Execution>();
  text.split('\n').filter(Boolean).forEach((raw, idx) => {
    const f = raw.split(' ');
    const [type, tok] = f;
    const line: Line = { type, pid: Number(f[2]), ms: Number(f[3]), parent: Number(f[4]), idx, text: raw };
    if (tok !== token || !Number.isFinite(line.pid) || !Number.isFinite(line.ms)) {
      problems.push(`${token}: unreadable line ${idx + 1}: '${raw}'`);
      return;
    }
    if (type === 'overlap') {
      problems.push(`${token}: an execution (pid ${line.parent}) started while pid ${line.pid} of an earlier execution was still alive: '${raw}'`);
      return;
    }
    if (type === 'start') {
      const e: Execution = { pid: line.pid, start: line, lines: [line] };
      execs.push(e);
      latest.set(line.pid, e);
      return;
    }
    const owner = latest.get(type === 'end' ? line.pid : line.parent);
    if (!owner) problems.push(`${token}: line ${idx + 1} belongs to no execution: '${raw}'`);
    else owner.lines.push(line);
  });
  return execs;
}

function analyse(sent: Map<string, Sent>, details: RunDetail[], execDir: string, spawns: number[], violations: string[]) {
  const statuses: Record<string, number> = {};
  let executions = 0;
  let abandonedAttempts = 0;
  let treesEndedSigterm = 0;
  let treesEndedSigkill = 0;
  let exhaustedByKills = 0;
  let unansweredStored = 0;
  let treeNotesForFinished = 0;
  let treeNoteExample: string | undefined;
  const byToken = new Map<string, RunDetail[]>();
  for (const d of details) {
    statuses[d.status] = (statuses[d.status] ?? 0) + 1;
    const list = byToken.get(d.name ?? '') ?? [];
    list.push(d);
    byToken.set(d.name ?? '', list);
    for (const a of d.attempts) {
      if (a.outcome === 'abandoned') abandonedAttempts++;
      const m = a.error?.message ?? '';
      if (m.includes('were still running and were ended with SIGTERM')) treesEndedSigterm++;
      else if (m.includes('were still running and were killed')) treesEndedSigkill++;
    }
  }
  let files: string[] = [];
  try { files = readdirSync(execDir).filter((f) => /^t\d{6}z$/.test(f)); } catch { /* none */ }
  const fileSet = new Set(files);
  for (const f of files) if (!byToken.has(f)) violations.push(`${f} executed but is not in the database (${sent.get(f)?.answer ?? 'never sent'})`);
  for (const [name, list] of byToken) {
    if (!sent.has(name)) violations.push(`run(s) ${list.map((d) => d.id).join(', ')} named '${name}' were never sent`);
    if (list.length > 1) violations.push(`${name} is in the database ${list.length} times (runs ${list.map((d) => d.id).join(', ')})`);
  }
  // An enqueueMany is one transaction: all of it or none.
  const batches = new Map<number, Sent[]>();
  for (const e of sent.values()) if (e.batch !== null) batches.set(e.batch, [...(batches.get(e.batch) ?? []), e]);
  for (const [b, list] of batches) {
    const stored = list.filter((e) => byToken.has(e.spec.token)).length;
    if (stored !== 0 && stored !== list.length) violations.push(`enqueueMany #${b}: ${stored} of its ${list.length} runs are stored (${list.map((e) => e.spec.token).join(', ')})`);
  }

  for (const e of sent.values()) {
    const { spec } = e;
    const where = `${spec.token} (${spec.type}${e.id !== undefined ? `, run ${e.id}` : ''})`;
    if (e.answer === 'rejected') violations.push(`${where}: the enqueue was refused: ${e.detail}`);
    const found = byToken.get(spec.token)?.[0];
    if (!found) {
      if (e.answer === 'ok') violations.push(`${where}: accepted but missing from the database`);
      continue;
    }
    if (e.answer === 'lost') unansweredStored++;
    if (e.answer === 'ok' && found.id !== e.id) violations.push(`${where}: accepted as run ${e.id}, but the database has it as run ${found.id}`);

    // Terminal, and the end its workload meant.
    const ns = found.attempts.map((a) => a.n);
    const abandoned = found.attempts.some((a) => a.outcome === 'abandoned');
    const outOfTries = found.attempt >= found.maxAttempts && abandoned;
    const allAbandoned = found.attempt >= found.maxAttempts && found.attempts.every((a) => a.outcome === 'abandoned');
    let expected: string[];
    switch (spec.type) {
      case 'doomed': expected = ['dead']; break;
      case 'flaky': expected = outOfTries ? ['succeeded', 'dead'] : ['succeeded']; break;
      case 'missing': expected = outOfTries ? ['failed', 'dead'] : ['failed']; break;
      default: expected = allAbandoned ? ['succeeded', 'dead'] : ['succeeded'];
    }
    if (!expected.includes(found.status)) {
      violations.push(`${where}: ${found.status}${found.error ? ` (${found.error.code}: ${found.error.message.split('\n')[0]})` : ''}, expected ${expected.join(' or ')}; attempts ${JSON.stringify(found.attempts.map((a) => [a.n, a.outcome]))}`);
    } else if (found.status === 'dead' && spec.type !== 'doomed') exhaustedByKills++;
    if (spec.type === 'missing' && found.status === 'failed' && found.error?.code !== 'PROGRAM_NOT_FOUND') {
      violations.push(`${where}: failed with ${found.error?.code}, expected PROGRAM_NOT_FOUND`);
    }

    // Attempts numbered 1, 2, 3… and the run's own count is the last of them.
    if (ns.some((n, i) => i > 0 && n <= ns[i - 1])) violations.push(`${where}: attempt numbers do not increase: ${ns.join(' ')}`);
    else if (ns.some((n, i) => n !== i + 1)) violations.push(`${where}: attempt numbers skip: ${ns.join(' ')}`);
    if (ns.length && ns[ns.length - 1] !== found.attempt) violations.push(`${where}: its attempt is ${found.attempt}, its last attempt record ${ns[ns.length - 1]}`);

    // Its executions, from its file.
    if (!fileSet.has(spec.token)) {
      if (spec.type !== 'missing' && found.status === 'succeeded') violations.push(`${where}: succeeded without ever executing`);
      continue;
    }
    if (spec.type === 'missing') violations.push(`${where}: a run of a missing program left a file`);
    const problems: string[] = [];
    const text = readFileSync(join(execDir, spec.token), 'utf8');
    const execs = parseExecutions(text, spec.token, problems);
    executions += execs.length;
    if (execs.length > found.attempt) problems.push(`${spec.token}: ${execs.length} executions, but only ${found.attempt} attempts`);
    for (let i = 0; i + 1 < execs.length; i++) {
      const next = execs[i + 1].start;
      for (const l of execs[i].lines) {
        if (l.idx > next.idx || l.ms > next.ms) {
          problems.push(`${spec.token}: execution ${i + 1} (pid ${execs[i].pid}) wrote '${l.text}' after execution ${i + 2} started ('${next.text}')`);
        }
      }
    }
    if (found.status === 'succeeded') {
      const last = execs[execs.length - 1];
      if (!last?.lines.some((l) => l.type === 'end' && l.text.endsWith(' ok'))) problems.push(`${spec.token}: succeeded, but its last execution did not end ok`);
    }
    if (spec.delayMs !== undefined && execs.length && execs[0].start.ms < found.createdAt + spec.delayMs - 2) {
      problems.push(`${spec.token}: delayed ${spec.delayMs} ms, but started ${found.createdAt + spec.delayMs - execs[0].start.ms} ms early`);
    }
    // A note that a tree was still running, for an execution that had run to its end by itself:
    // before the serve that wrote the note was even started, or (a script that does not ignore
    // SIGTERM would have died at the signal, not written its end) at any time. What that serve
    // found was the leader's zombie, not a running tree.
    for (const a of found.attempts) {
      const m = /\(group (\d+)\) were still running/.exec(a.error?.message ?? '');
      if (!m || a.finishedAt === null) continue;
      const exec = execs.find((x) => x.pid === Number(m[1]));
      if (!exec?.lines.some((l) => l.type === 'end')) continue;
      const recoveredBy = Math.max(...spawns.filter((t) => t <= a.finishedAt!));
      const last = Math.max(...exec.lines.map((l) => l.ms));
      if (last < recoveredBy || !spec.ignoreTerm) {
        treeNotesForFinished++;
        treeNoteExample ??= `${spec.token} (run ${found.id}) attempt ${a.n}: '${a.error!.message}'; yet its execution `
          + `(pid ${exec.pid}) ended by itself at ${new Date(last).toISOString()}, `
          + `${last < recoveredBy ? `${recoveredBy - last} ms before that serve was started` : 'and it does not ignore SIGTERM'}`;
      }
    }
    if (problems.length) violations.push(`${where}: ${problems.join('\n  ')}\n  its file:\n    ${text.trim().split('\n').join('\n    ')}\n  attempts: ${JSON.stringify(found.attempts.map((a) => [a.n, a.outcome, a.error?.message?.split('\n')[0] ?? null]))}`);
  }

  return {
    runsInDb: details.length, statuses, executions, abandonedAttempts,
    treesEnded: treesEndedSigterm + treesEndedSigkill, treesEndedSigterm, treesEndedSigkill, treeNotesForFinished, treeNoteExample, exhaustedByKills, unansweredStored,
  };
}

// ---- the summary ------------------------------------------------------------------------------

export function formatReport(r: SoakReport): string {
  const lines = [
    `soak: ${r.cyclesDone}/${r.cycles} cycles, seed ${r.seed}, ${(r.durationMs / 1000).toFixed(1)} s`,
    `  enqueues sent ${r.sent}: accepted ${r.accepted}, lost in flight ${r.unanswered} (of which stored anyway ${r.unansweredStored})`,
    `  kills: ${r.cyclesDone} SIGKILLs, ${r.killsBeforeReady} before serve was ready, ${r.killsWithEnqueuesInFlight} with enqueues on the wire`,
    `  runs in the database ${r.runsInDb}: ${Object.entries(r.statuses).sort().map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `  executions ${r.executions}, abandoned attempts ${r.abandonedAttempts}, trees ended at restart ${r.treesEnded} `
      + `(${r.treesEndedSigterm} by SIGTERM, ${r.treesEndedSigkill} needed SIGKILL; ${r.treeNotesForFinished} of them had already finished: a zombie leader)`,
    r.treeNoteExample ? `    e.g. ${r.treeNoteExample}` : '',
    `  runs that ran out of tries because kills abandoned them ${r.exhaustedByKills}`,
    `  serve start to ready: median ${r.startupMs.median} ms, max ${r.startupMs.max} ms`,
    `  tasklane db check: ${r.dbCheck}`,
    r.violations.length ? `  VIOLATIONS (${r.violations.length}):\n${r.violations.map((v) => `  - ${v}`).join('\n')}` : '  violations: none',
    r.kept ? `  kept: ${r.root}` : '',
  ];
  return lines.filter(Boolean).join('\n');
}
