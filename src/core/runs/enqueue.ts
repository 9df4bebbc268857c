// Putting runs in the queue: a validated request becomes the row to insert (checking what
// the schema cannot: the lane exists, the input fits its kind), rows are inserted (dedupe
// and `after` links included) and the loop is told. The enqueue commands' handlers, and
// what tasks and schedules use.
import type Database from 'better-sqlite3';
import type { Handlers } from '../commands';
import type { CallContext } from '../api/contract';
import { enqueueInput, type EnqueueParsed } from '../api/schemas';
import type { EnqueueResult, Trigger } from '../api/types';
import type { NewRun, RunStore } from '../db/run-store';
import { TasklaneError, fromZodError } from '../errors';
import type { EventBus, EventInput } from '../events';
import type { KindRegistry } from '../kinds';
import type { Clock } from '../ports';
import type { WriteLoop } from '../loop';
import { DEFAULT_BACKOFF } from './backoff';
import { runEvents as ev } from './run-events';
import { linkParents } from './transitions';

/** The loop's verbs that lane checks need. */
export type LaneLookup = Pick<WriteLoop, 'hasLane' | 'laneNames'>;

export function assertLane(lanes: LaneLookup, lane: string, field = 'lane'): void {
  if (!lanes.hasLane(lane)) {
    throw new TasklaneError('LANE_NOT_FOUND', `lane '${lane}' does not exist; lanes: ${lanes.laneNames().join(', ')}`, field);
  }
}

export interface RunSource { taskId: number | null; trigger: Trigger; scheduledFor: number | null }

/** A run asked for directly (not through a task): its trigger is who asked. */
const sourceOf = (call: CallContext): RunSource => ({ taskId: null, trigger: call.origin, scheduledFor: null });

export interface EnqueueDeps {
  sqlite: Database.Database;
  store: RunStore;
  kinds: KindRegistry;
  clock: Clock;
  events: Pick<EventBus, 'wants' | 'emitAll'>;
  loop: LaneLookup & Pick<WriteLoop, 'wake' | 'armDue' | 'notePending'>;
}

export function createEnqueuer(d: EnqueueDeps) {
  const { store, kinds, loop } = d;

  /** A parsed request → the row to insert. */
  function rowOf(req: EnqueueParsed, source: RunSource, field?: string): NewRun {
    const prefix = field ? `${field}.` : '';
    const now = d.clock.now();
    assertLane(loop, req.lane, `${prefix}lane`);
    let input: unknown;
    try {
      input = kinds.parseInput(req.kind, req.input, `${prefix}input`);
    } catch (e) {
      if (e instanceof TasklaneError && e.code === 'UNKNOWN_KIND') throw new TasklaneError(e.code, e.message, `${prefix}kind`);
      throw e;
    }
    const runAt = req.runAt ?? now + (req.delayMs ?? 0);
    return {
      taskId: source.taskId,
      kind: req.kind,
      input: JSON.stringify(input ?? null),
      lane: req.lane,
      priority: req.priority,
      status: runAt > now ? 'scheduled' : 'queued',
      runAt,
      now,
      maxAttempts: req.maxAttempts,
      backoff: JSON.stringify(req.backoff ?? DEFAULT_BACKOFF),
      timeoutMs: req.timeoutMs ?? null,
      dedupeKey: req.dedupeKey ?? null,
      name: req.name ?? null,
      tags: JSON.stringify(req.tags),
      scheduledFor: source.scheduledFor,
      trigger: source.trigger,
      ...(req.after?.length && { after: [...new Set(req.after)] }),
    };
  }

  /** An unchecked request (an item of enqueueMany, a task's definition) → the row to insert. */
  function buildRow(input: unknown, source: RunSource, field?: string): NewRun {
    const parsed = enqueueInput.safeParse(input ?? {});
    if (!parsed.success) throw fromZodError(parsed.error, field);
    return rowOf(parsed.data, source, field);
  }

  /** Inserts rows (dedupe included) inside the caller's transaction; returns results and the
   *  events to emit after the commit. */
  function insertRows(rows: NewRun[]): { results: EnqueueResult[]; events: EventInput[] } {
    const results: EnqueueResult[] = [];
    const out: EventInput[] = [];
    const wantsQueued = d.events.wants('run.queued');
    for (const row of rows) {
      if (row.dedupeKey !== null) {
        const existing = store.findActiveByDedupe(row.dedupeKey);
        if (existing) { results.push({ id: existing.id, status: existing.status, deduplicated: true }); continue; }
      }
      const id = store.insert(row);
      if (row.waitFor != null) loop.notePending({ waits: true });
      if (row.after) {
        loop.notePending({ deps: true });
        const died = linkParents(store, { id, lane: row.lane, status: row.status }, row.after,
          rows.length > 1 ? `runs.${results.length}.after` : 'after', row.now);
        if (died) {
          out.push(died);
          results.push({ id, status: 'dead', deduplicated: false });
          continue;
        }
      }
      results.push({ id, status: row.status, deduplicated: false });
      if (wantsQueued) out.push(ev.queued(id, row, null, row.status as 'queued' | 'scheduled'));
    }
    return { results, events: out };
  }

  /** After the commit: the events go out, queued runs wake their lanes, later ones arm the timer. */
  function afterInsert(rows: NewRun[], events: EventInput[]): void {
    d.events.emitAll(events);
    for (const row of rows) {
      if (row.status === 'queued') loop.wake(row.lane);
      else loop.armDue(row.runAt);
    }
  }

  const insertInTransaction = (rows: NewRun[]) => store.transaction(() => insertRows(rows));

  /** Enqueues rows in one transaction (a lone INSERT is one already). */
  function enqueueRows(rows: NewRun[]): EnqueueResult[] {
    const single = rows.length === 1 && rows[0].dedupeKey === null && !rows[0].after;
    const { results, events } = single ? insertRows(rows) : insertInTransaction(rows);
    afterInsert(rows, events);
    return results;
  }

  return { rowOf, buildRow, insertRows, afterInsert, enqueueRows };
}

/** The handlers of the two enqueue commands (their input already checked by the registry). */
export function enqueueCommands(enqueuer: Enqueuer): Pick<Handlers, 'enqueue' | 'enqueueMany'> {
  return {
    enqueue: (req, call) => enqueuer.enqueueRows([enqueuer.rowOf(req, sourceOf(call))])[0],
    enqueueMany: ({ runs }, call) => {
      const source = sourceOf(call);
      return enqueuer.enqueueRows(runs.map((r, i) => enqueuer.buildRow(r, source, `runs.${i}`)));
    },
  };
}

export type Enqueuer = ReturnType<typeof createEnqueuer>;
