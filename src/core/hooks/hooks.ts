// Completion hooks: what a task does when one of its runs ends. A hook says when (the run
// succeeded, failed — failed or dead —, went dead, or ended in any way, cancelled included)
// and what: run another task, its input filled in from the run that ended
// ({{run.id}}, {{run.status}}, {{run.task}}, {{run.result}}, {{run.error}}, {{run.log}}), or
// POST a JSON summary to a webhook, signed with HMAC-SHA256 under the hook's secret.
//
// Both are runs of their own, inserted in the transaction that ends the run (the run store
// calls `fire` just before it commits): a crash cannot lose a hook or fire it twice, and a
// webhook is retried with backoff like any http run, and shows in the window. A hook that
// cannot be made (its task deleted since, an input its kind refuses) is logged and skipped:
// the end of the run it follows is written all the same.
//
// Loops are refused when a task is saved (checkHooks): a task's hooks may not lead back to it.
import { createHmac } from 'node:crypto';
import type { HookEvent, RunStatus, TaskHook } from '../api/types';
import type { EndedRun, EndWatch, NewRun } from '../db/run-store';
import type { EventInput } from '../events';
import { TasklaneError } from '../errors';
import { fillInput, FillError } from '../util/fill-in';
import type { Logger } from '../ports';
import type { Enqueuer } from '../runs/enqueue';
import type { TaskRow } from '../tasks/task-store';

/** The header that carries the signature: "sha256=" and the hex HMAC of the body. */
export const SIGNATURE_HEADER = 'X-Tasklane-Signature';
/** A webhook's run: tried this many times, doubling from 5 s. */
const WEBHOOK_ATTEMPTS = 5;

/** Whether a run that ended with `status` fires a hook set on `on`. */
export function hookFires(on: HookEvent, status: RunStatus): boolean {
  switch (on) {
    case 'succeeded': return status === 'succeeded';
    case 'failed': return status === 'failed' || status === 'dead';
    case 'dead': return status === 'dead';
    case 'ended': return status === 'succeeded' || status === 'failed' || status === 'dead' || status === 'cancelled';
  }
}

/** The signature a webhook's receiver checks: HMAC-SHA256 of the exact body, in hex. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}


/** The values a hook's task may use: {{run.id}}, {{run.status}}, {{run.task}}, {{run.result}},
 *  {{run.error}}, {{run.log}} (others, {{secret.NAME}} too, are left as they are). */
function runValues(run: EndedRun, taskName: string): (name: string) => string | undefined {
  const text = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));
  const vars: Record<string, string> = {
    id: String(run.id), status: run.status, task: taskName, result: text(run.result),
    error: run.error ? `${run.error.code}: ${run.error.message}` : '', log: run.log.join('\n'),
  };
  return (name) => (name.startsWith('run.') && Object.hasOwn(vars, name.slice(4)) ? vars[name.slice(4)] : undefined);
}

/** The hook's task's input, filled in from the run (util/fill-in.ts: in a command line run
 *  through the shell, each value is a variable, never shell code). */
function inputFor(target: TaskRow, run: EndedRun, taskName: string): unknown {
  try {
    return fillInput(target.kind, JSON.parse(target.input), runValues(run, taskName));
  } catch (e) {
    if (e instanceof FillError) throw new TasklaneError('INVALID_INPUT', e.message);
    throw e;
  }
}

/** The hooks of a task as saved (a JSON column). */
export const hooksOf = (row: Pick<TaskRow, 'hooks'>): TaskHook[] => JSON.parse(row.hooks) as TaskHook[];

/**
 * Refuses hooks that name a task that does not exist, or that lead back to the task they
 * belong to (directly or through other tasks' hooks). `self` is the task being saved (null
 * while it is being created: it cannot be named yet, so it cannot loop).
 */
export function checkHooks(hooks: readonly TaskHook[], self: { id: number | null; name: string }, tasks: readonly TaskRow[]): void {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const next = (id: number): number[] => (id === self.id ? hooks : hooksOf(byId.get(id)!)).flatMap((h) => (h.runTask !== undefined ? [h.runTask] : []));
  hooks.forEach((h, i) => {
    if (h.runTask === undefined) return;
    if (h.runTask !== self.id && !byId.has(h.runTask)) throw new TasklaneError('NOT_FOUND', `hooks.${i}.runTask: task ${h.runTask} does not exist`, `hooks.${i}.runTask`);
    if (self.id === null) return;
    // A path from the hook's task back to this one is a loop.
    const path = [h.runTask];
    const seen = new Set<number>();
    const reaches = (id: number): boolean => {
      if (id === self.id) return true;
      if (seen.has(id)) return false;
      seen.add(id);
      for (const n of next(id)) { path.push(n); if (reaches(n)) return true; path.pop(); }
      return false;
    };
    if (reaches(h.runTask)) {
      const name = (id: number) => (id === self.id ? self.name : byId.get(id)!.name);
      throw new TasklaneError('INVALID_INPUT', `hooks.${i}.runTask: a loop: ${[self.id, ...path].map(name).join(' → ')}`, `hooks.${i}.runTask`);
    }
  });
}

export interface HookDeps {
  task(id: number): TaskRow | undefined;
  enqueuer: Pick<Enqueuer, 'buildRow' | 'insertRows' | 'afterInsert'>;
  logger: Logger;
}

/** Makes the runs hooks ask for, inside the transaction that ended the runs they follow. */
export function createHooks(d: HookDeps): EndWatch & { reload(tasks: readonly TaskRow[]): void } {
  /** Tasks that have hooks, and what each fires on (asked at every end of a task's run: one lookup). */
  let hooked = new Map<number, HookEvent[]>();
  /** Made in the open transaction; told to the loop once it commits. */
  let made: { rows: NewRun[]; events: EventInput[] }[] = [];

  function rowsFor(run: EndedRun): NewRun[] {
    const task = d.task(run.taskId);
    if (!task) return [];
    const rows: NewRun[] = [];
    for (const [i, h] of hooksOf(task).entries()) {
      if (!hookFires(h.on, run.status)) continue;
      try {
        if (h.runTask !== undefined) {
          const target = d.task(h.runTask);
          if (!target) throw new TasklaneError('NOT_FOUND', `its task ${h.runTask} no longer exists`);
          rows.push(d.enqueuer.buildRow({
            kind: target.kind, input: inputFor(target, run, task.name), lane: target.lane,
            priority: target.priority, maxAttempts: target.maxAttempts, backoff: JSON.parse(target.backoff),
            timeoutMs: target.timeoutMs, name: target.name, tags: JSON.parse(target.tags),
          }, { taskId: target.id, trigger: 'hook', scheduledFor: null }));
        } else if (h.webhook) {
          const body = JSON.stringify({
            event: `run.${run.status}`, task: { id: task.id, name: task.name },
            run: { id: run.id, status: run.status, name: run.name, kind: run.kind, lane: run.lane, attempt: run.attempt,
              startedAt: run.startedAt, finishedAt: run.finishedAt, result: run.result ?? null, error: run.error },
            log: run.log,
          });
          rows.push(d.enqueuer.buildRow({
            kind: 'http', lane: 'default', name: `webhook: ${task.name} ${run.status}`, tags: ['webhook'],
            input: { method: 'POST', url: h.webhook.url, body, headers: {
              'Content-Type': 'application/json', [SIGNATURE_HEADER]: signBody(h.webhook.secret, body), 'X-Tasklane-Event': `run.${run.status}`,
            } },
            maxAttempts: WEBHOOK_ATTEMPTS, backoff: { type: 'exponential', delayMs: 5_000 },
          }, { taskId: null, trigger: 'hook', scheduledFor: null }));
        }
      } catch (error) {
        // Only a hook that cannot be made is skipped; a database error rolls the end back (retried).
        if (!(error instanceof TasklaneError)) throw error;
        d.logger.warn(`hook ${i + 1} of task '${task.name}' after run ${run.id} (${run.status}) was skipped: ${error.message}`);
      }
    }
    return rows;
  }

  return {
    /** Reads which tasks have hooks (after a task is saved or deleted). */
    reload(tasks: readonly TaskRow[]): void {
      hooked = new Map(tasks.map((t) => [t.id, hooksOf(t).map((h) => h.on)] as const).filter(([, on]) => on.length > 0));
    },
    /** Only an end some hook of the task fires on: the others cost no read of the run. */
    wants: (taskId: number, status: RunStatus) => hooked.get(taskId)?.some((on) => hookFires(on, status)) ?? false,
    /** Inside the transaction: the runs the hooks of these ended runs ask for. */
    fire(ended: readonly EndedRun[]): void {
      for (const row of ended.flatMap(rowsFor)) {
        // One at a time: a row that cannot be written is skipped, never the end it follows.
        try {
          const { events } = d.enqueuer.insertRows([row]);
          made.push({ rows: [row], events });
        } catch (error) {
          if (!(error instanceof TasklaneError)) throw error;
          d.logger.error(`a hook's run could not be written: ${error.message}`);
        }
      }
    },
    committed(): void {
      if (!made.length) return;
      const done = made;
      made = [];
      // After the code that committed has finished (the loop's flush clears the lanes it
      // marked when it ends: a wake from inside it would be lost).
      queueMicrotask(() => { for (const m of done) d.enqueuer.afterInsert(m.rows, m.events); });
    },
    rolledBack(): void { made = []; },
  };
}
export type Hooks = ReturnType<typeof createHooks>;
