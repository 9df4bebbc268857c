// The composition root: opens the database, registers the built-in kinds, builds the write
// loop, the scheduler and the command handlers, and hands each the few things it needs.
// Nothing else in the engine constructs these; nothing outside sees them (hosts get the
// Engine below: the commands of the contract, and the few verbs a host needs).
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { openDatabase, secureFolder } from './db/open';
import { createRunStore } from './db/run-store';
import { EventBus } from './events';
import { KindError, KindRegistry, type KindDefinition } from './kinds';
import { systemClock } from './util/clock';
import { stderrLogger, type Clock, type Logger, type Notifier } from './ports';
import { createLaneStore } from './lanes/lane-store';
import { createTaskStore } from './tasks/task-store';
import { WriteLoop } from './loop';
import { createEnqueuer, enqueueCommands } from './runs/enqueue';
import { endLeftovers, findLeftovers } from './runs/leftovers';
import { runCommands } from './runs/run-commands';
import { laneCommands } from './lanes/lane-commands';
import { runOfTask, taskCommands } from './tasks/task-commands';
import { toTask } from './tasks/task-store';
import { Scheduler } from './scheduler/scheduler';
import { scheduleCommands } from './scheduler/schedule-commands';
import { configCommands } from './tasks/config';
import { withSchedule } from './tasks/with-schedule';
import { createHooks } from './hooks/hooks';
import { createNotices } from './notices/notices';
import { createArtifacts, existingRuns } from './artifacts/artifacts';
import { createSecretBox } from './secrets/secrets';
import { createInbox } from './inbox/inbox';
import { inboxFolder } from './inbox/folder';
import { TasklaneError } from './errors';
import { BUILT_IN_KIND_NAMES, BUILT_IN_KINDS } from './handlers/built-in';
import { headlessNotifier } from './handlers/notify';
import { hasPluginFiles, loadPlugins } from './handlers/plugins';
import { GroupSync, walSync, type Syncer } from './db/durable';
import { dailyBackup } from './db/care';
import { createRegistry, type Handlers, type Registry } from './commands';
import { createSearchIndex, Indexer } from './search/search-index';
import type { EngineEventType, EventOf, PluginInfo } from './api/types';
import { describeCommand } from './describe';

export interface EngineOptions {
  /** Folder for tasklane.db (and the plugins folder, the token, the endpoint file). */
  dataDir?: string;
  /** The database file; defaults to <dataDir>/tasklane.db. */
  dbPath?: string;
  clock?: Clock;
  kinds?: Record<string, KindDefinition<any>>;
  notifier?: Notifier;
  logger?: Logger;
  /** Source of randomness for backoff jitter (tests pass a constant). */
  random?: () => number;
  migrationsDir?: string;
  /** A better-sqlite3 addon built for another runtime (the desktop app in development). */
  nativeBinding?: string;
  /** How committed writes are made durable (default: fdatasync of the WAL, db/durable.ts). */
  syncer?: Syncer;
}

export function createEngine(opts: EngineOptions) {
  if (!opts.dbPath && !opts.dataDir) throw new Error('createEngine needs dataDir or dbPath');
  const dataDir = opts.dataDir;
  const dbPath = opts.dbPath ?? join(dataDir!, 'tasklane.db');
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? stderrLogger;
  const notifier = opts.notifier ?? headlessNotifier(logger);
  if (dataDir) secureFolder(dataDir);
  const { sqlite, db } = openDatabase(dbPath, opts.migrationsDir, opts.nativeBinding);
  const durability = new GroupSync(opts.syncer ?? walSync(dbPath));
  // Tells this database's attempts' processes from another data folder's.
  const dbTag = createHash('sha256').update(resolve(dbPath)).digest('hex').slice(0, 12);
  const processTag = (runId: number, attempt: number) => `${dbTag}:${runId}:${attempt}`;

  const store = createRunStore(sqlite);
  const laneStore = createLaneStore(db);
  const taskStore = createTaskStore(db);
  const events = new EventBus(() => clock.now(), (e) => logger.error('an event listener threw', e));
  const kinds = new KindRegistry();
  // Reports read the rollups here, and the runs in a worker on a connection of their own.
  const reports = { now: () => clock.now(), stats: (q: { from: number; to: number }) => store.rollups.stats({ ...q, groupBy: 'task' }, clock.now()), dbPath, nativeBinding: opts.nativeBinding };
  for (const [name, make] of Object.entries(BUILT_IN_KINDS)) kinds.register(name, make({ notifier, reports }));
  for (const [name, def] of Object.entries(opts.kinds ?? {})) kinds.register(name, def);
  laneStore.seedIfEmpty(clock.now());

  const searchIndex = createSearchIndex(sqlite);
  // The tables derived from the others follow them in the background, in slices, while the
  // loop has no work (search-index.ts): the search index, then the daily rollups.
  const derived = {
    catchUp: (ms: number) => searchIndex.catchUp(ms) && store.rollups.catchUp(clock.now(), ms),
  };
  const indexer = new Indexer(derived, () => !loop.isIdle(), (e) => logger.error('indexing runs for search failed; will try again', e));
  // Files runs keep: <data folder>/artifacts/<run id>/ (none without a data folder).
  const artifacts = createArtifacts(dataDir ?? null);
  // Tasks' secrets, sealed under the data folder's key; opened as their runs start.
  const secretBox = createSecretBox(dataDir ?? null);
  let withSecrets = new Set(taskStore.withSecrets());
  const secretsOf = (taskId: number): Record<string, string> | null => {
    if (!withSecrets.has(taskId)) return null;
    const sealed = taskStore.sealedSecrets(taskId);
    try {
      return Object.fromEntries(Object.entries(sealed).map(([k, v]) => [k, secretBox.open(v)]));
    } catch {
      throw new KindError('SECRET_UNREADABLE', `the secrets of task ${taskId} cannot be opened with this data folder's key (was secret.key replaced?); set them again`, { retryable: false });
    }
  };
  const loop = new WriteLoop({
    store, transaction: (fn) => store.transaction(fn), events, kinds, clock, logger, random: opts.random ?? Math.random, processTag,
    flushed: () => indexer.kick(),
    saveLane: (config) => laneStore.update(config),
    artifact: (runId, path, base, within) => artifacts.keep(runId, path, base, within),
    secretsOf,
  }, laneStore.all());
  const enqueuer = createEnqueuer({ sqlite, store, kinds, clock, events, loop });
  // Completion hooks: runs of their own, made in the transaction that ends the run they follow.
  const hooks = createHooks({ task: (id) => taskStore.row(id), enqueuer, logger });
  hooks.reload(taskStore.all());
  store.watchEnds(hooks);
  const scheduler = new Scheduler({ sqlite, taskStore, store, clock, logger, loop, enqueuer });

  let plugins: PluginInfo[] = [];
  // Filled in below: the config commands write through the registry (schema-checked).
  let registry: Registry;
  // The notification policy: what is told, coalesced (notices/notices.ts).
  const notices = createNotices({ sqlite, bus: events, clock, notifier, logger, stats: (q) => store.rollups.stats({ ...q, to: clock.now() + 1 }, clock.now()) });
  // The intake inbox: messages in, proposals made by the person's rules, decisions kept.
  const inbox = createInbox({
    sqlite, clock, bus: events, taskByName: (name) => taskStore.byName(name), enqueuer,
    runOf: (task, input) => runOfTask(enqueuer, toTask(task), input === undefined ? {} : { input }, 'intake'),
    invoke: (name, input, call) => registry.invoke(name, input, call), folder: dataDir ? join(dataDir, 'inbox') : null,
  });
  const folder = dataDir ? inboxFolder(join(dataDir, 'inbox'), {
    receive: inbox.receive, forget: inbox.forgetFile, forgetAllBut: (names) => inbox.forgetFilesBut(names), clock, logger,
  }) : null;
  const onChanged = () => { hooks.reload(taskStore.all()); notices.reload(); withSecrets = new Set(taskStore.withSecrets()); };
  const tasks = taskCommands({ taskStore, kinds, lanes: loop, clock, enqueuer, runs: store, onChanged, seal: (v) => secretBox.seal(v) });
  const schedules = scheduleCommands({ taskStore, clock, scheduler });
  const { createTask: _createTask, updateTask: _updateTask, ...taskRest } = tasks;
  const handlers = {
    ...enqueueCommands(enqueuer),
    ...runCommands({ sqlite, store, clock, events, loop, kinds, search: searchIndex, artifacts }),
    ...laneCommands({ sqlite, laneStore, store, taskStore, clock, events, loop }),
    // createTask and updateTask once: a task with its schedule, in one transaction.
    ...taskRest,
    ...schedules,
    ...withSchedule(sqlite, { ...tasks, ...schedules }),
    ...configCommands({ sqlite, taskStore, kinds, clock, loop, intake: () => inbox.commands.getIntake(), reloadIntake: () => inbox.reload(), invoke: (name, input) => registry.invoke(name, input) }),
    search: (q) => { loop.flush(); return searchIndex.search(q); },
    /** Plugins found in <dataDir>/plugins, with the reason for any that failed to load. */
    listPlugins: () => plugins,
    /** Every kind with the JSON Schema of its input (built in, plugins, and any given here). */
    listKinds: () => kinds.describe().map((k) => ({ ...k, builtIn: BUILT_IN_KIND_NAMES.has(k.name) })),
    /** A command's input as JSON Schema (zod 4's output, made once per command). */
    describeCommand: ({ name }) => describeCommand(name),
    ...inbox.commands,
    getNotifyPolicy: () => notices.policy(),
    setNotifyPolicy: (patch) => notices.setPolicy(patch),
    /** Loads the plugins folder again (after adding or fixing a plugin). */
    reloadPlugins: async () => {
      if (!dataDir) return [];
      plugins = await loadPlugins(dataDir, kinds);
      return plugins;
    },
  } satisfies Handlers;
  registry = createRegistry(handlers, loop);

  return {
    ...registry.methods(),
    /** A command by name, checked by its schema (hosts use `dispatch`, commands.ts). */
    invoke: registry.invoke,
    /**
     * Ends process trees a dead host left running, loads plugins (if the data folder has
     * any), recovers abandoned runs, catches up missed schedules, then starts claiming.
     * Without leftovers or plugins it starts before returning.
     */
    start: (): Promise<void> => {
      const go = (notes?: ReadonlyMap<number, string>) => {
        // Listening before recovery: a run found dead after a crash is told too.
        notices.start();
        // Files of runs that are not in this database (a reset or a restore): gone.
        artifacts.sweep((ids) => existingRuns(sqlite, ids));
        loop.start(notes);
        scheduler.tick();
        // Files put in the inbox folder while Tasklane was closed, then as they come.
        folder?.start();
        // What was written before this start (an older database, a crash mid-indexing).
        indexer.kick();
      };
      // Trees a dead host left running are ended first (never two copies of one run).
      const leftovers = findLeftovers(store, processTag);
      const withPlugins = hasPluginFiles(dataDir);
      if (!leftovers.length && !withPlugins) {
        go();
        return Promise.resolve();
      }
      return Promise.all([
        endLeftovers(leftovers),
        withPlugins ? loadPlugins(dataDir!, kinds).then((list) => { plugins = list; }) : null,
      ]).then(([notes]) => go(notes));
    },
    /**
     * After sleep, resume or a clock jump (the Electron shell calls this on resume and
     * unlock): enqueues missed fires by their catch-up policy and re-arms the timers.
     */
    wake: () => {
      loop.assertOpen();
      scheduler.tick();
      loop.onDue();
    },
    /** No new claims; waits for running work up to timeoutMs, then interrupts (re-queues) it. */
    stop: async (o: { timeoutMs?: number } = {}) => {
      if (loop.mode === 'closed') return;
      scheduler.stop();
      notices.stop();
      folder?.stop();
      await loop.stop(o.timeoutMs ?? 10_000);
      indexer.close();
      durability.close();
      sqlite.close();
    },
    /** Resolves once every write committed so far is on disk (fsync): hosts answer a write
     *  command only after it, so an accepted run survives a power loss (db/durable.ts). */
    durable: (): Promise<void> => durability.sync(),
    /** The daily backup into <data folder>/backups, keeping the last 7; null when not due. */
    dailyBackup: () => { loop.assertOpen(); return dailyBackup(dbPath, clock.now(), sqlite); },
    on: <T extends EngineEventType>(type: T | '*', fn: (event: EventOf<T>) => void) => events.on(type, fn),
    /**
     * A message from an intake source (POST /intake/<source>), stored before this returns.
     * Throws UNAUTHORIZED for a source that does not exist or a token that is not its own.
     */
    intake: (m: { source: string; token: string | undefined; text: string; format: 'text' | 'json'; truncated: boolean }) => {
      loop.assertOpen();
      const source = inbox.sourceFor(m.source, m.token);
      if (!source) throw new TasklaneError('UNAUTHORIZED', `no intake source '${m.source}' with this token (tasklane intake add ${m.source} makes one)`);
      return inbox.receive({ source, text: m.text, format: m.format, truncated: m.truncated });
    },
    /** Whether this token is the intake source's own (checked before a body is read). */
    intakeAllowed: (source: string, token: string | undefined) => inbox.sourceFor(source, token) !== null,
    /** Takes the files in the inbox folder now (it also looks by itself); how many it took. */
    scanInbox: () => { loop.assertOpen(); return folder?.scan() ?? 0; },
    /** Where a run's kept file is on disk (hosts serve it for download), or null. */
    artifactFile: (runId: number, name: string) => artifacts.file(runId, name),
    /** Resolves when nothing runs and nothing is ready to run (future runs may still wait). */
    idle: () => loop.idle(),
    registerKind: <I>(name: string, def: KindDefinition<I>) => kinds.register(name, def),
    kinds: () => kinds.names(),
    get dbPath() { return dbPath; },
    get dataDir() { return dataDir; },
    get lastSeq() { return events.lastSeq; },
  };
}

export type Engine = ReturnType<typeof createEngine>;
