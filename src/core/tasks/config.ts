// Export and import of the setup (lanes, tasks, schedules) as JSON. Import checks the whole
// file first and then writes it in one transaction: a bad file changes nothing.
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { configFile, createLaneInput, createTaskInput, setScheduleInput } from '../api/schemas';
import type { ConfigFile, IntakeRule } from '../api/types';
import type { Handlers } from '../commands';
import type { CommandName, CommandReturn } from '../api/contract';
import type { Clock } from '../ports';
import type { KindRegistry } from '../kinds';
import type { WriteLoop } from '../loop';
import { compileInZone } from '../scheduler/cron';
import { TasklaneError, fromZodError } from '../errors';
import { toTask, type TaskStore } from './task-store';

const scheduleFields = z.object({
  cron: z.string().optional(), timeZone: z.string().optional(), runAt: z.int().optional(),
  overlap: z.string().optional(), catchUp: z.string().optional(), catchUpMax: z.int().optional(), enabled: z.boolean().optional(),
});

export interface ConfigCommandDeps {
  sqlite: Pick<Database.Database, 'transaction'>;
  taskStore: Pick<TaskStore, 'all' | 'byName'>;
  kinds: Pick<KindRegistry, 'parseInput'>;
  clock: Clock;
  loop: Pick<WriteLoop, 'lanes' | 'lane' | 'hasLane' | 'removeLane'>;
  /** The inbox's rules (exported with the setup), and a read of them again after an import
   *  rolled back (the inbox keeps a copy). */
  intake(): { rules: IntakeRule[] };
  reloadIntake(): void;
  /** Another command, checked by its schema (commands.ts): the import writes through them. */
  invoke<N extends CommandName>(name: N, input: unknown): CommandReturn<N>;
}

export function configCommands(d: ConfigCommandDeps): Pick<Handlers, 'exportConfig' | 'importConfig'> {
  const cmd = {
    createLane: (i: unknown) => d.invoke('createLane', i),
    updateLane: (i: unknown) => d.invoke('updateLane', i),
    createTask: (i: unknown) => d.invoke('createTask', i),
    updateTask: (i: unknown) => d.invoke('updateTask', i),
    setSchedule: (i: unknown) => d.invoke('setSchedule', i),
    clearSchedule: (i: unknown) => d.invoke('clearSchedule', i),
  };
  return {
    exportConfig(): ConfigFile {
      const lanes = d.loop.lanes().map((l) => ({ name: l.name, concurrency: l.concurrency, rateLimit: l.rateLimit, pauseOnFailure: l.pauseOnFailure }));
      const all = d.taskStore.all();
      const names = new Map(all.map((t) => [t.id, t.name]));
      const tasks = all.map(toTask).map((t) => ({
        name: t.name, kind: t.kind, input: t.input, lane: t.lane, priority: t.priority, maxAttempts: t.maxAttempts,
        backoff: t.backoff, timeoutMs: t.timeoutMs, tags: t.tags,
        ...(t.notify && { notify: t.notify }),
        ...(t.hooks.length && { hooks: t.hooks.map(({ runTask, ...h }) => ({ ...h, ...(runTask !== undefined && { runTask: names.get(runTask) ?? String(runTask) }) })) }),
        schedule: t.schedule && {
          ...(t.schedule.cron !== null ? { cron: t.schedule.cron, timeZone: t.schedule.timeZone } : { runAt: t.schedule.runAt }),
          overlap: t.schedule.overlap, catchUp: t.schedule.catchUp, catchUpMax: t.schedule.catchUpMax, enabled: t.schedule.enabled,
        },
      }));
      const { rules } = d.intake();
      return { version: 1, lanes, tasks, ...(rules.length && { intake: { rules } }) };
    },

    importConfig({ config }) {
      const file = configFile.safeParse(config);
      if (!file.success) throw fromZodError(file.error, 'config');
      const laneNames = new Set(d.loop.lanes().map((l) => l.name));
      // Check everything before writing anything.
      const lanes = file.data.lanes.map((raw, i) => {
        const r = createLaneInput.safeParse(raw);
        if (!r.success) throw fromZodError(r.error, `config.lanes.${i}`);
        laneNames.add(r.data.name);
        return r.data;
      });
      const tasks = file.data.tasks.map((raw, i) => {
        const field = `config.tasks.${i}`;
        const { schedule, hooks: fileHooks, ...def } = (raw ?? {}) as { schedule?: unknown; hooks?: unknown };
        const t = createTaskInput.safeParse(def);
        if (!t.success) throw fromZodError(t.error, field);
        if (!laneNames.has(t.data.lane)) throw new TasklaneError('LANE_NOT_FOUND', `lane '${t.data.lane}' is neither set up nor in the file`, `${field}.lane`);
        d.kinds.parseInput(t.data.kind, t.data.input, `${field}.input`);
        let sched: z.output<typeof scheduleFields> | null = null;
        if (schedule) {
          const s = setScheduleInput.safeParse({ taskId: 1, ...(schedule as object) });
          if (!s.success) throw fromZodError(s.error, `${field}.schedule`);
          sched = scheduleFields.parse(schedule);
          // What setSchedule would refuse, refused here, before anything is written.
          if (sched.cron !== undefined) compileInZone(sched.cron, sched.timeZone, `${field}.schedule`);
        }
        // Hooks name their task by its name (the file's ids mean nothing here): set once all tasks are in.
        const hooks = fileHooks === undefined ? undefined : (() => {
          if (!Array.isArray(fileHooks)) throw new TasklaneError('INVALID_INPUT', `${field}.hooks: a list`, `${field}.hooks`);
          return fileHooks.map((h: unknown, j) => {
            const { runTask, ...rest } = (h ?? {}) as { runTask?: unknown };
            if (runTask !== undefined && typeof runTask !== 'string') throw new TasklaneError('INVALID_INPUT', `${field}.hooks.${j}.runTask: a task's name`, `${field}.hooks.${j}.runTask`);
            return { ...rest, runTask };
          });
        })();
        return { def, name: t.data.name, schedule: sched, hooks, field };
      });
      const taskNames = new Set([...tasks.map((t) => t.name), ...d.taskStore.all().map((t) => t.name)]);
      for (const t of tasks) {
        t.hooks?.forEach((h, j) => {
          if (h.runTask !== undefined && !taskNames.has(h.runTask as string)) {
            throw new TasklaneError('NOT_FOUND', `${t.field}.hooks.${j}.runTask: task '${h.runTask}' is neither set up nor in the file`, `${t.field}.hooks.${j}.runTask`);
          }
        });
      }
      const applyImport = d.sqlite.transaction(() => {
        for (const l of lanes) {
          if (d.loop.hasLane(l.name)) cmd.updateLane({ name: l.name, concurrency: l.concurrency, rateLimit: l.rateLimit, pauseOnFailure: l.pauseOnFailure });
          else cmd.createLane(l);
        }
        for (const t of tasks) {
          const existing = d.taskStore.byName(t.name);
          const id = existing ? cmd.updateTask({ id: existing.id, ...t.def }).id : cmd.createTask(t.def).id;
          if (t.schedule) {
            // A one-time schedule already in the past is kept off rather than refused.
            if (t.schedule.runAt !== undefined && t.schedule.runAt <= d.clock.now()) cmd.clearSchedule({ taskId: id });
            else cmd.setSchedule({ taskId: id, ...t.schedule });
          } else if (existing) cmd.clearSchedule({ taskId: id });
        }
        // Then the hooks, by name (a loop or a bad hook fails the whole import).
        for (const t of tasks) {
          if (!t.hooks) continue;
          const id = d.taskStore.byName(t.name)!.id;
          const hooks = t.hooks.map((h) => (h.runTask === undefined ? h : { ...h, runTask: d.taskStore.byName(h.runTask as string)!.id }));
          try { cmd.updateTask({ id, hooks }); } catch (e) {
            if (e instanceof TasklaneError) throw new TasklaneError(e.code, `${t.field}.${e.message}`, e.field ? `${t.field}.${e.field}` : t.field);
            throw e;
          }
        }
        // The inbox's rules last: the tasks they name are in by now.
        if (file.data.intake) {
          try { d.invoke('setIntakeRules', { rules: file.data.intake.rules }); } catch (e) {
            if (e instanceof TasklaneError) throw new TasklaneError(e.code, `config.intake.${e.message}`, e.field ? `config.intake.${e.field}` : 'config.intake');
            throw e;
          }
        }
      });
      // Lanes live in memory too: a failure half way (a full disk) rolls the database back,
      // and this puts the lanes back as they were.
      const before = new Map(d.loop.lanes().map((l) => [l.name, { concurrency: l.concurrency, rateLimit: l.rateLimit, pauseOnFailure: l.pauseOnFailure }]));
      try {
        applyImport();
      } catch (error) {
        d.reloadIntake();
        for (const lane of d.loop.lanes()) {
          const was = before.get(lane.name);
          if (!was) d.loop.removeLane(lane.name);
          else lane.configure(was.concurrency, was.rateLimit, was.pauseOnFailure);
        }
        throw error;
      }
      return { lanes: lanes.length, tasks: tasks.length };
    },
  };
}
