// One builder per run event: every place that tells the world about a run builds the event
// here, so its shape (and the `from` / `status` of a move, types.ts) is written once. A
// builder returns a fresh object: the event bus stamps `seq` and `at` on it in place.
import type { EventInput } from '../events';
import type { RunError, RunStatus } from '../api/types';

type Queued = Extract<EventInput, { type: 'run.queued' }>;

export const runEvents = {
  /** A new run (`from` null), or one that waits again (promoted, retried, interrupted, recovered). */
  queued(runId: number, r: { lane: string; kind: string; name: string | null; priority: number; runAt: number },
    from: RunStatus | null, status: Queued['status']): EventInput {
    return { type: 'run.queued', runId, lane: r.lane, from, status, kind: r.kind, name: r.name, priority: r.priority, runAt: r.runAt };
  },
  started(runId: number, lane: string, attempt: number, kind: string, name: string | null): EventInput {
    return { type: 'run.started', runId, lane, from: 'queued', status: 'running', attempt, kind, name };
  },
  progress(runId: number, lane: string, progress: number, message: string | null): EventInput {
    return { type: 'run.progress', runId, lane, progress, message };
  },
  log(runId: number, lane: string, logSeq: number, stream: 'stdout' | 'stderr' | 'info', text: string): EventInput {
    return { type: 'run.log', runId, lane, logSeq, stream, text };
  },
  succeeded(runId: number, lane: string, attempt: number, durationMs: number, result: unknown): EventInput {
    return { type: 'run.succeeded', runId, lane, from: 'running', status: 'succeeded', attempt, durationMs, result };
  },
  failed(runId: number, lane: string, attempt: number, error: RunError, status: 'retrying' | 'dead' | 'failed'): EventInput {
    return { type: 'run.failed', runId, lane, from: 'running', status, attempt, error };
  },
  retrying(runId: number, lane: string, attempt: number, runAt: number): EventInput {
    return { type: 'run.retrying', runId, lane, attempt, runAt };
  },
  /** `from`: the status it died from, when this event is the move (a dependent, a recovered
   *  run; null: a new run that died at once); absent after the run.failed that moved it. */
  dead(runId: number, lane: string, error: RunError, from?: RunStatus | null): EventInput {
    return from === undefined
      ? { type: 'run.dead', runId, lane, status: 'dead', error }
      : { type: 'run.dead', runId, lane, status: 'dead', error, from };
  },
  cancelled(runId: number, lane: string, from: RunStatus): EventInput {
    return { type: 'run.cancelled', runId, lane, from, status: 'cancelled' };
  },
  abandoned(runId: number, lane: string, attempt: number): EventInput {
    return { type: 'run.abandoned', runId, lane, from: 'running', status: 'abandoned', attempt };
  },
  edited(runId: number, lane: string, fromLane: string, status: RunStatus, priority: number): EventInput {
    return { type: 'run.edited', runId, lane, fromLane, status, priority };
  },
  held(runId: number, lane: string, from: RunStatus): EventInput {
    return { type: 'run.held', runId, lane, from, status: 'held' };
  },
  discarded(runId: number, lane: string, from: RunStatus): EventInput {
    return { type: 'run.discarded', runId, lane, from, status: null };
  },
  pruned(deleted: number): EventInput {
    return { type: 'runs.pruned', deleted };
  },
  laneChanged(lane: string, deleted = false): EventInput {
    return { type: 'lane.changed', lane, deleted };
  },
};
