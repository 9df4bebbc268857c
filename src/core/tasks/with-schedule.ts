// A task saved with its schedule: createTask and updateTask take an optional `schedule`, and
// the two are written in one transaction, so a schedule the engine refuses (a cron it cannot
// read, a zone it does not know, a time already past) leaves no task behind, and an edit
// leaves the task as it was. The window's task form and `tasklane task add --cron` send one
// command instead of creating, scheduling and deleting again on failure.
import type Database from 'better-sqlite3';
import type { Handlers } from '../commands';
import { TasklaneError } from '../errors';

type Parts = Pick<Handlers, 'createTask' | 'updateTask' | 'setSchedule' | 'clearSchedule'>;

/** An error of the schedule's part, named as the field of this command ('cron' → 'schedule.cron'). */
function underSchedule(e: unknown): never {
  if (e instanceof TasklaneError && e.field !== undefined && e.field !== 'taskId' && !e.field.startsWith('schedule.')) {
    throw new TasklaneError(e.code, e.message, `schedule.${e.field}`);
  }
  throw e;
}

export function withSchedule(sqlite: Pick<Database.Database, 'transaction'>, parts: Parts): Pick<Handlers, 'createTask' | 'updateTask'> {
  return {
    createTask: (req, call) => sqlite.transaction(() => {
      const { schedule, ...def } = req;
      const task = parts.createTask(def, call);
      if (!schedule) return task;
      try { return parts.setSchedule({ taskId: task.id, ...schedule }, call); } catch (e) { return underSchedule(e); }
    })(),
    updateTask: (req, call) => sqlite.transaction(() => {
      const { schedule, ...patch } = req;
      const task = parts.updateTask(patch, call);
      if (schedule === undefined) return task;
      if (schedule === null) return parts.clearSchedule({ taskId: task.id }, call);
      try { return parts.setSchedule({ taskId: task.id, ...schedule }, call); } catch (e) { return underSchedule(e); }
    })(),
  };
}
