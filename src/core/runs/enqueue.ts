// Turns a validated enqueue request into the row to insert. Checks what the schema cannot:
// the lane exists and the input matches the kind's own schema.
import type { EnqueueParsed } from '../api/schemas';
import type { Trigger } from '../api/types';
import type { NewRun } from '../db/run-store';
import { TasklaneError } from '../errors';
import type { KindRegistry } from '../kinds';
import { DEFAULT_BACKOFF } from './backoff';

export function assertLane(lanes: ReadonlyMap<string, unknown>, lane: string, field = 'lane'): void {
  if (!lanes.has(lane)) {
    throw new TasklaneError('LANE_NOT_FOUND', `lane '${lane}' does not exist; lanes: ${[...lanes.keys()].join(', ')}`, field);
  }
}

export interface RunSource { taskId: number | null; trigger: Trigger; scheduledFor: number | null }

export const API_SOURCE: RunSource = { taskId: null, trigger: 'api', scheduledFor: null };

export function newRunRow(
  req: EnqueueParsed,
  ctx: { kinds: KindRegistry; lanes: ReadonlyMap<string, unknown>; now: number; source: RunSource; field?: string },
): NewRun {
  const prefix = ctx.field ? `${ctx.field}.` : '';
  assertLane(ctx.lanes, req.lane, `${prefix}lane`);
  let input: unknown;
  try {
    input = ctx.kinds.parseInput(req.kind, req.input, `${prefix}input`);
  } catch (e) {
    if (e instanceof TasklaneError && e.code === 'UNKNOWN_KIND') throw new TasklaneError(e.code, e.message, `${prefix}kind`);
    throw e;
  }
  const runAt = req.runAt ?? ctx.now + (req.delayMs ?? 0);
  return {
    taskId: ctx.source.taskId,
    kind: req.kind,
    input: JSON.stringify(input ?? null),
    lane: req.lane,
    priority: req.priority,
    status: runAt > ctx.now ? 'scheduled' : 'queued',
    runAt,
    now: ctx.now,
    maxAttempts: req.maxAttempts,
    backoff: JSON.stringify(req.backoff ?? DEFAULT_BACKOFF),
    timeoutMs: req.timeoutMs ?? null,
    dedupeKey: req.dedupeKey ?? null,
    name: req.name ?? null,
    tags: JSON.stringify(req.tags),
    scheduledFor: ctx.source.scheduledFor,
    trigger: ctx.source.trigger,
    ...(req.after?.length && { after: [...new Set(req.after)] }),
  };
}
