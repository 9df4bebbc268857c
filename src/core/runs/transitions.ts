// Every change of a run's status, one named function each. Nothing else in the engine
// writes `runs.status`: a new status is chosen here, checked against the lifecycle table
// (lifecycle.ts), written through the run store, and announced with its event
// (run-events.ts). Each function runs inside the caller's transaction and returns the
// events to emit after the commit.
//
//   claim            queued → running                     (the write loop, per claimed run)
//   settleAttempt    running → succeeded                  (the handler returned)
//                    running → retrying                   (failed, attempts left; backoff)
//                    running → dead                       (failed, none left)
//                    running → failed                     (failed, not retryable)
//                    running → queued                     (interrupted by a stop; not counted)
//   promoteDue       scheduled | retrying → queued        (runAt reached; the due timer)
//   cancel           scheduled | queued | retrying | running → cancelled   (by the person)
//   retry            dead | failed | cancelled → queued   (by the person; a fresh try)
//   discard          dead | failed → (deleted)            (by the person)
//   hold             scheduled | queued | retrying → held (by the person: waits until released)
//   release          held → queued | scheduled            (by the person: by its time)
//   promote          scheduled | queued | retrying | held → queued, priority 10, due now
//   abandon          running → abandoned → queued | dead  (found running at start-up)
//   killDependents   scheduled | queued → dead            (a run it comes after ended badly)
//
// Writes guarded by SQL (claim, promoteDue: `… WHERE status IN …`) check their moves
// against the table once, when this module loads (assertMoves); the others per run.
import type { RunStore, ClaimedRow, RunStatusRow } from '../db/run-store';
import type { EventInput } from '../events';
import { backoffDelay, type Backoff } from './backoff';
import { assertMoves, assertTransition, DUE_STATUSES, ENDED_WITHOUT_SUCCESS, type RunStatus } from './lifecycle';
import type { Execution, Outcome } from './execute';
import { runEvents as ev } from './run-events';
import { TasklaneError } from '../errors';

assertMoves(['queued'], 'running');
assertMoves(DUE_STATUSES, 'queued');

// ---- claim ------------------------------------------------------------------------------

/** queued → running. False when the run is no longer queued (cancelled or removed since the
 *  claim read it). The hot path of a drain: no event here (the loop announces starts). */
export function claim(store: RunStore, row: ClaimedRow, lane: string, now: number): boolean {
  if (!store.markRunning(row, now)) return false;
  store.moved(lane, 'queued', 'running');
  return true;
}

// ---- the end of an attempt --------------------------------------------------------------

export interface Completion { exec: Execution; outcome: Outcome; finishedAt: number }
export interface Settled { events: EventInput[]; retryAt: number | null }

function resultJson(value: unknown): string | null {
  if (value === undefined) return null;
  try {
    return JSON.stringify(value) ?? null;
  } catch {
    return JSON.stringify(String(value));
  }
}

const NOTHING: Settled = Object.freeze({ events: Object.freeze([]) as unknown as EventInput[], retryAt: null });

/**
 * Writes the end of an attempt: its attempt row and the run's next status. `announce`: build
 * the run.succeeded event (someone listens, or dependents wait). A success is the hot path
 * of a drain, so it allocates nothing it does not need.
 */
export function settleAttempt(store: RunStore, c: Completion, random: () => number, announce = true): Settled {
  const { row, lane, startedAt } = c.exec;
  const now = c.finishedAt;
  const outcome = c.outcome;
  if (outcome.type === 'succeeded') {
    assertTransition(row.id, 'running', 'succeeded');
    // No attempts row: the run row holds its successful last attempt (getRun shows it).
    store.succeed(row.id, now, resultJson(outcome.result));
    store.moved(lane, 'running', 'succeeded');
    store.ended(row.id, 'succeeded', now, { taskId: row.taskId, lane, kind: row.kind, startedAt });
    if (!announce) return NOTHING;
    return { events: [ev.succeeded(row.id, lane, row.attempt, now - startedAt, outcome.result ?? null)], retryAt: null };
  }
  const attempt = { runId: row.id, n: row.attempt, startedAt, finishedAt: now };
  switch (outcome.type) {
    case 'interrupted': {
      // A graceful stop does not count against the run's attempts.
      assertTransition(row.id, 'running', 'queued');
      store.requeueInterrupted(row.id, now);
      store.moved(lane, 'running', 'queued');
      const { name, priority, runAt } = store.details(row.id);
      store.insertAttempt({ ...attempt, outcome: 'interrupted', errorCode: 'INTERRUPTED',
        errorMessage: 'Tasklane stopped during this attempt; the run was queued again', exitCode: null });
      return { events: [ev.queued(row.id, { lane, kind: row.kind, name, priority, runAt }, 'running', 'queued')], retryAt: null };
    }
    case 'cancelled':
      // cancel() wrote the move already; nothing is left to record.
      return NOTHING;
    case 'failed': {
      store.insertAttempt({ ...attempt, outcome: outcome.attemptOutcome, errorCode: outcome.code,
        errorMessage: outcome.message, exitCode: outcome.exitCode });
      const error = { code: outcome.code, message: outcome.message };
      if (!outcome.retryable) {
        assertTransition(row.id, 'running', 'failed');
        store.finishWithError(row.id, 'failed', now, outcome.code, outcome.message);
        store.moved(lane, 'running', 'failed');
        store.ended(row.id, 'failed', now, { taskId: row.taskId, lane, kind: row.kind, startedAt });
        return { events: [ev.failed(row.id, lane, row.attempt, error, 'failed')], retryAt: null };
      }
      if (row.attempt < row.maxAttempts) {
        assertTransition(row.id, 'running', 'retrying');
        // Backoff grows within this try: a manual retry starts it from the beginning again.
        const { backoff, attemptBase } = store.details(row.id);
        const runAt = now + backoffDelay(JSON.parse(backoff) as Backoff, row.attempt - attemptBase, random);
        store.retryLater(row.id, runAt, now, outcome.code, outcome.message);
        store.moved(lane, 'running', 'retrying');
        return { events: [ev.failed(row.id, lane, row.attempt, error, 'retrying'), ev.retrying(row.id, lane, row.attempt, runAt)], retryAt: runAt };
      }
      assertTransition(row.id, 'running', 'dead');
      store.finishWithError(row.id, 'dead', now, outcome.code, outcome.message);
      store.moved(lane, 'running', 'dead');
      store.ended(row.id, 'dead', now, { taskId: row.taskId, lane, kind: row.kind, startedAt });
      return { events: [ev.failed(row.id, lane, row.attempt, error, 'dead'), ev.dead(row.id, lane, error)], retryAt: null };
    }
  }
}

// ---- the due timer ----------------------------------------------------------------------

/** scheduled | retrying → queued for every run whose time came; returns their events and
 *  lanes (to wake). */
export function promoteDue(store: RunStore, now: number): { events: EventInput[]; lanes: Set<string> } {
  const events: EventInput[] = [];
  const lanes = new Set<string>();
  for (const from of DUE_STATUSES) {
    for (const run of store.promoteDue(from, now)) {
      store.moved(run.lane, from, 'queued');
      events.push(ev.queued(run.id, run, from, 'queued'));
      lanes.add(run.lane);
    }
  }
  return { events, lanes };
}

// ---- the person's moves -----------------------------------------------------------------

/** Any waiting or running run → cancelled. A running one gets its attempt row here; its
 *  handler is aborted by the caller after the commit. */
export function cancel(store: RunStore, row: RunStatusRow, now: number, message: string): EventInput[] {
  assertTransition(row.id, row.status, 'cancelled');
  if (row.status === 'running') {
    store.insertAttempt({ runId: row.id, n: row.attempt, startedAt: row.startedAt ?? now, finishedAt: now,
      outcome: 'cancelled', errorCode: 'CANCELLED', errorMessage: message, exitCode: null });
  }
  store.finishWithError(row.id, 'cancelled', now, 'CANCELLED', message);
  store.moved(row.lane, row.status, 'cancelled');
  store.ended(row.id, 'cancelled', now);
  return [ev.cancelled(row.id, row.lane, row.status)];
}

/** dead | failed | cancelled → queued, with a fresh budget of attempts and backoff. */
export function retry(store: RunStore, row: RunStatusRow, now: number): EventInput {
  assertTransition(row.id, row.status, 'queued');
  store.retryByPerson(row.id, now);
  store.moved(row.lane, row.status, 'queued');
  const run = store.get(row.id)!;
  return ev.queued(row.id, { lane: row.lane, kind: run.kind, name: run.name, priority: run.priority, runAt: now }, row.status, 'queued');
}

/** dead | failed → deleted (with its attempts, logs and links). */
export function discard(store: RunStore, row: RunStatusRow): EventInput {
  store.delete(row.id);
  store.moved(row.lane, row.status, null);
  return ev.discarded(row.id, row.lane, row.status);
}

/** A waiting run → held: it is not claimed or promoted until released. */
export function hold(store: RunStore, row: RunStatusRow, now: number): EventInput {
  assertTransition(row.id, row.status, 'held');
  store.setStatus(row.id, 'held', now);
  store.moved(row.lane, row.status, 'held');
  return ev.held(row.id, row.lane, row.status);
}

/** held → queued, or scheduled when its time is still ahead (it keeps its runAt). */
export function release(store: RunStore, row: RunStatusRow, now: number): EventInput {
  const run = store.get(row.id)!;
  const to = run.runAt > now ? 'scheduled' : 'queued';
  assertTransition(row.id, row.status, to);
  store.setStatus(row.id, to, now);
  store.moved(row.lane, 'held', to);
  return ev.queued(row.id, run, 'held', to);
}

/** A waiting run → queued at the front of its lane (priority 10, due now). A queued run
 *  stays queued (its event says so, with its new priority). */
export function promote(store: RunStore, row: RunStatusRow, now: number): EventInput {
  if (row.status !== 'queued') assertTransition(row.id, row.status, 'queued');
  store.promoteNow(row.id, now);
  store.moved(row.lane, row.status, 'queued');
  const run = store.get(row.id)!;
  return ev.queued(row.id, run, row.status, 'queued');
}

// ---- recovery ---------------------------------------------------------------------------

/**
 * running → abandoned → queued (attempts left) or dead: the run was marked running by a
 * host that died. `note`: what was done to a process tree it left running.
 */
export function abandon(store: RunStore, run: { id: number; lane: string; attempt: number; maxAttempts: number; startedAt: number | null },
  now: number, note: string | undefined): EventInput[] {
  assertTransition(run.id, 'running', 'abandoned');
  store.setStatus(run.id, 'abandoned', now);
  store.moved(run.lane, 'running', 'abandoned');
  const message = `Tasklane was not running when this attempt should have ended (crash, kill or power loss)${note ? `; ${note}` : ''}`;
  store.insertAttempt({ runId: run.id, n: run.attempt, startedAt: run.startedAt ?? now, finishedAt: now,
    outcome: 'abandoned', errorCode: 'ABANDONED', errorMessage: message, exitCode: null });
  const events = [ev.abandoned(run.id, run.lane, run.attempt)];
  if (run.attempt < run.maxAttempts) {
    assertTransition(run.id, 'abandoned', 'queued');
    store.setStatus(run.id, 'queued', now);
    store.moved(run.lane, 'abandoned', 'queued');
    events.push(ev.queued(run.id, store.get(run.id)!, 'abandoned', 'queued'));
  } else {
    assertTransition(run.id, 'abandoned', 'dead');
    store.finishWithError(run.id, 'dead', now, 'ABANDONED', message);
    store.moved(run.lane, 'abandoned', 'dead');
    store.ended(run.id, 'dead', now);
    events.push(ev.dead(run.id, run.lane, { code: 'ABANDONED', message }, 'abandoned'));
  }
  return events;
}

// ---- runs that come after others --------------------------------------------------------

/** One waiting run → dead because `parent` ended `how` (`isNew`: it was inserted just now). */
function killDependent(store: RunStore, child: { id: number; lane: string; status: RunStatus }, parent: number,
  how: string, now: number, isNew = false): EventInput {
  assertTransition(child.id, child.status, 'dead');
  const message = `run ${parent}, which this run comes after, ended ${how}`;
  store.finishWithError(child.id, 'dead', now, 'DEPENDENCY_FAILED', message);
  store.moved(child.lane, child.status, 'dead');
  store.ended(child.id, 'dead', now);
  return ev.dead(child.id, child.lane, { code: 'DEPENDENCY_FAILED', message }, isNew ? null : child.status);
}

/** Every run waiting on `runId` (and on those, and so on) → dead. */
export function killDependents(store: RunStore, runId: number, how: string, now: number): EventInput[] {
  const events: EventInput[] = [];
  const todo: [number, string][] = [[runId, how]];
  while (todo.length) {
    const [parent, why] = todo.pop()!;
    for (const child of store.dependents(parent)) {
      events.push(killDependent(store, child, parent, why, now));
      todo.push([child.id, 'dead']);
    }
  }
  return events;
}

/**
 * Records the parents of a new run (inside the enqueue transaction). A parent that already
 * ended without success makes the new run dead at once, exactly as if it had been waiting
 * when that happened; returns that event.
 */
export function linkParents(store: RunStore, child: { id: number; lane: string; status: RunStatus }, after: number[],
  field: string, now: number): EventInput | null {
  let ended: { id: number; status: string } | null = null;
  for (let i = 0; i < after.length; i++) {
    const row = store.statusOf(after[i]);
    if (!row) throw new TasklaneError('NOT_FOUND', `run ${after[i]} does not exist`, `${field}.${i}`);
    if (ENDED_WITHOUT_SUCCESS.includes(row.status)) ended ??= { id: after[i], status: row.status };
    store.insertDep(child.id, after[i]);
  }
  if (after.length) store.markAfter(child.id);
  return ended ? killDependent(store, child, ended.id, ended.status, now, true) : null;
}
