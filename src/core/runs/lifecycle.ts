// The run lifecycle, as data. Every status change in the engine goes through
// `assertTransition`; a move that is not in this table is a bug and throws.
//
//   scheduled ─(runAt reached)─> queued ─(claimed by its lane)─> running
//   running ─> succeeded                      (the handler returned)
//   running ─> retrying ─(backoff over)─> queued   (failed attempt, attempts left)
//   running ─> dead                           (failed attempt, none left)
//   running ─> failed                         (failed attempt that must not be retried)
//   running ─> cancelled                      (by the person; the handler is aborted)
//   running ─> queued                         (graceful stop interrupted it; not counted)
//   running ─> abandoned ─> queued | dead     (found running at start-up: its process died)
//   scheduled | queued | retrying ─> cancelled
//   scheduled | queued ─> dead                 (a run it comes `after` ended without success)
//   dead | failed | cancelled ─> queued       (retry by the person, fresh attempts)
import { TasklaneError } from '../errors';

export const RUN_STATUSES = [
  'scheduled', 'queued', 'running', 'retrying', 'succeeded', 'failed', 'dead', 'cancelled', 'abandoned',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const TRANSITIONS: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  scheduled: ['queued', 'cancelled', 'dead'],
  queued: ['running', 'cancelled', 'dead'],
  running: ['succeeded', 'retrying', 'dead', 'failed', 'cancelled', 'queued', 'abandoned'],
  retrying: ['queued', 'cancelled'],
  abandoned: ['queued', 'dead'],
  dead: ['queued'],
  failed: ['queued'],
  cancelled: ['queued'],
  succeeded: [],
};

/** Statuses a run can still leave by itself; `dedupeKey` and overlap look at these. */
export const ACTIVE_STATUSES: readonly RunStatus[] = ['scheduled', 'queued', 'running', 'retrying'];
/** Statuses the person may retry. */
export const RETRYABLE_STATUSES: readonly RunStatus[] = ['dead', 'failed', 'cancelled'];
/** Statuses that wait in the Dead letter view. */
export const DEAD_LETTER_STATUSES: readonly RunStatus[] = ['dead', 'failed'];
export const TERMINAL_STATUSES: readonly RunStatus[] = ['succeeded', 'failed', 'dead', 'cancelled'];
/** Not started yet and not running: what a lane or a schedule still has ahead of it. */
export const WAITING_STATUSES: readonly RunStatus[] = ['scheduled', 'queued', 'retrying'];
/** Waiting for a time (runAt): the engine's one due timer promotes these to queued. */
export const DUE_STATUSES: readonly RunStatus[] = ['scheduled', 'retrying'];
/** Waiting, and not started yet in any attempt: what `after` dependents may still be. */
export const NOT_STARTED_STATUSES: readonly RunStatus[] = ['scheduled', 'queued'];
/** Ended without success: a run that comes after one of these dies with it. */
export const ENDED_WITHOUT_SUCCESS: readonly RunStatus[] = ['dead', 'failed', 'cancelled'];

/**
 * A status set as SQL: `('scheduled', 'queued')`. Every status list in a query or a partial
 * index is written with this, from the constants above, so the SQL cannot drift from the
 * table (migrations.test.ts compares the indexes' predicates with it).
 */
export function sqlSet(statuses: readonly RunStatus[]): string {
  return `(${statuses.map((s) => `'${s}'`).join(', ')})`;
}

export function canTransition(from: RunStatus, to: RunStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/**
 * For a status write guarded by SQL (`UPDATE … WHERE status IN …`): checks once, when the
 * module loads, that every `from` may become `to`, so the table still decides the move.
 */
export function assertMoves(from: readonly RunStatus[], to: RunStatus): readonly RunStatus[] {
  for (const f of from) if (!canTransition(f, to)) throw new Error(`lifecycle: ${f} cannot become ${to}`);
  return from;
}

export function assertTransition(runId: number, from: string, to: RunStatus): void {
  if (!(from in TRANSITIONS) || !canTransition(from as RunStatus, to)) {
    throw new TasklaneError('INVALID_TRANSITION', `run ${runId} is ${from}; it cannot become ${to}`);
  }
}
