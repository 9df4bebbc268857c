// `tasklane serve`: the engine without a window, with the same UI and API over 127.0.0.1.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createEngine, headlessNotifier, TasklaneError, type Engine } from '../core/index';
import type { Logger } from '../core/ports';
import { fileLogger, logRunTrouble, logUncaught, rotatingFile } from './app-log';
import { acquireLock, LockedError } from './lock';
import { DEFAULT_PORT, openLocalHost } from './local-host';
import { createMetrics, type Metrics } from './metrics';
import { defaultDataDir, ensureToken, files } from './paths';
import { readSettings } from './settings';

export { DEFAULT_PORT };

export interface ServeOptions { dataDir: string; port: number; metrics: boolean; stopTimeoutMs?: number; /** Say where it serves as one JSON line. */ json?: boolean }

/** What serve always printed, for the person who started it; the app log gets it too. */
const consoleLogger: Logger = {
  info: (m, ...r) => console.log(m, ...r), warn: (m, ...r) => console.warn(m, ...r), error: (m, ...r) => console.error(m, ...r),
};

export async function serve(opts: ServeOptions): Promise<never | void> {
  let release: () => void;
  try {
    ensureToken(opts.dataDir);
    release = acquireLock(files(opts.dataDir).lock);
  } catch (e) {
    if (e instanceof LockedError) {
      // Its own code: a service manager must not start it again and again (RestartPreventExitStatus).
      console.error(e.message);
      process.exit(6);
    }
    throw e;
  }
  // The app log (<data folder>/logs/tasklane.log): everything the console shows, and what
  // only a log needs (runs that went dead, an uncaught exception) in the file alone.
  const logFile = rotatingFile(files(opts.dataDir).log);
  const fileOnly = fileLogger(logFile);
  const log = fileLogger(logFile, consoleLogger);
  logUncaught(fileOnly);
  const { settings, problem } = readSettings(opts.dataDir);
  if (problem) log.warn(problem);
  const metricsOn = opts.metrics || settings.metrics;
  let engine: Engine;
  let metrics: Metrics | null;
  let windowsOpen = () => 0;
  try {
    // A notice (the notification policy) shows in an open window (the page's Web
    // Notification); notify-send only when none is open. Reminders always go to the desktop.
    const desktop = headlessNotifier(log);
    engine = createEngine({ dataDir: opts.dataDir, logger: log,
      notifier: { notify: (n) => (n.kind === 'notice' && windowsOpen() > 0 ? true : desktop.notify(n)) } });
    // Both listen from before the start: what it does (abandoned runs, missed fires) counts.
    logRunTrouble(engine, fileOnly);
    metrics = metricsOn ? createMetrics(engine) : null;
    await engine.start();
  } catch (error) {
    // A damaged, full or read-only database: say which file and what to do, and stop here.
    // Nothing is deleted; `tasklane db reset` / `db restore` are the person's choice.
    release();
    if (!(error instanceof TasklaneError)) throw error;
    log.error(`Tasklane cannot start: ${error.message}`);
    if (opts.dataDir !== defaultDataDir()) console.error(`(this data folder is not the default: add --data-dir ${opts.dataDir} to those commands)`);
    process.exit(error.code === 'STORAGE_CORRUPT' ? 5 : 1);
  }
  const built = fileURLToPath(new URL('../../out/renderer', import.meta.url));
  const host = await openLocalHost({ dataDir: opts.dataDir, engine, port: opts.port, metrics,
    staticDir: existsSync(built) ? built : undefined, log: (m) => log.error(m) });
  windowsOpen = host.windows;
  // (Never the token: the log is a file someone may send along with a bug report.)
  fileOnly.info(`Tasklane is serving ${opts.dataDir} at ${host.url}${metricsOn ? `, with metrics at ${host.url}metrics` : ''}`);
  if (opts.json) {
    console.log(JSON.stringify({ dataDir: opts.dataDir, url: host.url, open: `${host.url}#token=${host.token}`, port: host.port,
      ...(metricsOn && { metrics: `${host.url}metrics` }) }));
  } else {
    console.log(`Tasklane is serving ${opts.dataDir}`);
    console.log(`Open ${host.url}#token=${host.token}`);
    if (metricsOn) console.log(`Metrics: ${host.url}metrics (Authorization: Bearer <token>)`);
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const grace = Math.min(5, (opts.stopTimeoutMs ?? 10_000) / 2000);
    log.info(`${signal}: stopping (running work gets ${grace} s to finish, then SIGTERM, then SIGKILL ${grace} s later)`);
    await host.close();
    await engine.stop({ timeoutMs: opts.stopTimeoutMs ?? 10_000 });
    fileOnly.info('Tasklane stopped');
    logFile.close();
    release();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}
