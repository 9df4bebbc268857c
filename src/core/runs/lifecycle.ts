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

export function canTransition(from: RunStatus, to: RunStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function assertTransition(runId: number, from: string, to: RunStatus): void {
  if (!(from in TRANSITIONS) || !canTransition(from as RunStatus, to)) {
    throw new TasklaneError('INVALID_TRANSITION', `run ${runId} is ${from}; it cannot become ${to}`);
  }
}
