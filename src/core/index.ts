// Tasklane's engine, for hosts (Electron main, `tasklane serve`, tests and benches).
import { EngineCore, type EngineOptions } from './engine';
import type { KindDefinition } from './kinds';
import { runCommands } from './runs/run-commands';
import { laneCommands } from './lanes/lane-commands';
import { taskCommands } from './tasks/task-commands';
import { Scheduler } from './scheduler/scheduler';
import { scheduleCommands } from './scheduler/schedule-commands';
import { hasPluginFiles, loadPlugins, type PluginInfo } from './handlers/plugins';
import { emptyInput } from './api/schemas';
import { configCommands } from './tasks/config';
import { parseInput } from './util/validate';
import { dailyBackup } from './db/care';

export function createEngine(opts: EngineOptions) {
  const core = new EngineCore(opts);
  const runCmds = runCommands(core);
  const { enqueueFrom: _f, enqueueRows: _r, insertRows: _i, afterInsert: _a, buildRow: _b, ...runs } = runCmds;
  const scheduler = new Scheduler(core, runCmds);
  let plugins: PluginInfo[] = [];
  const lanes = laneCommands(core);
  const tasks = taskCommands(core, runCmds);
  const schedules = scheduleCommands(core, scheduler);
  return {
    ...runs,
    ...lanes,
    ...tasks,
    ...schedules,
    ...configCommands(core, { ...lanes, ...tasks, ...schedules }),
    /**
     * Loads plugins (if the data folder has any), recovers abandoned runs, catches up missed
     * schedules, then starts claiming. Without plugins it starts before returning.
     */
    start: (): Promise<void> => {
      const go = (notes?: ReadonlyMap<number, string>) => {
        core.start(notes);
        scheduler.tick();
      };
      // Trees a dead host left running are ended first (never two copies of one run).
      const leftovers = core.leftoverTrees();
      const withPlugins = hasPluginFiles(core.dataDir);
      if (!leftovers.length && !withPlugins) {
        go();
        return Promise.resolve();
      }
      return Promise.all([
        core.endLeftovers(leftovers),
        withPlugins ? loadPlugins(core.dataDir!, core.kinds).then((list) => { plugins = list; }) : null,
      ]).then(([notes]) => go(notes));
    },
    /** Plugins found in <dataDir>/plugins, with the reason for any that failed to load. */
    listPlugins: (input?: unknown): PluginInfo[] => {
      parseInput(emptyInput, input);
      return plugins;
    },
    /** Loads the plugins folder again (after adding or fixing a plugin). */
    reloadPlugins: async (input?: unknown): Promise<PluginInfo[]> => {
      parseInput(emptyInput, input);
      if (!core.dataDir) return [];
      plugins = await loadPlugins(core.dataDir, core.kinds);
      return plugins;
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
    /** Resolves once every write committed so far is on disk (fsync): hosts answer a write
     *  command only after it, so an accepted run survives a power loss (db/durable.ts). */
    durable: (): Promise<void> => core.durability.sync(),
    /** The daily backup into <data folder>/backups, keeping the last 7; null when not due. */
    dailyBackup: () => { core.assertOpen(); return dailyBackup(core.dbPath, core.clock.now(), core.sqlite); },
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
export type { PluginInfo } from './handlers/plugins';
export { KindError } from './kinds';
export { TasklaneError } from './errors';
export type * from './api/types';
