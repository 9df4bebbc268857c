// Tasklane's engine, for hosts (Electron main, `tasklane serve`, tests and benches).
import { EngineCore, type EngineOptions } from './engine';
import type { KindDefinition } from './kinds';
import { runCommands } from './runs/run-commands';
import { laneCommands } from './lanes/lane-commands';
import { taskCommands } from './tasks/task-commands';
import { Scheduler } from './scheduler/scheduler';
import { scheduleCommands } from './scheduler/schedule-commands';

export function createEngine(opts: EngineOptions) {
  const core = new EngineCore(opts);
  const runCmds = runCommands(core);
  const { enqueueFrom: _f, enqueueRows: _r, insertRows: _i, afterInsert: _a, buildRow: _b, ...runs } = runCmds;
  const scheduler = new Scheduler(core, runCmds);
  return {
    ...runs,
    ...laneCommands(core),
    ...taskCommands(core, runCmds),
    ...scheduleCommands(core, scheduler),
    /** Recovers abandoned runs, catches up missed schedules, then starts claiming. */
    start: () => {
      core.start();
      scheduler.tick();
    },
    /**
     * After sleep, resume or a clock jump (the Electron shell calls this on resume and
     * unlock): enqueues missed fires by their catch-up policy and re-arms the timers.
     */
    wake: () => {
      core.assertOpen();
      scheduler.tick();
      core.onDue();
    },
    /** No new claims; waits for running work up to timeoutMs, then interrupts (re-queues) it. */
    stop: (opts: { timeoutMs?: number } = {}) => {
      scheduler.stop();
      return core.stop(opts.timeoutMs ?? 10_000);
    },
    on: core.on.bind(core),
    idle: () => core.idle(),
    registerKind: <I>(name: string, def: KindDefinition<I>) => core.kinds.register(name, def),
    kinds: () => core.kinds.names(),
    get dbPath() { return core.dbPath; },
    get dataDir() { return core.dataDir; },
    get lastSeq() { return core.events.lastSeq; },
  };
}

export type Engine = ReturnType<typeof createEngine>;
export type { EngineOptions, Logger, Notifier, Notification } from './engine';
export type { KindDefinition, RunContext } from './kinds';
export { KindError } from './kinds';
export { TasklaneError } from './errors';
export type * from './api/types';
