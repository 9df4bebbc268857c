// Handlers of the commands on tasks: saved definitions of work that a person (or a schedule) runs.
import type { Handlers } from '../commands';
import type { Clock } from '../ports';
import type { KindRegistry } from '../kinds';
import { TasklaneError } from '../errors';
import { assertLane, type Enqueuer, type LaneLookup } from '../runs/enqueue';
import { DEFAULT_BACKOFF } from '../runs/backoff';
import { toTask, type TaskStore, type TaskValues } from './task-store';
import type { RunStore } from '../db/run-store';
import { randomBytes } from 'node:crypto';
import type { Task, TaskHook, Trigger } from '../api/types';
import type { CommandParsed } from '../api/contract';
import type { NewRun } from '../db/run-store';
import { checkHooks, hooksOf } from '../hooks/hooks';

export interface TaskCommandDeps {
  taskStore: TaskStore;
  kinds: Pick<KindRegistry, 'parseInput'>;
  lanes: LaneLookup;
  clock: Clock;
  enqueuer: Pick<Enqueuer, 'enqueueRows' | 'buildRow'>;
  runs: Pick<RunStore, 'lastRunOf'>;
  /** Told after a task is saved or deleted (hooks and notices read tasks again). */
  onChanged(): void;
  /** Seals a secret's value for storage (secrets/secrets.ts). */
  seal(value: string): string;
}

type TaskHandlers = Pick<Handlers, 'listTasks' | 'createTask' | 'updateTask' | 'deleteTask' | 'runTask'>;

export function taskCommands(d: TaskCommandDeps): TaskHandlers {
  const { taskStore, kinds, lanes } = d;

  const mustExist = (id: number) => {
    const row = taskStore.row(id);
    if (!row) throw new TasklaneError('NOT_FOUND', `task ${id} does not exist`, 'id');
    return row;
  };
  const uniqueName = (name: string, selfId?: number) => {
    const other = taskStore.byName(name);
    if (other && other.id !== selfId) throw new TasklaneError('TASK_EXISTS', `a task named '${name}' already exists`, 'name');
  };

  /** Hooks as saved: checked (no loop, their tasks exist), a webhook without a secret given one. */
  const savedHooks = (given: readonly (Omit<TaskHook, 'webhook'> & { webhook?: { url: string; secret?: string } })[], self: { id: number | null; name: string }): TaskHook[] => {
    const out = given.map((h): TaskHook => ({
      on: h.on, ...(h.runTask !== undefined && { runTask: h.runTask }),
      ...(h.webhook && { webhook: { url: h.webhook.url, secret: h.webhook.secret ?? randomBytes(24).toString('hex') } }),
    }));
    checkHooks(out, self, taskStore.all());
    return out;
  };
  // Read at once (a read right after the save starts runs that need them), and again once the
  // code that saved has finished: its transaction may have rolled back (a schedule refused
  // takes the task's change back), and the caches go back with it.
  const changed = <T>(value: T): T => { d.onChanged(); queueMicrotask(d.onChanged); return value; };

  return {
    listTasks: () => taskStore.all().map((row) => ({ ...toTask(row), lastRun: d.runs.lastRunOf(row.id) })),

    // (Both run inside withSchedule's transaction: the task and its secrets are written together.)
    createTask({ secrets, ...req }) {
      assertLane(lanes, req.lane);
      const parsedInput = kinds.parseInput(req.kind, req.input);
      uniqueName(req.name);
      const hooks = savedHooks(req.hooks, { id: null, name: req.name });
      const row = taskStore.insert({ ...req, input: parsedInput, backoff: req.backoff ?? DEFAULT_BACKOFF, hooks }, d.clock.now());
      if (secrets && Object.keys(secrets).length) {
        taskStore.setSealedSecrets(row.id, Object.fromEntries(Object.entries(secrets).map(([k, v]) => [k, d.seal(v)])));
        return changed(toTask(taskStore.row(row.id)!));
      }
      return changed(toTask(row));
    },

    updateTask({ id, schedule: _schedule, hooks, secrets, ...patch }) {
      // (The schedule is withSchedule's: tasks/with-schedule.ts.)
      const current = toTask(mustExist(id));
      if (patch.lane !== undefined) assertLane(lanes, patch.lane);
      if (patch.name !== undefined) uniqueName(patch.name, id);
      const values: Partial<TaskValues> = { ...patch, ...(hooks !== undefined && { hooks: savedHooks(hooks, { id, name: patch.name ?? current.name }) }) };
      if (patch.kind !== undefined || patch.input !== undefined) {
        values.input = kinds.parseInput(patch.kind ?? current.kind, patch.input ?? current.input);
      }
      const row = taskStore.update(id, values, d.clock.now());
      if (secrets && Object.keys(secrets).length) {
        const sealed = taskStore.sealedSecrets(id);
        for (const [k, v] of Object.entries(secrets)) {
          if (v === null) delete sealed[k]; else sealed[k] = d.seal(v);
        }
        taskStore.setSealedSecrets(id, sealed);
        return changed(toTask(taskStore.row(id)!));
      }
      return changed(toTask(row));
    },

    deleteTask({ id }) {
      const row = mustExist(id);
      // A task another task's hook runs stays until that hook is removed (it would fire into nothing).
      const user = taskStore.all().find((t) => t.id !== id && hooksOf(t).some((h) => h.runTask === id));
      if (user) throw new TasklaneError('INVALID_INPUT', `task '${row.name}' is run by a hook of task '${user.name}'; remove that hook first`, 'id');
      taskStore.delete(id);
      return changed({ id });
    },

    /** Runs the task now (or at overrides.runAt), from its saved definition. */
    runTask({ id, overrides = {} }, call) {
      return d.enqueuer.enqueueRows([runOfTask(d.enqueuer, toTask(mustExist(id)), overrides, call.origin)])[0];
    },
  };
}

export type RunOverrides = NonNullable<CommandParsed<'runTask'>['overrides']>;

/** A run of a saved task, as runTask makes it: its definition, with these changes for this
 *  run only (the inbox makes its approved runs with it too). */
export function runOfTask(enqueuer: Pick<Enqueuer, 'buildRow'>, task: Task, overrides: RunOverrides, trigger: Trigger): NewRun {
  return enqueuer.buildRow({
    kind: task.kind, input: overrides.input ?? task.input, lane: overrides.lane ?? task.lane,
    priority: overrides.priority ?? task.priority, maxAttempts: overrides.maxAttempts ?? task.maxAttempts,
    backoff: task.backoff, timeoutMs: overrides.timeoutMs === undefined ? task.timeoutMs : overrides.timeoutMs,
    name: task.name, tags: task.tags,
    ...(overrides.runAt !== undefined && { runAt: overrides.runAt }),
    ...(overrides.delayMs !== undefined && { delayMs: overrides.delayMs }),
  }, { taskId: task.id, trigger, scheduledFor: null });
}
