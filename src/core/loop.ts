// The write loop: the one place that claims runs, starts them, and writes what they did.
//
// Modes, changed only by start() and stop():
//   new       opened, nothing claimed yet. Commands may enqueue and read; the due timer
//             and claims wait. start() ends what a dead host left running, recovers the
//             runs it left marked running (transitions.abandon), then goes on to running.
//   running   claims and starts runs, arms the due and rate timers, flushes after anything
//             changed (one setImmediate per turn).
//   stopping  no new claims, no timers; waits for running work for the stop's timeout
//             less the kill grace (at most 5 s, at most half the timeout), then interrupts
//             it (SIGTERM, then SIGKILL after the grace), writes the interrupted attempts
//             and goes on to closed.
//   closed    nothing is written; commands answer ENGINE_STOPPED (assertOpen).
//
// Flush: ONE transaction writes new log lines, progress and finished attempts, then claims
// for every woken lane as many queued runs as it has free slots. Events go out after the
// commit; claimed runs start after that. Lanes pull: nothing waits in memory but the rows
// a lane read ahead (lane.ts), so a crash loses nothing that was accepted.
import type { ClaimedRow, ClaimShape, RunStore } from './db/run-store';
import type { EventBus, EventInput } from './events';
import type { KindRegistry } from './kinds';
import type { Clock, Logger } from './ports';
import type { LogStream } from './api/types';
import { Lane, type LaneConfig } from './lanes/lane';
import { execute, type Execution, type ExecuteDeps, type Outcome } from './runs/execute';
import { abandon, claim, killDependents, promoteDue, settleAttempt, type Completion } from './runs/transitions';
import { runEvents as ev } from './runs/run-events';
import { KindError } from './kinds';
import { endOwnTree, processStartTime, taggedGroups } from './handlers/process-tree';
import { TasklaneError } from './errors';

export type Mode = 'new' | 'running' | 'stopping' | 'closed';

/** How many queued runs a claim reads ahead per lane (claimFor). */
const READ_AHEAD = 64;
/** At a stop, what is still running gets SIGTERM, then SIGKILL this much later (at most
 *  half the stop's timeout). */
const STOP_KILL_GRACE_MS = 5_000;

export interface LoopDeps {
  store: RunStore;
  /** Runs `fn` in one write transaction. */
  transaction(fn: () => void): void;
  events: EventBus;
  kinds: KindRegistry;
  clock: Clock;
  logger: Logger;
  random: () => number;
  /** The TASKLANE_RUN value of an attempt's processes (engine.ts). */
  processTag(runId: number, attempt: number): string;
  /** After each commit of a flush (the search index follows the new rows). */
  flushed?(): void;
  /** Writes a lane the flush paused (pause on failure), inside its transaction. */
  saveLane?(config: LaneConfig): void;
  /** Copies a file in as a run's (artifacts/artifacts.ts). */
  artifact(runId: number, path: string, base: string, within: boolean): Promise<{ name: string; size: number }>;
  /** The secrets of a task's runs (secrets/secrets.ts), or null. */
  secretsOf?(taskId: number): Record<string, string> | null;
}

interface LogRow { runId: number; lane: string; seq: number; stream: LogStream; at: number; text: string }

export class WriteLoop {
  #mode: Mode = 'new';
  readonly #d: LoopDeps;
  readonly #lanes = new Map<string, Lane>();
  readonly #inflight = new Map<number, Execution>();
  /**
   * True while some run not started yet comes `after` others: completions then look for
   * dependents and claims check parents. Turned on by whatever adds such a run (notePending);
   * turned off by the flush once the last one has started or ended.
   */
  #hasDeps: boolean;
  /** Likewise, while some run not started yet waits for another to end (overlap 'queue'). */
  #hasWaiters: boolean;
  #completions: Completion[] = [];
  #logs: LogRow[] = [];
  #progress = new Map<number, { runId: number; lane: string; progress: number; message: string | null }>();
  readonly #logSeq = new Map<number, number>();
  readonly #dirty = new Set<Lane>();
  #flushScheduled = false;
  #dueTimer: unknown;
  #dueAt: number | null = null;
  readonly #rateTimers = new Map<string, unknown>();
  #idleWaiters: (() => void)[] = [];
  #drainWaiters: (() => void)[] = [];
  readonly #exec: ExecuteDeps;

  constructor(deps: LoopDeps, lanes: LaneConfig[]) {
    this.#d = deps;
    for (const config of lanes) this.addLane(config);
    this.#hasDeps = deps.store.anyDeps();
    this.#hasWaiters = deps.store.anyWaiters();
    this.#exec = {
      clock: deps.clock,
      kinds: deps.kinds,
      log: (runId, stream, text) => this.#log(runId, stream, text),
      progress: (runId, progress, message) => {
        this.#progress.set(runId, { runId, lane: this.#inflight.get(runId)?.lane ?? '', progress, message });
        this.#scheduleFlush();
      },
      track: (exec, pid) => this.#track(exec, pid),
      processTag: deps.processTag,
      artifact: deps.artifact,
      secretsOf: deps.secretsOf,
      onSettled: (exec, outcome) => this.#onSettled(exec, outcome),
    };
  }

  get mode(): Mode { return this.#mode; }

  assertOpen(): void {
    if (this.#mode === 'closed') throw new TasklaneError('ENGINE_STOPPED', 'the engine is stopped; start it again to use it');
  }

  // ---- lanes ------------------------------------------------------------------------------

  lane(name: string): Lane | undefined { return this.#lanes.get(name); }
  hasLane(name: string): boolean { return this.#lanes.has(name); }
  lanes(): Lane[] { return [...this.#lanes.values()]; }
  laneNames(): string[] { return [...this.#lanes.keys()]; }

  addLane(config: LaneConfig): Lane {
    const lane = new Lane(config);
    this.#lanes.set(lane.name, lane);
    return lane;
  }

  /** Only once the lane has no runs (lane commands check). */
  removeLane(name: string): void { this.#lanes.delete(name); }

  /** New work may be waiting in this lane (enqueue, promotion, resume, more slots). */
  wake(lane: Lane | string): void {
    const target = typeof lane === 'string' ? this.#lanes.get(lane) : lane;
    if (!target) return;
    target.wake();
    this.#markDirty(target);
  }

  // ---- runs -------------------------------------------------------------------------------

  /** The attempt under way of a running run (cancel aborts it). */
  execution(runId: number): Execution | undefined { return this.#inflight.get(runId); }

  /** Whatever added a run that comes `after` others, or waits for another (overlap 'queue'),
   *  says so: claims then check for it until the last such run has started. */
  notePending(what: { deps?: boolean; waits?: boolean }): void {
    if (what.deps) this.#hasDeps = true;
    if (what.waits) this.#hasWaiters = true;
  }
  /** Some run not started yet comes `after` others (completions then look for dependents). */
  get hasDeps(): boolean { return this.#hasDeps; }

  // ---- start / stop -----------------------------------------------------------------------

  /** new → running. `notes`: per run, what was done to a tree it left running. */
  start(notes: ReadonlyMap<number, string> = new Map()): void {
    this.assertOpen();
    if (this.#mode !== 'new') return;
    const now = this.#d.clock.now();
    const events: EventInput[] = [];
    // A run that went dead here pauses its lane if the lane says so (before anything starts).
    const pausedHere: Lane[] = [];
    this.#d.transaction(() => {
      for (const run of this.#d.store.running()) {
        const moved = abandon(this.#d.store, run, now, notes.get(run.id));
        events.push(...moved);
        this.#pauseOnFailure(run.lane, moved, pausedHere, events);
        // An abandoned run that went dead takes the runs waiting for it along.
        if (this.#hasDeps && moved[moved.length - 1].type === 'run.dead') events.push(...killDependents(this.#d.store, run.id, 'dead', now));
      }
    });
    this.#d.events.emitAll(events);
    this.#mode = 'running';
    this.onDue();
    for (const lane of this.#lanes.values()) this.wake(lane);
  }

  /** running → stopping → closed (see the top of this file). The caller closes the database. */
  async stop(timeoutMs: number): Promise<void> {
    if (this.#mode === 'closed') return;
    const wasRunning = this.#mode === 'running';
    this.#mode = 'stopping';
    const { clock } = this.#d;
    if (this.#dueTimer !== undefined) clock.clearTimeout(this.#dueTimer);
    for (const t of this.#rateTimers.values()) clock.clearTimeout(t);
    const grace = Math.min(STOP_KILL_GRACE_MS, Math.floor(Math.max(timeoutMs, 0) / 2));
    if (wasRunning && this.#inflight.size && timeoutMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = clock.setTimeout(resolve, timeoutMs - grace);
        this.#drainWaiters.push(() => { clock.clearTimeout(timer); resolve(); });
      });
    }
    const left = [...this.#inflight.values()];
    for (const exec of left) exec.interrupt(new KindError('INTERRUPTED', 'Tasklane is shutting down'));
    // Process trees still running get SIGTERM, then SIGKILL after the grace, and the stop
    // waits until they are gone: nothing this host started outlives it. Processes that
    // left the group (setsid) but carry the attempt's tag go too. A handler whose output
    // stays open after all that (a daemon holding its stdout) is not waited for past the
    // grace: the stop must end.
    const tagOf = (e: Execution) => this.#d.processTag(e.row.id, e.row.attempt);
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
    this.#mode = 'closed';
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }

  // ---- the due timer and the rate timers --------------------------------------------------

  /** Arms the single timer for the soonest scheduled or retrying run. */
  armDue(at: number): void {
    if (this.#mode !== 'running' || (this.#dueAt !== null && this.#dueAt <= at)) return;
    const { clock } = this.#d;
    if (this.#dueTimer !== undefined) clock.clearTimeout(this.#dueTimer);
    this.#dueAt = at;
    this.#dueTimer = clock.setTimeout(() => this.onDue(), at - clock.now());
  }

  /** Promotes due scheduled/retrying runs and re-arms the timer (also after a wake-up). */
  onDue(): void {
    const { clock, store } = this.#d;
    if (this.#dueTimer !== undefined) clock.clearTimeout(this.#dueTimer);
    this.#dueAt = null;
    this.#dueTimer = undefined;
    if (this.#mode !== 'running') return;
    const { events, lanes } = promoteDue(store, clock.now());
    this.#d.events.emitAll(events);
    for (const name of lanes) this.wake(name);
    const next = store.nextDue();
    if (next !== null) this.armDue(next);
  }

  #armRateTimer(lane: Lane, now: number): void {
    const at = lane.nextRateOpening(now);
    if (at === null || this.#rateTimers.has(lane.name)) return;
    this.#rateTimers.set(lane.name, this.#d.clock.setTimeout(() => {
      this.#rateTimers.delete(lane.name);
      this.#markDirty(lane);
    }, at - now));
  }

  // ---- the flush --------------------------------------------------------------------------

  #markDirty(lane: Lane): void {
    this.#dirty.add(lane);
    this.#scheduleFlush();
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /**
   * One transaction: logs, progress, finished attempts, then claims for lanes with free
   * slots. Events are emitted after the commit; claimed runs start after that. Reads call
   * it first, so that they see everything that happened before them.
   */
  flush(): void {
    this.#flushScheduled = false;
    if (this.#mode === 'closed') return;
    const { store, events: bus, clock } = this.#d;
    const now = clock.now();
    const logs = this.#logs;
    const progress = this.#progress;
    const completions = this.#completions;
    const dirty = this.#mode === 'running' ? [...this.#dirty] : [];
    const events: EventInput[] = [];
    const claims: [Lane, ClaimedRow[], number][] = [];
    const woken = new Set<string>();
    let retryAt: number | null = null;
    let hasDeps = this.#hasDeps;
    /** Lanes this flush paused because a run of theirs failed (pause on failure). */
    const pausedHere: Lane[] = [];
    let hasWaiters = this.#hasWaiters;
    try {
      this.#d.transaction(() => {
        for (const { lane: _lane, ...row } of logs) store.insertLog(row);
        for (const p of progress.values()) store.setProgress(p.runId, p.progress, p.message);
        const announce = hasDeps || bus.wants('run.succeeded');
        for (const c of completions) {
          const result = settleAttempt(store, c, this.#d.random, announce);
          this.#pauseOnFailure(c.exec.lane, result.events, pausedHere, events);
          if (hasDeps) this.#settleDependents(c, result.events, now, woken);
          if (result.events.length) events.push(...result.events);
          if (result.retryAt !== null && (retryAt === null || result.retryAt < retryAt)) retryAt = result.retryAt;
        }
        const shape = { deps: hasDeps, waits: hasWaiters, name: bus.wants('run.started') };
        for (const lane of dirty) {
          if (!lane.mayHaveWork || !this.#lanes.has(lane.name)) continue;
          const n = lane.freeSlots(now);
          if (n <= 0) { this.#armRateTimer(lane, now); continue; }
          const rows = this.#claimFor(lane, n, now, shape);
          if (rows.length < n) lane.ranDry();
          if (rows.length) claims.push([lane, rows, now]);
        }
        // Two lookups in small partial indexes; once they say no, claims read ahead again.
        if (hasDeps) hasDeps = store.anyDeps();
        if (hasWaiters) hasWaiters = store.anyWaiters();
      });
    } catch (error) {
      // Rolled back: runs taken from the read-ahead were not claimed; read again. A lane the
      // flush paused was not paused in the database: it runs again.
      for (const lane of pausedHere) lane.resume();
      for (const lane of dirty) lane.wake();
      this.#d.logger.error('writing to the database failed; will try again in 1 s', error);
      clock.setTimeout(() => this.#scheduleFlush(), 1000);
      return;
    }
    this.#hasDeps = hasDeps;
    this.#hasWaiters = hasWaiters;
    this.#d.flushed?.();
    this.#logs = [];
    this.#progress = new Map();
    this.#completions = [];
    this.#dirty.clear();

    for (const row of logs) bus.emit(ev.log(row.runId, row.lane, row.seq, row.stream, row.text));
    for (const p of progress.values()) bus.emit(ev.progress(p.runId, p.lane, p.progress, p.message));
    bus.emitAll(events);
    for (const name of woken) this.wake(name);
    for (const [lane, rows, claimedAt] of claims) this.#startClaimed(lane, rows, claimedAt);
    if (retryAt !== null) this.armDue(retryAt);
    this.#checkIdle();
  }

  /**
   * Claims up to `n` runs of the lane. The queued runs are read 64 at a time in claim order
   * and kept on the lane, so most claims are only the one-row UPDATEs (the SELECT was ~15%
   * of a drain). That is safe because only this engine writes runs: anything that queues a
   * run wakes its lane, which drops the read-ahead, and a run cancelled or removed since it
   * was read fails the claim's status check and is skipped. With `after` parents or
   * overlap waiters, whether a run may start changes with other runs' ends, so the claim
   * reads exactly what it takes.
   */
  #claimFor(lane: Lane, n: number, now: number, shape: ClaimShape): ClaimedRow[] {
    const { store } = this.#d;
    const claimed: ClaimedRow[] = [];
    if (shape.deps || shape.waits) {
      lane.dropReadAhead();
      for (const row of store.candidates(lane.name, n, shape)) if (claim(store, row, lane.name, now)) claimed.push(row);
      return claimed;
    }
    while (claimed.length < n) {
      let row = lane.takeAhead();
      if (row === undefined) {
        if (lane.readAheadExhausted) break;
        const want = Math.max(READ_AHEAD, n - claimed.length);
        const rows = store.candidates(lane.name, want, shape);
        lane.keepAhead(rows, rows.length < want);
        row = lane.takeAhead();
        if (row === undefined) break;
      }
      if (claim(store, row, lane.name, now)) claimed.push(row);
    }
    return claimed;
  }

  /** A parent that succeeded wakes its dependents' lanes; one that died takes them along. */
  #settleDependents(c: Completion, done: EventInput[], now: number, woken: Set<string>): void {
    const id = c.exec.row.id;
    const end = done.find((e) => e.type === 'run.succeeded' || (e.type === 'run.failed' && e.status !== 'retrying'));
    if (!end) return;
    if (end.type === 'run.succeeded') {
      for (const child of this.#d.store.dependents(id)) woken.add(child.lane);
    } else {
      done.push(...killDependents(this.#d.store, id, end.type === 'run.failed' && end.status === 'dead' ? 'dead' : 'failed', now));
    }
  }

  /** `claimedAt` is the started_at the claim wrote (the attempt's start in its history). */
  #startClaimed(lane: Lane, rows: ClaimedRow[], claimedAt: number): void {
    const { events: bus, store, clock } = this.#d;
    const announce = bus.wants('run.started');
    for (const row of rows) {
      if (announce) bus.emit(ev.started(row.id, lane.name, row.attempt, row.kind, row.name !== undefined ? row.name : store.details(row.id).name));
      // The rate window counts from the real start, after the commit, not from the claim.
      lane.startRun(clock.now());
      execute(row, lane.name, claimedAt, this.#exec, this.#register);
    }
  }

  // ---- what running attempts report -------------------------------------------------------

  /** Before the handler is called: it may settle at once. */
  readonly #register = (exec: Execution): void => { this.#inflight.set(exec.row.id, exec); };

  /**
   * A run that ended failed or dead pauses its lane when the lane says so (pause on failure):
   * in the flush's transaction, before it claims more of the lane's runs; the lane says why.
   */
  #pauseOnFailure(laneName: string, settled: readonly EventInput[], pausedHere: Lane[], events: EventInput[]): void {
    const lane = this.#lanes.get(laneName);
    if (!lane || !lane.pauseOnFailure || lane.paused) return;
    const failure = settled.find((e) => (e.type === 'run.failed' && e.status !== 'retrying') || e.type === 'run.dead');
    if (!failure || (failure.type !== 'run.failed' && failure.type !== 'run.dead')) return;
    const how = failure.type === 'run.failed' && failure.status === 'failed' ? 'failed' : 'went dead';
    const message = `${failure.error.code}: ${failure.error.message}`;
    lane.pause(`run ${failure.runId} ${how} (${message.length > 160 ? `${message.slice(0, 159)}…` : message})`);
    this.#d.saveLane?.(lane.config());
    pausedHere.push(lane);
    events.push(ev.laneChanged(lane.name));
  }

  #log(runId: number, stream: LogStream, text: string): void {
    let seq = this.#logSeq.get(runId);
    if (seq === undefined) seq = this.#d.store.lastLogSeq(runId);
    this.#logSeq.set(runId, ++seq);
    this.#logs.push({ runId, lane: this.#inflight.get(runId)?.lane ?? '', seq, stream, at: this.#d.clock.now(), text });
    this.#scheduleFlush();
  }

  /** Written at once, outside the batch: a crash a moment later must still find the tree. */
  #track(exec: Execution, pid: number): void {
    if (this.#mode === 'closed') return;
    try {
      this.#d.store.setProcess(exec.row.id, pid, processStartTime(pid));
    } catch (error) {
      // The attempt goes on (its processes carry its tag, which finds them after a crash).
      this.#d.logger.error(`could not record the process of run ${exec.row.id}`, error);
    }
  }

  #onSettled(exec: Execution, outcome: Outcome): void {
    this.#inflight.delete(exec.row.id);
    this.#logSeq.delete(exec.row.id);
    this.#completions.push({ exec, outcome, finishedAt: this.#d.clock.now() });
    // The slot is free: claim again. A run waiting for this one (overlap 'queue') may now be
    // claimable, which is new work for its lane. (A lane is deleted only once it has no runs,
    // so the run's lane is still there.)
    const lane = this.#lanes.get(exec.lane);
    if (!lane) this.#scheduleFlush();
    else {
      lane.finishRun();
      if (this.#hasWaiters) this.wake(lane); else this.#markDirty(lane);
    }
    if (!this.#inflight.size) for (const resolve of this.#drainWaiters.splice(0)) resolve();
  }

  // ---- idle -------------------------------------------------------------------------------

  isIdle(): boolean {
    if (this.#mode !== 'running') return true;
    if (this.#inflight.size || this.#flushScheduled || this.#completions.length || this.#logs.length) return false;
    for (const lane of this.#lanes.values()) if (!lane.paused && lane.mayHaveWork) return false;
    return true;
  }

  /** Resolves when nothing runs and nothing is ready to run (future runs may still wait). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #checkIdle(): void {
    if (this.#idleWaiters.length && this.isIdle()) for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }
}
