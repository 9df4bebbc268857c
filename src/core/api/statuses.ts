// The run statuses and the sets of them that the engine, the CLI and the window share. Plain
// data: the window may import it (it is part of the contract), and the lifecycle table
// (runs/lifecycle.ts) and the SQL status sets are built from it.
export const RUN_STATUSES = [
  'scheduled', 'queued', 'running', 'retrying', 'held', 'succeeded', 'failed', 'dead', 'cancelled', 'abandoned',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Statuses of accepted work that has not ended (held included: it waits for the person);
 *  `dedupeKey`, overlap and cancel look at these. */
export const ACTIVE_STATUSES: readonly RunStatus[] = ['scheduled', 'queued', 'running', 'retrying', 'held'];
/** Statuses the person may retry. */
export const RETRYABLE_STATUSES: readonly RunStatus[] = ['dead', 'failed', 'cancelled'];
/** Statuses that wait in the Dead letter view. */
export const DEAD_LETTER_STATUSES: readonly RunStatus[] = ['dead', 'failed'];
export const TERMINAL_STATUSES: readonly RunStatus[] = ['succeeded', 'failed', 'dead', 'cancelled'];
/** Not started yet and not running: what a lane or a schedule still has ahead of it. */
export const WAITING_STATUSES: readonly RunStatus[] = ['scheduled', 'queued', 'retrying', 'held'];
/** Waiting for a time (runAt): the engine's one due timer promotes these to queued. */
export const DUE_STATUSES: readonly RunStatus[] = ['scheduled', 'retrying'];
/** Waiting, and not started yet in any attempt: what `after` dependents may still be. */
export const NOT_STARTED_STATUSES: readonly RunStatus[] = ['scheduled', 'queued', 'held'];
/** Waiting runs the person may hold (put aside until released): pueue's stash. */
export const HOLDABLE_STATUSES: readonly RunStatus[] = ['scheduled', 'queued', 'retrying'];
/** The runs each bulk action applies to (a bulk action skips the rest of its filter). */
export const BULK_ACTION_STATUSES: Readonly<Record<'retry' | 'cancel' | 'discard', readonly RunStatus[]>> = {
  retry: RETRYABLE_STATUSES, cancel: ACTIVE_STATUSES, discard: DEAD_LETTER_STATUSES,
};
/** Waiting runs the person may promote (run next, now). */
export const PROMOTABLE_STATUSES: readonly RunStatus[] = ['scheduled', 'queued', 'retrying', 'held'];
/** Ended without success: a run that comes after one of these dies with it. */
export const ENDED_WITHOUT_SUCCESS: readonly RunStatus[] = ['dead', 'failed', 'cancelled'];

