// Commands on tasks: saved definitions of work that a person (or a schedule) runs.
import { createTaskInput, deleteTaskInput, emptyInput, runTaskInput, updateTaskInput } from '../api/schemas';
import type { EnqueueResult, Task } from '../api/types';
import type { EngineCore } from '../engine';
import { TasklaneError } from '../errors';
import { parseInput } from '../util/validate';
import { assertLane } from '../runs/enqueue';
import { DEFAULT_BACKOFF } from '../runs/backoff';
import type { RunCommands } from '../runs/run-commands';
import { toTask } from './task-store';

export function taskCommands(core: EngineCore, runs: RunCommands) {
  const { taskStore, kinds, lanes } = core;

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
    listTasks(input?: unknown): Task[] {
      core.assertOpen();
      parseInput(emptyInput, input);
      return taskStore.all().map(toTask);
    },

    createTask(input: unknown): Task {
      core.assertOpen();
      const req = parseInput(createTaskInput, input);
      assertLane(lanes, req.lane);
      const parsedInput = kinds.parseInput(req.kind, req.input);
      uniqueName(req.name);
      const row = taskStore.insert({ ...req, input: parsedInput, backoff: req.backoff ?? DEFAULT_BACKOFF }, core.clock.now());
      return toTask(row);
    },

    updateTask(input: unknown): Task {
      core.assertOpen();
      const { id, ...patch } = parseInput(updateTaskInput, input);
      const current = toTask(mustExist(id));
      if (patch.lane !== undefined) assertLane(lanes, patch.lane);
      if (patch.name !== undefined) uniqueName(patch.name, id);
      const values = { ...patch };
      if (patch.kind !== undefined || patch.input !== undefined) {
        values.input = kinds.parseInput(patch.kind ?? current.kind, patch.input ?? current.input);
      }
      return toTask(taskStore.update(id, values, core.clock.now()));
    },

    deleteTask(input: unknown): { id: number } {
      core.assertOpen();
      const { id } = parseInput(deleteTaskInput, input);
      mustExist(id);
      taskStore.delete(id);
      return { id };
    },

    /** Runs the task now (or at overrides.runAt), from its saved definition. */
    runTask(input: unknown): EnqueueResult {
      core.assertOpen();
      const { id, overrides = {} } = parseInput(runTaskInput, input);
      const task = toTask(mustExist(id));
      return runs.enqueueFrom({
        kind: task.kind, input: overrides.input ?? task.input, lane: overrides.lane ?? task.lane,
        priority: overrides.priority ?? task.priority, maxAttempts: overrides.maxAttempts ?? task.maxAttempts,
        backoff: task.backoff, timeoutMs: overrides.timeoutMs === undefined ? task.timeoutMs : overrides.timeoutMs,
        name: task.name, tags: task.tags,
        ...(overrides.runAt !== undefined && { runAt: overrides.runAt }),
        ...(overrides.delayMs !== undefined && { delayMs: overrides.delayMs }),
      }, { taskId: task.id, trigger: 'manual', scheduledFor: null });
    },
  };
}
