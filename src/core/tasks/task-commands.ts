// Handlers of the commands on tasks: saved definitions of work that a person (or a schedule) runs.
import type { Handlers } from '../commands';
import type { Clock } from '../ports';
import type { KindRegistry } from '../kinds';
import { TasklaneError } from '../errors';
import { assertLane, type Enqueuer, type LaneLookup } from '../runs/enqueue';
import { DEFAULT_BACKOFF } from '../runs/backoff';
import { toTask, type TaskStore } from './task-store';
import type { RunStore } from '../db/run-store';

export interface TaskCommandDeps {
  taskStore: TaskStore;
  kinds: Pick<KindRegistry, 'parseInput'>;
  lanes: LaneLookup;
  clock: Clock;
  enqueuer: Pick<Enqueuer, 'enqueueRows' | 'buildRow'>;
  runs: Pick<RunStore, 'lastRunOf'>;
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

  return {
    listTasks: () => taskStore.all().map((row) => ({ ...toTask(row), lastRun: d.runs.lastRunOf(row.id) })),

    createTask(req) {
      assertLane(lanes, req.lane);
      const parsedInput = kinds.parseInput(req.kind, req.input);
      uniqueName(req.name);
      return toTask(taskStore.insert({ ...req, input: parsedInput, backoff: req.backoff ?? DEFAULT_BACKOFF }, d.clock.now()));
    },

    updateTask({ id, ...patch }) {
      const current = toTask(mustExist(id));
      if (patch.lane !== undefined) assertLane(lanes, patch.lane);
      if (patch.name !== undefined) uniqueName(patch.name, id);
      const values = { ...patch };
      if (patch.kind !== undefined || patch.input !== undefined) {
        values.input = kinds.parseInput(patch.kind ?? current.kind, patch.input ?? current.input);
      }
      return toTask(taskStore.update(id, values, d.clock.now()));
    },

    deleteTask({ id }) {
      mustExist(id);
      taskStore.delete(id);
      return { id };
    },

    /** Runs the task now (or at overrides.runAt), from its saved definition. */
    runTask({ id, overrides = {} }, call) {
      const task = toTask(mustExist(id));
      const row = d.enqueuer.buildRow({
        kind: task.kind, input: overrides.input ?? task.input, lane: overrides.lane ?? task.lane,
        priority: overrides.priority ?? task.priority, maxAttempts: overrides.maxAttempts ?? task.maxAttempts,
        backoff: task.backoff, timeoutMs: overrides.timeoutMs === undefined ? task.timeoutMs : overrides.timeoutMs,
        name: task.name, tags: task.tags,
        ...(overrides.runAt !== undefined && { runAt: overrides.runAt }),
        ...(overrides.delayMs !== undefined && { delayMs: overrides.delayMs }),
      }, { taskId: task.id, trigger: call.origin, scheduledFor: null });
      return d.enqueuer.enqueueRows([row])[0];
    },
  };
}
