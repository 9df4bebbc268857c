// The run lifecycle, as data. Every status change in the engine is a function of
// transitions.ts that checks its move against this table (`assertTransition` per run, or
// `assertMoves` once for a write guarded by SQL); a move not in the table is a bug and throws.
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
//   scheduled | queued | retrying ─> held     (held by the person: it waits until released)
//   held ─> queued | scheduled                (released: queued, or scheduled if its time is ahead)
//   scheduled | retrying | held ─> queued     (promoted by the person: runs next)
import { TasklaneError } from '../errors';

import type { RunStatus } from '../api/statuses';

export * from '../api/statuses';

export const TRANSITIONS: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  scheduled: ['queued', 'cancelled', 'dead', 'held'],
  queued: ['running', 'cancelled', 'dead', 'held'],
  running: ['succeeded', 'retrying', 'dead', 'failed', 'cancelled', 'queued', 'abandoned'],
  retrying: ['queued', 'cancelled', 'held'],
  held: ['queued', 'scheduled', 'cancelled', 'dead'],
  abandoned: ['queued', 'dead'],
  dead: ['queued'],
  failed: ['queued'],
  cancelled: ['queued'],
  succeeded: [],
};

/**
 * A status set as SQL: `('scheduled', 'queued')`. Every status list in a query or a partial
 * index is written with this, from the constants above, so the SQL cannot drift from the
 * table (architecture.test.ts compares the indexes' predicates with it).
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
