// Commands on schedules: set, pause, resume, clear, preview, and explain what was missed.
import type { Handlers } from '../commands';
import type { MissedExplanation, ShiftedFire, Task, UpcomingFire } from '../api/types';
import type { Clock } from '../ports';
import { TasklaneError } from '../errors';
import { toTask, type TaskRow } from '../tasks/task-store';
import { compileInZone, describeCron } from './cron';
import { firesIn, type Fire } from './fires';
import { cronOf, firstFire, missedFires, planFires } from './plan';
import type { Scheduler } from './scheduler';
import type { TaskStore } from '../tasks/task-store';
import { wallOf } from './zone-clock';

const iso = (t: number) => new Date(t).toISOString();

export interface ScheduleCommandDeps {
  taskStore: Pick<TaskStore, 'row' | 'setSchedule' | 'all'>;
  clock: Clock;
  scheduler: Pick<Scheduler, 'arm'>;
}

type ScheduleHandlers = Pick<Handlers, 'setSchedule' | 'pauseSchedule' | 'resumeSchedule' | 'clearSchedule'
  | 'previewSchedule' | 'explainMissed' | 'upcomingFires'>;

export function scheduleCommands(d: ScheduleCommandDeps): ScheduleHandlers {
  const { taskStore, scheduler } = d;
  const taskRow = (id: number): TaskRow => {
    const row = taskStore.row(id);
    if (!row) throw new TasklaneError('NOT_FOUND', `task ${id} does not exist`, 'taskId');
    return row;
  };
  const scheduled = (id: number): TaskRow => {
    const row = taskRow(id);
    if (row.cron === null && row.runAt === null) {
      throw new TasklaneError('INVALID_SCHEDULE', `task ${id} has no schedule; set one first`, 'taskId');
    }
    return row;
  };
  const saved = (row: TaskRow): Task => {
    scheduler.arm();
    return toTask(row);
  };

  return {
    /** Sets (or replaces) a task's schedule; its next fire is computed from now. */
    setSchedule(req) {
      taskRow(req.taskId);
      const now = d.clock.now();
      const timeZone = req.cron !== undefined ? compileInZone(req.cron, req.timeZone).timeZone : null;
      if (req.runAt !== undefined && req.runAt <= now) {
        throw new TasklaneError('INVALID_SCHEDULE', `runAt ${iso(req.runAt)} is in the past`, 'runAt');
      }
      const schedule = { cron: req.cron?.trim().split(/\s+/).join(' ') ?? null, timeZone, runAt: req.runAt ?? null };
      return saved(taskStore.setSchedule(req.taskId, {
        ...schedule, scheduleEnabled: req.enabled, overlap: req.overlap, catchUp: req.catchUp, catchUpMax: req.catchUpMax,
        nextRunAt: req.enabled ? firstFire(schedule, now) : null,
      }, now));
    },

    /** Stops firing; the time spent paused is not "missed" when it resumes. */
    pauseSchedule({ taskId }) {
      scheduled(taskId);
      return saved(taskStore.setSchedule(taskId, { scheduleEnabled: false, nextRunAt: null }, d.clock.now()));
    },

    resumeSchedule({ taskId }) {
      const row = scheduled(taskId);
      const now = d.clock.now();
      return saved(taskStore.setSchedule(taskId, { scheduleEnabled: true, nextRunAt: firstFire(row, now) }, now));
    },

    clearSchedule({ taskId }) {
      taskRow(taskId);
      return saved(taskStore.setSchedule(taskId, {
        cron: null, timeZone: null, runAt: null, scheduleEnabled: false, nextRunAt: null,
      }, d.clock.now()));
    },

    /** The next fire times of an expression, and what it means in words. Writes nothing. */
    previewSchedule(req) {
      const { timeZone, schedule } = compileInZone(req.cron, req.timeZone);
      const fires = firesIn(schedule, req.from ?? d.clock.now(), Infinity, req.count);
      const shifted = fires.filter((f) => f.shiftedFrom.length > 0).map((f) => shiftedFire(f, timeZone));
      return { cron: req.cron, timeZone, description: describeCron(req.cron), fires: fires.map((f) => f.at), shifted };
    },

    /** The next fires across every enabled schedule, soonest first (the overview's list). */
    upcomingFires({ limit }) {
      const out: UpcomingFire[] = [];
      for (const row of taskStore.all()) {
        if (!row.scheduleEnabled || row.nextRunAt === null) continue;
        const cron = cronOf(row);
        const times = cron ? [row.nextRunAt, ...firesIn(cron, row.nextRunAt, Infinity, limit - 1).map((f) => f.at)] : [row.nextRunAt];
        for (const at of times) out.push({ taskId: row.id, task: row.name, lane: row.lane, at, timeZone: row.timeZone });
      }
      return out.sort((a, b) => a.at - b.at || a.taskId - b.taskId).slice(0, limit);
    },

    /** Which fires were missed (app closed, machine asleep) and what the policy will do. */
    explainMissed({ taskId }): MissedExplanation {
      const row = scheduled(taskId);
      const now = d.clock.now();
      const missed = missedFires(row, now);
      const willRun = row.scheduleEnabled ? planFires(row, now).fires.map((f) => f.scheduledFor) : [];
      const count = missed.times.length;
      const catchUp = row.catchUp as MissedExplanation['catchUp'];
      const what = {
        once: `runs the task once now, for the fire of ${willRun.length ? iso(willRun[willRun.length - 1]) : '-'}`,
        all: `runs the task once per missed fire (${willRun.length} run(s), at most ${row.catchUpMax})`,
        skip: 'skips them; the schedule goes on from the next fire',
      }[catchUp];
      const summary = !row.scheduleEnabled
        ? 'The schedule is paused: nothing is missed while it is paused.'
        : count === 0
          ? 'No fire was missed.'
          : `${missed.capped ? 'More than ' : ''}${count} fire(s) were missed between ${iso(missed.times[0])} and ${iso(missed.times[count - 1])}; catch-up '${catchUp}' ${what}.`;
      return {
        taskId, now, missedCount: count, countCapped: missed.capped, firstMissed: missed.times[0] ?? null,
        lastMissed: missed.times[count - 1] ?? null, catchUp, willRun, summary,
      };
    },
  };
}

/** A wall time (read as UTC) as the person's clock shows it: 02:30, or 02:30:15. */
const hhmm = (wall: number) => new Date(wall).toISOString().slice(11, wall % 60_000 ? 19 : 16);

/** "03:00, for 02:30, which does not exist that day" (the times in the schedule's zone). */
function shiftedFire(fire: Fire, zone: string): ShiftedFire {
  const missing = fire.shiftedFrom.map(hhmm);
  const list = missing.length > 4
    ? `${missing[0]}–${missing[missing.length - 1]} (${missing.length} times)`
    : missing.length > 1 ? `${missing.slice(0, -1).join(', ')} and ${missing[missing.length - 1]}` : missing[0];
  const verb = missing.length > 1 ? 'do not exist' : 'does not exist';
  const note = `${hhmm(wallOf(zone, fire.at))}, ${fire.onTime ? 'also ' : ''}for ${list}, which ${verb} that day`;
  return { at: fire.at, shiftedFrom: missing[0], note };
}
