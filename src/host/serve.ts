// `tasklane serve`: the engine without a window, with the same UI and API over 127.0.0.1.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createEngine, TasklaneError, type Engine } from '../core/index';
import { acquireLock, LockedError } from './lock';
import { DEFAULT_PORT, openLocalHost } from './local-host';
import { defaultDataDir, ensureToken, files } from './paths';

export { DEFAULT_PORT };

export interface ServeOptions { dataDir: string; port: number; metrics: boolean; stopTimeoutMs?: number; /** Say where it serves as one JSON line. */ json?: boolean }

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
  let engine: Engine;
  try {
    engine = createEngine({
      dataDir: opts.dataDir,
      logger: { info: (m) => console.log(m), warn: (m, ...r) => console.warn(m, ...r), error: (m, ...r) => console.error(m, ...r) },
    });
    await engine.start();
  } catch (error) {
    // A damaged, full or read-only database: say which file and what to do, and stop here.
    // Nothing is deleted; `tasklane db reset` / `db restore` are the person's choice.
    release();
    if (!(error instanceof TasklaneError)) throw error;
    console.error(`Tasklane cannot start: ${error.message}`);
    if (opts.dataDir !== defaultDataDir()) console.error(`(this data folder is not the default: add --data-dir ${opts.dataDir} to those commands)`);
    process.exit(error.code === 'STORAGE_CORRUPT' ? 5 : 1);
  }
  const built = fileURLToPath(new URL('../../out/renderer', import.meta.url));
  const host = await openLocalHost({ dataDir: opts.dataDir, engine, port: opts.port, metrics: opts.metrics,
    staticDir: existsSync(built) ? built : undefined, log: (m) => console.error(m) });
  if (opts.json) {
    console.log(JSON.stringify({ dataDir: opts.dataDir, url: host.url, open: `${host.url}#token=${host.token}`, port: host.port,
      ...(opts.metrics && { metrics: `${host.url}metrics` }) }));
  } else {
    console.log(`Tasklane is serving ${opts.dataDir}`);
    console.log(`Open ${host.url}#token=${host.token}`);
    if (opts.metrics) console.log(`Metrics: ${host.url}metrics (Authorization: Bearer <token>)`);
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const grace = Math.min(5, (opts.stopTimeoutMs ?? 10_000) / 2000);
    console.log(`${signal}: stopping (running work gets ${grace} s to finish, then SIGTERM, then SIGKILL ${grace} s later)`);
    await host.close();
    await engine.stop({ timeoutMs: opts.stopTimeoutMs ?? 10_000 });
    release();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}
