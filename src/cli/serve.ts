// `tasklane serve`: the engine without a window, with the same UI and API over 127.0.0.1.
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createEngine } from '../core/index';
import { acquireLock, LockedError } from './lock';
import { startHost } from './http-host';
import { ensureToken, files } from './paths';

export const DEFAULT_PORT = 7437;
const DAY = 86_400_000;

export interface ServeOptions { dataDir: string; port: number; metrics: boolean; stopTimeoutMs?: number }

export async function serve(opts: ServeOptions): Promise<never | void> {
  const f = files(opts.dataDir);
  let release: () => void;
  try {
    ensureToken(opts.dataDir);
    release = acquireLock(f.lock);
  } catch (e) {
    if (e instanceof LockedError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  const token = ensureToken(opts.dataDir);
  const engine = createEngine({
    dataDir: opts.dataDir,
    logger: { info: (m) => console.log(m), warn: (m, ...r) => console.warn(m, ...r), error: (m, ...r) => console.error(m, ...r) },
  });
  await engine.start();
  const staticDir = fileURLToPath(new URL('../../out/renderer', import.meta.url));
  const host = await startHost({ engine, token, port: opts.port, metrics: opts.metrics, staticDir: existsSync(staticDir) ? staticDir : undefined });
  writeFileSync(f.endpoint, JSON.stringify({ port: host.port, pid: process.pid, url: host.url }), { mode: 0o600 });
  console.log(`Tasklane is serving ${opts.dataDir}`);
  console.log(`Open ${host.url}#token=${token}`);
  if (opts.metrics) console.log(`Metrics: ${host.url}metrics (Authorization: Bearer <token>)`);

  // Timers stop while the machine sleeps: a jump of the wall clock means we slept.
  let last = Date.now();
  const watchdog = setInterval(() => {
    const now = Date.now();
    if (Math.abs(now - last - 30_000) > 5_000) engine.wake();
    last = now;
  }, 30_000);
  // Retention: once a day, finished runs older than 30 days go (the newest 1,000 stay).
  const retention = setInterval(() => { void engine.prune({ olderThanDays: 30, keepLast: 1000 }); }, DAY);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping (running work gets ${(opts.stopTimeoutMs ?? 10_000) / 1000} s to finish)`);
    clearInterval(watchdog);
    clearInterval(retention);
    await host.close();
    await engine.stop({ timeoutMs: opts.stopTimeoutMs ?? 10_000 });
    rmSync(f.endpoint, { force: true });
    release();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}
