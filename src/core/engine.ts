// The engine facade: opens the database, owns the lanes, and runs the one write loop.
// Lanes pull: a lane claims only as many queued runs as it has free slots, in the same
// transaction that records finished attempts; events go out after that commit.
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { openDatabase, secureFolder, type Db } from './db/open';
import { createRunStore, type ClaimedRow, type ClaimShape, type RunStore } from './db/run-store';
import { EventBus, type EventInput } from './events';
import { KindRegistry, type KindDefinition } from './kinds';
import { systemClock, type Clock } from './util/clock';
import { LaneRunner, type LaneConfig } from './lanes/lane';
import { createLaneStore, type LaneStore } from './lanes/lane-store';
import { createTaskStore, type TaskStore } from './tasks/task-store';
import { execute, type Execution, type Outcome } from './runs/execute';
import { completeAttempt, type Completion } from './runs/complete';
import { recoverAbandoned } from './runs/recover';
import { failDependents } from './runs/deps';
import { KindError } from './kinds';
import { shellKind } from './handlers/shell';
import { httpKind } from './handlers/http';
import { headlessNotifier, notifyKind } from './handlers/notify';
import { endLeftoverTree, endOwnTree, processStartTime, taggedGroups, treeState } from './handlers/process-tree';
import { GroupSync, walSync, type Syncer } from './db/durable';
import type { EngineEvent, EngineEventType, EventOf, LogStream } from './api/types';
import { TasklaneError } from './errors';

export interface Logger {
  info(message: string, ...rest: unknown[]): void;
  warn(message: string, ...rest: unknown[]): void;
  error(message: string, ...rest: unknown[]): void;
}

export interface Notification { title: string; body: string; urgency?: 'low' | 'normal' | 'critical'; runId?: number }
export interface Notifier { notify(notification: Notification): void | Promise<void> }

export interface EngineOptions {
  /** Folder for tasklane.db (and, for later features, plugins and the endpoint file). */
  dataDir?: string;
  /** The database file; defaults to <dataDir>/tasklane.db. */
  dbPath?: string;
  clock?: Clock;
  kinds?: Record<string, KindDefinition<any>>;
  notifier?: Notifier;
  logger?: Logger;
  /** Source of randomness for backoff jitter (tests pass a constant). */
  random?: () => number;
  migrationsDir?: string;
  /** A better-sqlite3 addon built for another runtime (the desktop app in development). */
  nativeBinding?: string;
  /** How committed writes are made durable (default: fdatasync of the WAL, db/durable.ts). */
  syncer?: Syncer;
}

/** How many queued runs a claim reads ahead per lane (claimFor). */
const READ_AHEAD = 64;
/** At a stop, what is still running gets SIGTERM, then SIGKILL this much later (at most
 *  half the stop's timeout). */
const STOP_KILL_GRACE_MS = 5_000;
/** After a crash, a leftover tree gets its run's own kill grace, but never more than this. */
const LEFTOVER_GRACE_CAP_MS = 30_000;

const stderrLogger: Logger = {
  info: () => {},
  warn: (m, ...r) => console.warn(`[tasklane] ${m}`, ...r),
  error: (m, ...r) => console.error(`[tasklane] ${m}`, ...r),
};

interface LogRow { runId: number; lane: string; seq: number; stream: LogStream; at: number; text: string }

interface LeftoverTree { id: number; groups: { pgid: number; startedAt: string | null; tagged: boolean }[]; graceMs: number }

/** State and the write loop shared by the command modules. Not part of the public API. */
export class EngineCore {
  readonly sqlite: Database.Database;
  readonly db: Db;
  readonly store: RunStore;
  readonly laneStore: LaneStore;
  readonly taskStore: TaskStore;
  readonly events: EventBus;
  readonly kinds = new KindRegistry();
  readonly clock: Clock;
  readonly logger: Logger;
  readonly notifier: Notifier;
  readonly random: () => number;
  readonly dataDir: string | undefined;
  readonly dbPath: string;
  readonly lanes = new Map<string, LaneRunner>();
  private readonly writeTransaction: (fn: () => void) => void;
  readonly inflight = new Map<number, Execution>();
  /** Makes what was committed durable before a write is answered (db/durable.ts). */
  readonly durability: GroupSync;
  /** Tells this database's attempts' processes from another data folder's (processTag). */
  private readonly dbTag: string;

  state: 'new' | 'running' | 'stopping' | 'closed' = 'new';
  /**
   * True while some run not started yet comes `after` others: completions then look for
   * dependents and claims check parents. Set by whatever adds such a run (enqueue, retry);
   * cleared by the write loop once the last one has started or ended.
   */
  hasDeps = false;
  /** Likewise, while some run not started yet waits for another to end (overlap 'queue'). */
  hasWaiters = false;
  private completions: Completion[] = [];
  private logs: LogRow[] = [];
  private progress = new Map<number, { runId: number; lane: string; progress: number; message: string | null }>();
  private logSeq = new Map<number, number>();
  private dirty = new Set<LaneRunner>();
  private flushScheduled = false;
  private dueTimer: unknown;
  private dueAt: number | null = null;
  private rateTimers = new Map<string, unknown>();
  private idleWaiters: (() => void)[] = [];
  private drainWaiters: (() => void)[] = [];

  constructor(opts: EngineOptions) {
    if (!opts.dbPath && !opts.dataDir) throw new Error('createEngine needs dataDir or dbPath');
    this.dataDir = opts.dataDir;
    this.dbPath = opts.dbPath ?? join(opts.dataDir!, 'tasklane.db');
    this.clock = opts.clock ?? systemClock;
    this.logger = opts.logger ?? stderrLogger;
    this.notifier = opts.notifier ?? headlessNotifier(this.logger);
    this.random = opts.random ?? Math.random;
    if (opts.dataDir) secureFolder(opts.dataDir);
    const { sqlite, db } = openDatabase(this.dbPath, opts.migrationsDir, opts.nativeBinding);
    this.sqlite = sqlite;
    this.db = db;
    this.writeTransaction = sqlite.transaction((fn: () => void) => fn());
    this.durability = new GroupSync(opts.syncer ?? walSync(this.dbPath));
    this.dbTag = createHash('sha256').update(resolve(this.dbPath)).digest('hex').slice(0, 12);
    this.store = createRunStore(sqlite);
    this.laneStore = createLaneStore(db);
    this.taskStore = createTaskStore(db);
    this.events = new EventBus(() => this.clock.now(), (e) => this.logger.error('an event listener threw', e));
    this.laneStore.seedIfEmpty(this.clock.now());
    this.hasDeps = this.store.anyDeps();
    this.hasWaiters = this.store.anyWaiters();
    for (const config of this.laneStore.all()) this.addLane(config);
    this.kinds.register('shell', shellKind);
    this.kinds.register('http', httpKind);
    this.kinds.register('notify', notifyKind(this.notifier));
    for (const [name, def] of Object.entries(opts.kinds ?? {})) this.kinds.register(name, def);
  }

  addLane(config: LaneConfig): LaneRunner {
    const lane = new LaneRunner(config);
    this.lanes.set(lane.name, lane);
    return lane;
  }

  assertOpen(): void {
    if (this.state === 'closed') throw new TasklaneError('ENGINE_STOPPED', 'the engine is stopped; start it again to use it');
  }

  // ---- start / stop -------------------------------------------------------------------

  /**
   * Runs marked running whose process tree is still alive: the host that ran them died and
   * left the tree behind (shell runs lead their own process group). start() ends these
   * before it queues the runs again, so that one run never runs twice at once.
   */
  leftoverTrees(): LeftoverTree[] {
    const running = this.store.running();
    if (!running.length) return [];
    // Found two ways: the recorded leader (checked by its start time), and any running
    // process carrying the attempt's TASKLANE_RUN tag (a crash between the spawn and the
    // record, or a child that left the group).
    const tags = new Map(running.map((r) => [this.processTag(r.id, r.attempt), r]));
    const tagged = taggedGroups(new Set(tags.keys()));
    const found: LeftoverTree[] = [];
    for (const [tag, run] of tags) {
      const groups: LeftoverTree['groups'] = [...(tagged.get(tag) ?? [])].map((pgid) => ({ pgid, startedAt: null, tagged: true }));
      if (run.pid !== null && !tagged.get(tag)?.has(run.pid)) {
        const state = treeState(run.pid, run.pidStartedAt);
        // A leader gone with members left is ours only where tags cannot tell (not Linux):
        // on Linux the tag scan above finds such members, and a reused number is never hit.
        if (state === 'ours' || (state === 'orphans' && process.platform !== 'linux')) {
          groups.push({ pgid: run.pid, startedAt: run.pidStartedAt, tagged: false });
        }
      }
      if (!groups.length) continue;
      const grace = Number((JSON.parse(this.store.get(run.id)?.input ?? '{}') as { killGraceMs?: unknown }).killGraceMs);
      found.push({ id: run.id, groups,
        graceMs: Number.isFinite(grace) ? Math.min(Math.max(grace, 0), LEFTOVER_GRACE_CAP_MS) : STOP_KILL_GRACE_MS });
    }
    return found;
  }

  /** Ends the trees leftoverTrees() found; says, per run, what was done (for its attempt). */
  async endLeftovers(trees: LeftoverTree[]): Promise<Map<number, string>> {
    const notes = new Map<number, string>();
    await Promise.all(trees.map(async (t) => {
      const said = await Promise.all(t.groups.map((g) => endLeftoverTree(g.pgid, g.startedAt, t.graceMs, g.tagged)));
      const note = said.filter((n) => n !== null).join('; ');
      if (note) notes.set(t.id, note);
    }));
    return notes;
  }

  /** The TASKLANE_RUN value of an attempt's processes: unique per database, run and attempt. */
  processTag(runId: number, attempt: number): string {
    return `${this.dbTag}:${runId}:${attempt}`;
  }

  start(notes: ReadonlyMap<number, string> = new Map()): void {
    this.assertOpen();
    if (this.state !== 'new') return;
    const now = this.clock.now();
    const recovered = recoverAbandoned(this.sqlite, this.store, now, notes);
    if (this.hasDeps) {
      // An abandoned run that went dead takes the runs waiting for it along.
      this.writeTransaction(() => {
        for (const e of [...recovered]) if (e.type === 'run.dead') recovered.push(...failDependents(this.store, e.runId, 'dead', now));
      });
    }
    this.events.emitAll(recovered);
    this.state = 'running';
    this.onDue();
    for (const lane of this.lanes.values()) this.wakeLane(lane);
  }

  async stop(timeoutMs: number): Promise<void> {
    if (this.state === 'closed') return;
    const wasRunning = this.state === 'running';
    this.state = 'stopping';
    if (this.dueTimer !== undefined) this.clock.clearTimeout(this.dueTimer);
    for (const t of this.rateTimers.values()) this.clock.clearTimeout(t);
    const grace = Math.min(STOP_KILL_GRACE_MS, Math.floor(Math.max(timeoutMs, 0) / 2));
    if (wasRunning && this.inflight.size && timeoutMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = this.clock.setTimeout(resolve, timeoutMs - grace);
        this.drainWaiters.push(() => { this.clock.clearTimeout(timer); resolve(); });
      });
    }
    const left = [...this.inflight.values()];
    for (const exec of left) exec.interrupt(new KindError('INTERRUPTED', 'Tasklane is shutting down'));
    // Process trees still running get SIGTERM, then SIGKILL after the grace, and the stop
    // waits until they are gone: nothing this host started outlives it.
    // Processes that left the group (setsid) but carry the attempt's tag go too. A handler
    // whose output stays open after all that (a daemon holding its stdout) is not waited
    // for past the grace: the stop must end.
    const tagOf = (e: Execution) => this.processTag(e.row.id, e.row.attempt);
    const strays = taggedGroups(new Set(left.map(tagOf)));
    await Promise.all(left.map(async (e) => {
      const groups = new Set(strays.get(tagOf(e)) ?? []);
      if (e.pid !== null) groups.add(e.pid);
      if (!groups.size) return;
      await Promise.all([...groups].map((g) => endOwnTree(g, grace)));
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([e.whenEnded(), new Promise((r) => { timer = setTimeout(r, grace + 2_000); })]);
      clearTimeout(timer);
    }));
    for (const exec of left) exec.settle({ type: 'interrupted' });
    this.flush();
    this.state = 'closed';
    this.durability.close();
    this.sqlite.close();
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  // ---- waking lanes and the one due timer -----------------------------------------------

  /** New work may be waiting in this lane (enqueue, promotion, resume, more slots). */
  wakeLane(lane: LaneRunner): void {
    lane.wake();
    this.markDirty(lane);
  }

  markDirty(lane: LaneRunner): void {
    this.dirty.add(lane);
    this.scheduleFlush();
  }

  /** Arms the single timer for the soonest scheduled or retrying run. */
  armDue(at: number): void {
    if (this.state !== 'running' || (this.dueAt !== null && this.dueAt <= at)) return;
    if (this.dueTimer !== undefined) this.clock.clearTimeout(this.dueTimer);
    this.dueAt = at;
    this.dueTimer = this.clock.setTimeout(() => this.onDue(), at - this.clock.now());
  }

  /** Promotes due scheduled/retrying runs and re-arms the timer (also after a wake-up). */
  onDue(): void {
    if (this.dueTimer !== undefined) this.clock.clearTimeout(this.dueTimer);
    this.dueAt = null;
    this.dueTimer = undefined;
    if (this.state !== 'running') return;
    const now = this.clock.now();
    const promoted = this.store.promoteDue(now);
    for (const run of promoted) {
      this.events.emit({ type: 'run.queued', runId: run.id, lane: run.lane, status: 'queued', kind: run.kind,
        name: run.name, priority: run.priority, runAt: run.runAt });
      const lane = this.lanes.get(run.lane);
      if (lane) this.wakeLane(lane);
    }
    const next = this.store.nextDue();
    if (next !== null) this.armDue(next);
  }

  // ---- the write loop -------------------------------------------------------------------

  scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /**
   * One transaction: logs, progress, finished attempts, then claims for lanes with free
   * slots. Events are emitted after the commit; claimed runs start after that.
   */
  flush(): void {
    this.flushScheduled = false;
    if (this.state === 'closed') return;
    const now = this.clock.now();
    const logs = this.logs;
    const progress = this.progress;
    const completions = this.completions;
    const dirty = this.state === 'running' ? [...this.dirty] : [];
    const events: EventInput[] = [];
    const claims: [LaneRunner, ClaimedRow[], number][] = [];
    const woken = new Set<string>();
    let retryAt: number | null = null;
    let { hasDeps, hasWaiters } = this;
    try {
      this.writeTransaction(() => {
        for (const { lane: _lane, ...row } of logs) this.store.insertLog(row);
        for (const p of progress.values()) this.store.setProgress(p.runId, p.progress, p.message);
        const announceSuccess = this.hasDeps || this.events.wants('run.succeeded');
        for (const c of completions) {
          const result = completeAttempt(this.store, c, this.random, announceSuccess);
          if (this.hasDeps) this.settleDependents(c, result.events, now, woken);
          if (result.events.length) events.push(...result.events);
          if (result.retryAt !== null && (retryAt === null || result.retryAt < retryAt)) retryAt = result.retryAt;
        }
        const shape = { deps: this.hasDeps, waits: this.hasWaiters, name: this.events.wants('run.started') };
        for (const lane of dirty) {
          if (!lane.mayHaveWork || !this.lanes.has(lane.name)) continue;
          const n = lane.freeSlots(now);
          if (n <= 0) { this.armRateTimer(lane, now); continue; }
          const rows = this.claimFor(lane, n, now, shape);
          if (rows.length < n) lane.mayHaveWork = false;
          if (rows.length) claims.push([lane, rows, now]);
        }
        // Two lookups in small partial indexes; once they say no, claims read ahead again.
        if (hasDeps) hasDeps = this.store.anyDeps();
        if (hasWaiters) hasWaiters = this.store.anyWaiters();
      });
    } catch (error) {
      // Rolled back: runs taken from the read-ahead were not claimed; read again.
      for (const lane of dirty) lane.wake();
      this.logger.error('writing to the database failed; will try again in 1 s', error);
      this.clock.setTimeout(() => this.scheduleFlush(), 1000);
      return;
    }
    this.hasDeps = hasDeps;
    this.hasWaiters = hasWaiters;
    this.logs = [];
    this.progress = new Map();
    this.completions = [];
    this.dirty.clear();

    for (const row of logs) {
      this.events.emit({ type: 'run.log', runId: row.runId, lane: row.lane, logSeq: row.seq, stream: row.stream, text: row.text });
    }
    for (const p of progress.values()) {
      this.events.emit({ type: 'run.progress', runId: p.runId, lane: p.lane, progress: p.progress, message: p.message });
    }
    this.events.emitAll(events);
    for (const name of woken) {
      const lane = this.lanes.get(name);
      if (lane) this.wakeLane(lane);
    }
    for (const [lane, rows, claimedAt] of claims) this.startClaimed(lane, rows, claimedAt);
    if (retryAt !== null) this.armDue(retryAt);
    this.checkIdle();
  }

  /**
   * Claims up to `n` runs of the lane. The queued runs are read 64 at a time in claim order
   * and kept on the lane, so most claims are only the one-row UPDATEs (the SELECT was ~15%
   * of a drain). That is safe because only this engine writes runs: anything that queues a
   * run wakes its lane, which drops the read-ahead, and a run cancelled or removed since it
   * was read fails markRunning's status check and is skipped. With `after` parents or
   * overlap waiters, whether a run may start changes with other runs' ends, so the claim
   * reads exactly what it takes.
   */
  private claimFor(lane: LaneRunner, n: number, now: number, shape: ClaimShape): ClaimedRow[] {
    const claimed: ClaimedRow[] = [];
    if (shape.deps || shape.waits) {
      lane.dropReadAhead();
      for (const row of this.store.candidates(lane.name, n, shape)) if (this.store.markRunning(row, now)) claimed.push(row);
      return claimed;
    }
    while (claimed.length < n) {
      if (!lane.ahead.length) {
        if (lane.aheadReachedEnd) break;
        const want = Math.max(READ_AHEAD, n - claimed.length);
        lane.ahead = this.store.candidates(lane.name, want, shape);
        lane.aheadReachedEnd = lane.ahead.length < want;
        if (!lane.ahead.length) break;
      }
      const row = lane.ahead.shift()!;
      if (this.store.markRunning(row, now)) claimed.push(row);
    }
    return claimed;
  }

  /** A parent that succeeded wakes its dependents' lanes; one that died takes them along. */
  private settleDependents(c: Completion, done: EventInput[], now: number, woken: Set<string>): void {
    const id = c.exec.row.id;
    const end = done.find((e) => e.type === 'run.succeeded' || e.type === 'run.dead' || (e.type === 'run.failed' && e.status === 'failed'));
    if (!end) return;
    if (end.type === 'run.succeeded') {
      for (const child of this.store.dependents(id)) woken.add(child.lane);
    } else {
      done.push(...failDependents(this.store, id, end.type === 'run.dead' ? 'dead' : 'failed', now));
    }
  }

  /** `claimedAt` is the started_at the claim wrote (the attempt's start in its history). */
  private startClaimed(lane: LaneRunner, rows: ClaimedRow[], claimedAt: number): void {
    const announce = this.events.wants('run.started');
    for (const row of rows) {
      if (announce) {
        this.events.emit({ type: 'run.started', runId: row.id, lane: lane.name, attempt: row.attempt, kind: row.kind,
          name: row.name !== undefined ? row.name : this.store.details(row.id).name });
      }
      // The rate window counts from the real start, after the commit, not from the claim.
      lane.take(this.clock.now());
      execute(row, lane.name, claimedAt, this.executeDeps, this.register);
    }
  }

  private armRateTimer(lane: LaneRunner, now: number): void {
    const at = lane.nextRateOpening(now);
    if (at === null || this.rateTimers.has(lane.name)) return;
    this.rateTimers.set(lane.name, this.clock.setTimeout(() => {
      this.rateTimers.delete(lane.name);
      this.markDirty(lane);
    }, at - now));
  }

  private readonly register = (exec: Execution) => { this.inflight.set(exec.row.id, exec); };

  /** Written at once, outside the batch: a crash a moment later must still find the tree. */
  private readonly track = (exec: Execution, pid: number) => {
    if (this.state === 'closed') return;
    try {
      this.store.setProcess(exec.row.id, pid, processStartTime(pid));
    } catch (error) {
      // The attempt goes on (its processes carry its tag, which finds them after a crash).
      this.logger.error(`could not record the process of run ${exec.row.id}`, error);
    }
  };

  private readonly executeDeps = {
    clock: this.clockProxy(),
    kinds: this.kinds,
    log: (runId: number, stream: LogStream, text: string) => {
      let seq = this.logSeq.get(runId);
      if (seq === undefined) seq = this.store.lastLogSeq(runId);
      this.logSeq.set(runId, ++seq);
      this.logs.push({ runId, lane: this.inflight.get(runId)?.lane ?? '', seq, stream, at: this.clock.now(), text });
      this.scheduleFlush();
    },
    progress: (runId: number, progress: number, message: string | null) => {
      const lane = this.inflight.get(runId)?.lane ?? '';
      this.progress.set(runId, { runId, lane, progress, message });
      this.scheduleFlush();
    },
    track: (exec: Execution, pid: number) => this.track(exec, pid),
    processTag: (runId: number, attempt: number) => this.processTag(runId, attempt),
    onSettled: (exec: Execution, outcome: Outcome) => {
      this.inflight.delete(exec.row.id);
      this.logSeq.delete(exec.row.id);
      this.completions.push({ exec, outcome, finishedAt: this.clock.now() });
      // The slot is free: claim again. A run waiting for this one (overlap 'queue') may now
      // be claimable, which is new work for its lane. (A lane is deleted only once it has no
      // runs, so the run's lane is still there.)
      const lane = this.lanes.get(exec.lane);
      if (!lane) this.scheduleFlush();
      else {
        lane.release();
        if (this.hasWaiters) this.wakeLane(lane); else this.markDirty(lane);
      }
      if (!this.inflight.size) for (const resolve of this.drainWaiters.splice(0)) resolve();
    },
  };

  // The clock is read lazily so that the deps object can be built as a field initialiser.
  private clockProxy(): Clock {
    return {
      now: () => this.clock.now(),
      setTimeout: (fn, ms) => this.clock.setTimeout(fn, ms),
      clearTimeout: (h) => this.clock.clearTimeout(h),
    };
  }

  // ---- idle -------------------------------------------------------------------------------

  isIdle(): boolean {
    if (this.state !== 'running') return true;
    if (this.inflight.size || this.flushScheduled || this.completions.length || this.logs.length) return false;
    for (const lane of this.lanes.values()) if (!lane.paused && lane.mayHaveWork) return false;
    return true;
  }

  /** Resolves when nothing runs and nothing is ready to run (future runs may still wait). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private checkIdle(): void {
    if (this.idleWaiters.length && this.isIdle()) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  on<T extends EngineEventType>(type: T | '*', fn: (event: EventOf<T>) => void): () => void {
    return this.events.on(type, fn);
  }

  emit(events: EventInput[]): void { this.events.emitAll(events); }
}

export type { EngineEvent };
