// Export and import of the setup (lanes, tasks, schedules) as JSON. Import checks the whole
// file first and then writes it in one transaction: a bad file changes nothing.
import { z } from 'zod';
import { createLaneInput, createTaskInput, emptyInput, setScheduleInput } from '../api/schemas';
import { parseInput } from '../util/validate';
import { compileInZone } from '../scheduler/cron';
import type { EngineCore } from '../engine';
import { TasklaneError, fromZodError } from '../errors';
import { toTask } from './task-store';

const scheduleFields = z.object({
  cron: z.string().optional(), timeZone: z.string().optional(), runAt: z.int().optional(),
  overlap: z.string().optional(), catchUp: z.string().optional(), catchUpMax: z.int().optional(), enabled: z.boolean().optional(),
});
export const configFile = z.strictObject({
  version: z.literal(1),
  lanes: z.array(z.unknown()).max(1000).default([]),
  tasks: z.array(z.unknown()).max(100_000).default([]),
});
export const importInput = z.strictObject({ config: z.unknown() });

export interface ImportResult { lanes: number; tasks: number }

interface Commands {
  createLane(i: unknown): unknown; updateLane(i: unknown): unknown;
  createTask(i: unknown): { id: number }; updateTask(i: unknown): { id: number };
  setSchedule(i: unknown): unknown; clearSchedule(i: unknown): unknown;
}

export function configCommands(core: EngineCore, cmd: Commands) {
  return {
    exportConfig(input?: unknown): z.output<typeof configFile> {
      core.assertOpen();
      parseInput(emptyInput, input);
      const lanes = [...core.lanes.values()].map((l) => ({ name: l.name, concurrency: l.concurrency, rateLimit: l.rateLimit }));
      const tasks = core.taskStore.all().map(toTask).map((t) => ({
        name: t.name, kind: t.kind, input: t.input, lane: t.lane, priority: t.priority, maxAttempts: t.maxAttempts,
        backoff: t.backoff, timeoutMs: t.timeoutMs, tags: t.tags,
        schedule: t.schedule && {
          ...(t.schedule.cron !== null ? { cron: t.schedule.cron, timeZone: t.schedule.timeZone } : { runAt: t.schedule.runAt }),
          overlap: t.schedule.overlap, catchUp: t.schedule.catchUp, catchUpMax: t.schedule.catchUpMax, enabled: t.schedule.enabled,
        },
      }));
      return { version: 1, lanes, tasks };
    },

    importConfig(input: unknown): ImportResult {
      core.assertOpen();
      const parsedInput = importInput.safeParse(input ?? {});
      if (!parsedInput.success) throw fromZodError(parsedInput.error);
      const file = configFile.safeParse(parsedInput.data.config);
      if (!file.success) throw fromZodError(file.error, 'config');
      const laneNames = new Set(core.lanes.keys());
      // Check everything before writing anything.
      const lanes = file.data.lanes.map((raw, i) => {
        const r = createLaneInput.safeParse(raw);
        if (!r.success) throw fromZodError(r.error, `config.lanes.${i}`);
        laneNames.add(r.data.name);
        return r.data;
      });
      const tasks = file.data.tasks.map((raw, i) => {
        const field = `config.tasks.${i}`;
        const { schedule, ...def } = (raw ?? {}) as { schedule?: unknown };
        const t = createTaskInput.safeParse(def);
        if (!t.success) throw fromZodError(t.error, field);
        if (!laneNames.has(t.data.lane)) throw new TasklaneError('LANE_NOT_FOUND', `lane '${t.data.lane}' is neither set up nor in the file`, `${field}.lane`);
        core.kinds.parseInput(t.data.kind, t.data.input, `${field}.input`);
        let sched: z.output<typeof scheduleFields> | null = null;
        if (schedule) {
          const s = setScheduleInput.safeParse({ taskId: 1, ...(schedule as object) });
          if (!s.success) throw fromZodError(s.error, `${field}.schedule`);
          sched = scheduleFields.parse(schedule);
          // What setSchedule would refuse, refused here, before anything is written.
          if (sched.cron !== undefined) compileInZone(sched.cron, sched.timeZone, `${field}.schedule`);
        }
        return { def, name: t.data.name, schedule: sched };
      });
      const applyImport = core.sqlite.transaction(() => {
        for (const l of lanes) {
          if (core.lanes.has(l.name)) cmd.updateLane({ name: l.name, concurrency: l.concurrency, rateLimit: l.rateLimit });
          else cmd.createLane(l);
        }
        for (const t of tasks) {
          const existing = core.taskStore.byName(t.name);
          const id = existing ? cmd.updateTask({ id: existing.id, ...t.def }).id : cmd.createTask(t.def).id;
          if (t.schedule) {
            // A one-time schedule already in the past is kept off rather than refused.
            if (t.schedule.runAt !== undefined && t.schedule.runAt <= core.clock.now()) cmd.clearSchedule({ taskId: id });
            else cmd.setSchedule({ taskId: id, ...t.schedule });
          } else if (existing) cmd.clearSchedule({ taskId: id });
        }
      });
      // Lanes live in memory too: a failure half way (a full disk) rolls the database back,
      // and this puts the lanes back as they were.
      const before = new Map([...core.lanes.values()].map((l) => [l.name, { concurrency: l.concurrency, rateLimit: l.rateLimit }]));
      try {
        applyImport();
      } catch (error) {
        for (const [name, lane] of core.lanes) {
          const was = before.get(name);
          if (!was) core.lanes.delete(name);
          else lane.configure(was.concurrency, was.rateLimit);
        }
        throw error;
      }
      return { lanes: lanes.length, tasks: tasks.length };
    },
  };
}
