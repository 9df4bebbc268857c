// Runs that come `after` other runs. Waiting is a claim-time condition (all parents
// succeeded); this module handles the other half: when a parent ends without success,
// every run waiting on it (and on those, and so on) becomes dead with DEPENDENCY_FAILED.
import type { RunStore } from '../db/run-store';
import type { EventInput } from '../events';
import { TasklaneError } from '../errors';
import { assertTransition } from './lifecycle';

/** Makes one waiting run dead because `parent` ended `how`; returns its event. */
export function killDependent(
  store: RunStore, child: { id: number; lane: string; status: string }, parent: number, how: string, now: number,
): EventInput {
  assertTransition(child.id, child.status, 'dead');
  const message = `run ${parent}, which this run comes after, ended ${how}`;
  store.finishWithError(child.id, 'dead', now, 'DEPENDENCY_FAILED', message);
  return { type: 'run.dead', runId: child.id, lane: child.lane, error: { code: 'DEPENDENCY_FAILED', message } };
}

export function failDependents(store: RunStore, runId: number, status: string, now: number): EventInput[] {
  const events: EventInput[] = [];
  const todo: [number, string][] = [[runId, status]];
  while (todo.length) {
    const [parent, how] = todo.pop()!;
    for (const child of store.dependents(parent)) {
      events.push(killDependent(store, child, parent, how, now));
      todo.push([child.id, 'dead']);
    }
  }
  return events;
}

/**
 * Records the parents of a new run (inside the enqueue transaction). Returns the parent that
 * already ended without success, if any: the new run is then dead at once, exactly as if it
 * had been waiting when that happened.
 */
export function linkParents(store: RunStore, runId: number, after: number[], field: string): { id: number; status: string } | null {
  let ended: { id: number; status: string } | null = null;
  after.forEach((parent, i) => {
    const row = store.statusOf(parent);
    if (!row) throw new TasklaneError('NOT_FOUND', `run ${parent} does not exist`, `${field}.${i}`);
    if (row.status === 'dead' || row.status === 'failed' || row.status === 'cancelled') ended ??= { id: parent, status: row.status };
    store.insertDep(runId, parent);
  });
  if (after.length) store.markAfter(runId);
  return ended;
}
