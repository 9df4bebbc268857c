// The runs table's statements, prepared once. This is the hot path (enqueue, claim,
// complete), so it uses raw better-sqlite3 statements: drizzle's prepared queries add a
// mapping layer per row that showed up in the enqueue and drain benches (BENCHMARKS.md).
import type Database from 'better-sqlite3';
import { INDEX_PREDICATES } from './schema';
import { RunCounts } from '../runs/counts';
import { createRollups } from '../history/rollups';
import type { Attempt, AttemptOutcome, Run, RunLink, Trigger } from '../api/types';
import {
  ACTIVE_STATUSES, DUE_STATUSES, ENDED_WITHOUT_SUCCESS, NOT_STARTED_STATUSES, sqlSet, WAITING_STATUSES, type RunStatus,
} from '../runs/lifecycle';

// The status sets of the queries below, as SQL (lifecycle.ts); the partial indexes'
// predicates (schema.ts) are written from the same constants.
const ACTIVE = sqlSet(ACTIVE_STATUSES);
const WAITING = sqlSet(WAITING_STATUSES);
const NOT_STARTED = sqlSet(NOT_STARTED_STATUSES);
const ENDED_BADLY = sqlSet(ENDED_WITHOUT_SUCCESS);

/** Columns of `runs` with camelCase names, so one row type serves every query. */
export const RUN_COLUMNS = `id, task_id AS taskId, kind, input, lane, priority, status, run_at AS runAt,
  created_at AS createdAt, updated_at AS updatedAt, started_at AS startedAt, finished_at AS finishedAt,
  attempt, max_attempts + attempt_base AS maxAttempts, backoff, timeout_ms AS timeoutMs, dedupe_key AS dedupeKey, name,
  tags, progress, progress_message AS progressMessage, result, error_code AS errorCode,
  error_message AS errorMessage, scheduled_for AS scheduledFor, trigger`;

/** The partial index runs_status leaves succeeded runs out; SQLite uses it only for a query
 *  that repeats this condition verbatim, so queries on other statuses add it. */
export const IN_STATUS_INDEX = INDEX_PREDICATES.runs_status;

export interface RunRow {
  id: number; taskId: number | null; kind: string; input: string; lane: string; priority: number;
  status: RunStatus; runAt: number; createdAt: number; updatedAt: number; startedAt: number | null;
  finishedAt: number | null; attempt: number; maxAttempts: number; backoff: string; timeoutMs: number | null;
  dedupeKey: string | null; name: string | null; tags: string; progress: number | null;
  progressMessage: string | null; result: string | null; errorCode: string | null;
  errorMessage: string | null; scheduledFor: number | null; trigger: Trigger;
}

/** What a lane needs to execute a claimed run: the few columns a drain reads per run
 *  (each selected column costs ~4% of a no-op drain, BENCHMARKS.md). The rest of the row
 *  (RunDetails) is read on the rare paths that need it. `name` is there when the claim was
 *  asked for it (someone listens to run.started). */
export interface ClaimedRow {
  id: number; taskId: number | null; kind: string; input: string; attempt: number; maxAttempts: number;
  timeoutMs: number | null; name?: string | null;
}

/** The columns of a claimed run that only failures, interruptions and events need. */
export interface RunDetails { name: string | null; priority: number; runAt: number; backoff: string; attemptBase: number }

/** Which checks and columns a claim needs (see claimSql). */
export interface ClaimShape { deps: boolean; waits: boolean; name: boolean }

export interface NewRun {
  taskId: number | null; kind: string; input: string; lane: string; priority: number; status: RunStatus;
  runAt: number; now: number; maxAttempts: number; backoff: string; timeoutMs: number | null;
  dedupeKey: string | null; name: string | null; tags: string; scheduledFor: number | null; trigger: Trigger;
  waitFor?: number | null;
  after?: number[];
}

/** What a status change needs to know of a run (statusOf). */
export interface RunStatusRow { id: number; status: RunStatus; lane: string; attempt: number; startedAt: number | null }

export interface AttemptRow {
  runId: number; n: number; startedAt: number; finishedAt: number; outcome: AttemptOutcome;
  errorCode: string | null; errorMessage: string | null; exitCode: number | null;
}

export function toRun(row: RunRow): Run {
  return {
    id: row.id, taskId: row.taskId, kind: row.kind, input: JSON.parse(row.input), lane: row.lane,
    priority: row.priority, status: row.status, runAt: row.runAt, createdAt: row.createdAt,
    updatedAt: row.updatedAt, startedAt: row.startedAt, finishedAt: row.finishedAt, attempt: row.attempt,
    maxAttempts: row.maxAttempts, backoff: JSON.parse(row.backoff), timeoutMs: row.timeoutMs,
    dedupeKey: row.dedupeKey, name: row.name, tags: JSON.parse(row.tags), progress: row.progress,
    progressMessage: row.progressMessage, result: row.result === null ? null : JSON.parse(row.result),
    error: row.errorCode === null ? null : { code: row.errorCode, message: row.errorMessage ?? '' },
    scheduledFor: row.scheduledFor, trigger: row.trigger,
  };
}

/** scheduled or retrying → queued, for the runs due: one statement per status it promotes
 *  from, so that each event can say where the run came from. Each repeats runs_due's
 *  condition, or SQLite would scan the table (architecture.test.ts reads the plan). */
export function promoteDueSql(from: RunStatus): string {
  return `UPDATE runs SET status = 'queued', updated_at = @now
    WHERE ${INDEX_PREDICATES.runs_due} AND status = '${from}' AND run_at <= @now
    RETURNING id, lane, kind, name, priority, run_at AS runAt`;
}

/** A run that has just ended, as completion hooks see it (hooks/hooks.ts). */
export interface EndedRun {
  id: number; taskId: number; status: RunStatus; finishedAt: number;
  name: string | null; kind: string; lane: string; attempt: number; startedAt: number | null;
  result: unknown; error: { code: string; message: string } | null; log: string[];
}
/** Who is told of runs of some tasks that end: asked at each end, told in the transaction
 *  just before it commits, then once it has committed (or rolled back). */
export interface EndWatch {
  wants(taskId: number, status: RunStatus): boolean;
  fire(ended: readonly EndedRun[]): void;
  committed(): void;
  rolledBack(): void;
}

/** How many of a run's last log lines a hook sees. */
const HOOK_LOG_LINES = 20;

export function createRunStore(db: Database.Database) {
  const runCounts = new RunCounts();
  const rollups = createRollups(db);
  let endWatch: EndWatch | null = null;
  /** Ends in the open transaction that endWatch wants. */
  let endedHere: { id: number; taskId: number; status: RunStatus; finishedAt: number }[] = [];
  const hookFacts = db.prepare<[number], { name: string | null; kind: string; lane: string; attempt: number; startedAt: number | null;
    result: string | null; errorCode: string | null; errorMessage: string | null }>(`SELECT name, kind, lane, attempt, started_at AS startedAt,
    result, error_code AS errorCode, error_message AS errorMessage FROM runs WHERE id = ?`);
  const lastLines = db.prepare<[number, number], string>(`SELECT text FROM run_logs WHERE run_id = ? ORDER BY seq DESC LIMIT ?`).pluck();
  // The runs that ended in the transaction are counted in the rollups before it commits, and
  // their hooks make their runs in it.
  const inTransaction = db.transaction((fn: () => unknown) => {
    const result = fn();
    if (endedHere.length) {
      const ended = endedHere;
      endedHere = [];
      endWatch!.fire(ended.map((e) => {
        const f = hookFacts.get(e.id)!;
        return { ...e, name: f.name, kind: f.kind, lane: f.lane, attempt: f.attempt, startedAt: f.startedAt,
          result: f.result === null ? null : JSON.parse(f.result) as unknown,
          error: f.errorCode === null ? null : { code: f.errorCode, message: f.errorMessage ?? '' },
          log: lastLines.all(e.id, HOOK_LOG_LINES).reverse() };
      }));
    }
    rollups.commit();
    return result;
  });
  // Hot statements bind positional parameters: measurably cheaper than named ones.
  const insert = db.prepare<unknown[]>(`INSERT INTO runs (task_id, kind, input, lane, priority, status, run_at,
      created_at, updated_at, max_attempts, backoff, timeout_ms, dedupe_key, name, tags, scheduled_for, trigger, wait_for)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const findActiveByDedupe = db.prepare<[string], { id: number; status: RunStatus }>(`SELECT id, status FROM runs
    WHERE dedupe_key = ? AND status IN ${ACTIVE} LIMIT 1`);
  // A claim is a SELECT in claim order, then a one-row UPDATE by id per run: measured ~1.6×
  // faster than one UPDATE … WHERE id IN (SELECT …) RETURNING, which SQLite runs in two
  // passes through a temporary table (BENCHMARKS.md, "Choices").
  // Two checks cost a subquery per candidate, so each joins the claim only while some run
  // needs it: `after` parents (the engine's hasDeps) and a schedule's overlap 'queue'
  // (wait_for, the engine's hasWaiters).
  const claimSql = ({ deps, waits, name }: ClaimShape) => `SELECT c.id, c.task_id AS taskId, c.kind, c.input,
      c.attempt + 1 AS attempt, c.max_attempts + c.attempt_base AS maxAttempts, c.timeout_ms AS timeoutMs${name ? ', c.name' : ''}
    FROM runs c WHERE c.status = 'queued' AND c.lane = ? AND c.${IN_STATUS_INDEX}
      ${waits ? `AND (c.wait_for IS NULL OR NOT EXISTS (SELECT 1 FROM runs w WHERE w.id = c.wait_for
        AND w.status IN ${ACTIVE}))` : ''}
      ${deps ? `AND (c.has_after = 0 OR NOT EXISTS (SELECT 1 FROM run_deps d JOIN runs p ON p.id = d.after_id
        WHERE d.run_id = c.id AND p.status != 'succeeded'))` : ''}
    ORDER BY c.priority DESC, c.run_at, c.id LIMIT ?`;
  const claimables = new Map<number, Database.Statement<[string, number], ClaimedRow>>();
  const claimable = (shape: ClaimShape) => {
    const key = (shape.deps ? 1 : 0) | (shape.waits ? 2 : 0) | (shape.name ? 4 : 0);
    let stmt = claimables.get(key);
    if (!stmt) claimables.set(key, (stmt = db.prepare<[string, number], ClaimedRow>(claimSql(shape))));
    return stmt;
  };
  const details = db.prepare<[number], RunDetails>(`SELECT name, priority, run_at AS runAt, backoff, attempt_base AS attemptBase FROM runs WHERE id = ?`);
  const anyWaiters = db.prepare<[], number>(`SELECT EXISTS (SELECT 1 FROM runs WHERE wait_for IS NOT NULL
    AND status IN ${WAITING})`).pluck();
  const markRunning = db.prepare<[number, number, number, number]>(`UPDATE runs
    SET status = 'running', attempt = ?, started_at = ?, updated_at = ?, progress = NULL, progress_message = NULL
    WHERE id = ? AND status = 'queued'`);
  const succeed = db.prepare<[number, number, string | null, number]>(`UPDATE runs
    SET status = 'succeeded', finished_at = ?, updated_at = ?, result = ?, error_code = NULL, error_message = NULL
    WHERE id = ? AND status = 'running'`);
  const finishWithError = db.prepare<{ id: number; status: RunStatus; now: number; code: string; message: string }>(
    `UPDATE runs SET status = @status, finished_at = @now, updated_at = @now, error_code = @code,
      error_message = @message WHERE id = @id`);
  const retryLater = db.prepare<{ id: number; runAt: number; now: number; code: string; message: string }>(
    `UPDATE runs SET status = 'retrying', run_at = @runAt, updated_at = @now, error_code = @code,
      error_message = @message WHERE id = @id AND status = 'running'`);
  const editWaiting = db.prepare<{ id: number; priority: number; lane: string; name: string | null; input: string; now: number }>(
    `UPDATE runs SET priority = @priority, lane = @lane, name = @name, input = @input, updated_at = @now
      WHERE id = @id AND status IN ${WAITING}`);
  const setStatus = db.prepare<{ id: number; status: RunStatus; now: number }>(
    `UPDATE runs SET status = @status, updated_at = @now WHERE id = @id`);
  const requeueInterrupted = db.prepare<{ id: number; now: number }>(`UPDATE runs
    SET status = 'queued', attempt_base = attempt_base + 1, updated_at = @now WHERE id = @id AND status = 'running'`);
  const retryByPerson = db.prepare<{ id: number; now: number }>(`UPDATE runs
    SET status = 'queued', attempt_base = attempt, run_at = @now, updated_at = @now, finished_at = NULL,
      error_code = NULL, error_message = NULL, result = NULL, progress = NULL, progress_message = NULL
    WHERE id = @id`);
  const promoteNow = db.prepare<{ id: number; now: number }>(`UPDATE runs
    SET status = 'queued', priority = 10, run_at = @now, updated_at = @now WHERE id = @id`);
  const insertAttempt = db.prepare<unknown[]>(`INSERT INTO attempts
      (run_id, n, started_at, finished_at, outcome, error_code, error_message, exit_code)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  const promoteFrom = (from: RunStatus) => db.prepare<{ now: number }, { id: number; lane: string; kind: string; name: string | null;
    priority: number; runAt: number }>(promoteDueSql(from));
  const promoteDue = new Map(DUE_STATUSES.map((from) => [from, promoteFrom(from)]));
  const nextDue = db.prepare<[], { at: number | null }>(
    `SELECT MIN(run_at) AS at FROM runs WHERE status IN ${sqlSet(DUE_STATUSES)}`);
  const get = db.prepare<[number], RunRow>(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = ?`);
  const statusOf = db.prepare<[number], RunStatusRow>(`SELECT id, status, lane, attempt, started_at AS startedAt FROM runs WHERE id = ?`);
  const running = db.prepare<[], { id: number; lane: string; attempt: number; maxAttempts: number;
    startedAt: number | null; pid: number | null; pidStartedAt: string | null }>(`SELECT id, lane, attempt, max_attempts + attempt_base AS maxAttempts, started_at AS startedAt,
    pid, pid_started_at AS pidStartedAt
    FROM runs WHERE status = 'running' AND ${IN_STATUS_INDEX}`);
  const attemptsOf = db.prepare<[number], { n: number; startedAt: number; finishedAt: number;
    outcome: AttemptOutcome; errorCode: string | null; errorMessage: string | null; exitCode: number | null }>(
    `SELECT n, started_at AS startedAt, finished_at AS finishedAt, outcome, error_code AS errorCode,
      error_message AS errorMessage, exit_code AS exitCode FROM attempts WHERE run_id = ? ORDER BY id`);
  const setProgress = db.prepare<{ id: number; progress: number; message: string | null }>(
    `UPDATE runs SET progress = @progress, progress_message = @message WHERE id = @id AND status = 'running'`);
  const setProcess = db.prepare<[number, string | null, number]>(
    `UPDATE runs SET pid = ?, pid_started_at = ? WHERE id = ? AND status = 'running'`);
  const insertLog = db.prepare<{ runId: number; seq: number; stream: string; at: number; text: string }>(
    `INSERT INTO run_logs (run_id, seq, stream, at, text) VALUES (@runId, @seq, @stream, @at, @text)`);
  const lastLogSeq = db.prepare<[number], { seq: number | null }>(
    `SELECT MAX(seq) AS seq FROM run_logs WHERE run_id = ?`);
  const insertDep = db.prepare<[number, number]>(`INSERT INTO run_deps (run_id, after_id) VALUES (?, ?)`);
  const dependents = db.prepare<[number], { id: number; lane: string; status: RunStatus }>(`SELECT r.id, r.lane, r.status
    FROM run_deps d JOIN runs r ON r.id = d.run_id WHERE d.after_id = ? AND r.status IN ${NOT_STARTED}`);
  type LinkRow = Omit<RunLink, 'input'> & { input: string | null };
  // The input only when it is short (a title is made from it): a panel lists up to 51 of them.
  const parentLinks = db.prepare<[number], LinkRow>(`SELECT p.id, p.status, p.name, p.kind, CASE WHEN length(p.input) <= 2000 THEN p.input END AS input
    FROM run_deps d JOIN runs p ON p.id = d.after_id WHERE d.run_id = ? ORDER BY p.id`);
  const childLinks = db.prepare<[number], LinkRow>(`SELECT r.id, r.status, r.name, r.kind, CASE WHEN length(r.input) <= 2000 THEN r.input END AS input
    FROM run_deps d JOIN runs r ON r.id = d.run_id WHERE d.after_id = ? ORDER BY r.id LIMIT 51`);
  // Both repeat their partial index's condition verbatim (runs_after_pending, runs_wait_for).
  const anyDeps = db.prepare<[], number>(`SELECT EXISTS (SELECT 1 FROM runs
    WHERE has_after = 1 AND status IN ${NOT_STARTED})`).pluck();
  const markAfter = db.prepare<[number]>(`UPDATE runs SET has_after = 1 WHERE id = ?`);
  const endedParent = db.prepare<[number], { id: number; status: RunStatus }>(`SELECT p.id, p.status
    FROM run_deps d JOIN runs p ON p.id = d.after_id WHERE d.run_id = ? AND p.status IN ${ENDED_BADLY}
    ORDER BY p.id LIMIT 1`);
  const deleteRun = db.prepare<[number]>(`DELETE FROM runs WHERE id = ?`);
  const lastOfTask = db.prepare<[number], { id: number; status: RunStatus; at: number }>(
    `SELECT id, status, COALESCE(finished_at, started_at, created_at) AS at FROM runs WHERE task_id = ? ORDER BY id DESC LIMIT 1`);
  const endedFacts = db.prepare<[number], { taskId: number | null; lane: string; kind: string; startedAt: number | null }>(
    `SELECT task_id AS taskId, lane, kind, started_at AS startedAt FROM runs WHERE id = ?`);
  const counts = db.prepare<[], { lane: string; status: RunStatus; n: number }>(
    `SELECT lane, status, COUNT(*) AS n FROM runs WHERE ${IN_STATUS_INDEX} GROUP BY status, lane
     UNION ALL SELECT lane, status, COUNT(*) AS n FROM runs WHERE status = 'succeeded' GROUP BY lane`);
  const activeInLane = db.prepare<[string], { n: number }>(`SELECT COUNT(*) AS n FROM runs
    WHERE lane = ? AND status IN ${ACTIVE} AND ${IN_STATUS_INDEX}`);

  return {
    insert(r: NewRun): number {
      const id = Number(insert.run(r.taskId, r.kind, r.input, r.lane, r.priority, r.status, r.runAt, r.now, r.now,
        r.maxAttempts, r.backoff, r.timeoutMs, r.dedupeKey, r.name, r.tags, r.scheduledFor, r.trigger, r.waitFor ?? null)
        .lastInsertRowid);
      runCounts.move(r.lane, null, r.status);
      return id;
    },
    /** The run has just ended (succeeded, failed, dead, cancelled): the rollups count it at
     *  the commit (history/rollups.ts). Only inside a transaction. `claimed`: what the
     *  caller knows of the run (a drain's claimed row); otherwise it is read. */
    ended: (id: number, status: RunStatus, finishedAt: number,
      claimed?: { taskId: number | null; lane: string; kind: string; startedAt: number | null }) => {
      const run = claimed ?? endedFacts.get(id)!;
      rollups.add(run.taskId, run.lane, run.kind, status, run.startedAt, finishedAt);
      if (run.taskId !== null && endWatch !== null && endWatch.wants(run.taskId, status)) endedHere.push({ id, taskId: run.taskId, status, finishedAt });
    },
    /** Stats and history, read from the rollups. */
    rollups,
    /** A task's newest run (runs_task), or null. */
    lastRunOf: (taskId: number) => lastOfTask.get(taskId) ?? null,
    /** A status written by a transition: the counts follow (runs/counts.ts). */
    moved: (lane: string, from: RunStatus | null, to: RunStatus | null) => runCounts.move(lane, from, to),
    /** Runs `fn` in one transaction (prepared once: the flush runs one per batch); a rollback
     *  makes the counts count again when next read. */
    transaction<T>(fn: () => T): T {
      let result: T;
      try {
        result = inTransaction(fn) as T;
      } catch (error) {
        runCounts.forget();
        rollups.discard();
        endedHere = [];
        endWatch?.rolledBack();
        throw error;
      }
      endWatch?.committed();
      return result;
    },
    /** Tells `watch` of ends of runs of the tasks it wants (completion hooks). */
    watchEnds(watch: EndWatch) { endWatch = watch; },
    /** Rows were deleted in bulk (prune): count again when next read. */
    forgetCounts: () => runCounts.forget(),
    /** Counts per lane and status, kept as runs move (O(1) once loaded). */
    countsNow: () => runCounts.read(() => counts.all()),
    findActiveByDedupe: (key: string) => findActiveByDedupe.get(key),
    /** Up to `limit` queued runs of the lane in claim order, not marked yet. */
    candidates: (lane: string, limit: number, shape: ClaimShape): ClaimedRow[] => claimable(shape).all(lane, limit),
    /** Marks a candidate running; false when it is no longer queued (cancelled or removed
     *  since it was read). */
    markRunning: (row: ClaimedRow, now: number): boolean => markRunning.run(row.attempt, now, now, row.id).changes === 1,
    details: (id: number) => details.get(id)!,
    succeed: (id: number, now: number, result: string | null) => { succeed.run(now, now, result, id); },
    finishWithError: (id: number, status: RunStatus, now: number, code: string, message: string) => {
      finishWithError.run({ id, status, now, code, message });
    },
    retryLater: (id: number, runAt: number, now: number, code: string, message: string) => {
      retryLater.run({ id, runAt, now, code, message });
    },
    setStatus: (id: number, status: RunStatus, now: number) => { setStatus.run({ id, status, now }); },
    /** A waiting run's priority, lane, name and input, changed before it starts (editRun). */
    editWaiting: (id: number, v: { priority: number; lane: string; name: string | null; input: string }, now: number) => {
      editWaiting.run({ id, ...v, now });
    },
    requeueInterrupted: (id: number, now: number) => { requeueInterrupted.run({ id, now }); },
    retryByPerson: (id: number, now: number) => { retryByPerson.run({ id, now }); },
    /** Queued at the front of its lane: priority 10, due now (transitions.promote). */
    promoteNow: (id: number, now: number) => { promoteNow.run({ id, now }); },
    insertAttempt: (a: AttemptRow) => {
      insertAttempt.run(a.runId, a.n, a.startedAt, a.finishedAt, a.outcome, a.errorCode, a.errorMessage, a.exitCode);
    },
    /** scheduled or retrying (`from`) → queued for every run due at `now` (transitions.promoteDue). */
    promoteDue: (from: RunStatus, now: number) => promoteDue.get(from)!.all({ now }),
    nextDue: () => nextDue.get()?.at ?? null,
    get: (id: number) => get.get(id),
    statusOf: (id: number) => statusOf.get(id),
    running: () => running.all(),
    attemptsOf(id: number): Attempt[] {
      return attemptsOf.all(id).map((a) => ({
        n: a.n, startedAt: a.startedAt, finishedAt: a.finishedAt, outcome: a.outcome, exitCode: a.exitCode,
        error: a.errorCode === null ? null : { code: a.errorCode, message: a.errorMessage ?? '' },
      }));
    },
    setProgress: (id: number, progress: number, message: string | null) => { setProgress.run({ id, progress, message }); },
    /** The running attempt's process group (written at once: a crash right after must find it). */
    setProcess: (id: number, pid: number, startedAt: string | null) => { setProcess.run(pid, startedAt, id); },
    insertLog: (row: { runId: number; seq: number; stream: string; at: number; text: string }) => { insertLog.run(row); },
    lastLogSeq: (id: number) => lastLogSeq.get(id)?.seq ?? 0,
    delete: (id: number) => { deleteRun.run(id); },
    insertDep: (runId: number, afterId: number) => { insertDep.run(runId, afterId); },
    /** Waiting runs that come after `id`. */
    dependents: (id: number) => dependents.all(id),
    /** The runs `id` comes after, and (the first 50) that come after it, whatever their status. */
    links(id: number): { after: RunLink[]; dependents: RunLink[]; moreDependents: boolean } {
      const link = (r: LinkRow): RunLink => ({ ...r, input: r.input === null ? null : JSON.parse(r.input) as unknown });
      const children = childLinks.all(id);
      return { after: parentLinks.all(id).map(link), dependents: children.slice(0, 50).map(link), moreDependents: children.length > 50 };
    },
    /** Some run not started yet comes `after` others. */
    anyDeps: () => anyDeps.get() === 1,
    /** Marks a run as coming `after` others (with its run_deps rows). */
    markAfter: (id: number) => { markAfter.run(id); },
    /** A parent of this run that ended without success, if any. */
    endedParent: (id: number) => endedParent.get(id),
    /** Some run not started yet waits for another to end (a schedule's overlap 'queue'). */
    anyWaiters: () => anyWaiters.get() === 1,
    counts: () => counts.all(),
    activeInLane: (lane: string) => activeInLane.get(lane)?.n ?? 0,
  };
}

export type RunStore = ReturnType<typeof createRunStore>;
