// What every host of the engine does beside the engine itself, shared by `tasklane serve`
// and the desktop app: the localhost API and UI with the per-install token, the endpoint
// file the `tasklane` command finds it by, a wake-up after the machine slept, and the
// daily retention of old finished runs.
import { rmSync, writeFileSync } from 'node:fs';
import type { Engine } from '../core/index';
import { startHost } from './http-host';
import type { Metrics } from './metrics';
import { DEFAULT_PORT, ensureToken, files } from './paths';

export { DEFAULT_PORT };

const DAY = 86_400_000;
const WATCH_MS = 30_000;

export interface LocalHostOptions {
  dataDir: string; engine: Engine; port: number; metrics?: Metrics | null; staticDir?: string;
  /** Where problems of the daily care go (serve: stderr; desktop: electron-log). */
  log?: (message: string) => void;
}
/** `windows`: how many windows (pages of the UI) are connected now. */
export interface LocalHost { url: string; port: number; token: string; windows(): number; close(): Promise<void> }

export async function openLocalHost(opts: LocalHostOptions): Promise<LocalHost> {
  const { engine, dataDir } = opts;
  const token = ensureToken(dataDir);
  const host = await startHost({ engine, token, port: opts.port, metrics: opts.metrics, staticDir: opts.staticDir });
  const endpoint = files(dataDir).endpoint;
  writeFileSync(endpoint, JSON.stringify({ port: host.port, pid: process.pid, url: host.url }), { mode: 0o600 });

  // Timers stop while the machine sleeps: a jump of the wall clock means we slept (the
  // desktop app also listens to powerMonitor, which Linux does not always deliver).
  let last = Date.now();
  const watchdog = setInterval(() => {
    const now = Date.now();
    if (Math.abs(now - last - WATCH_MS) > 5_000) engine.wake();
    last = now;
  }, WATCH_MS);
  // Care, at start and then once a day: finished runs older than 30 days go (the newest
  // 1,000 stay) and their space is given back; a backup is written when the last is a day
  // old, and the last 7 are kept (<data folder>/backups).
  const care = async () => {
    try {
      await engine.prune({ olderThanDays: 30, keepLast: 1000 });
      await engine.dailyBackup();
    } catch (error) {
      opts.log?.(`daily care (retention, backup) failed: ${(error as Error).message}`);
    }
  };
  void care();
  const retention = setInterval(() => void care(), DAY);

  return {
    url: host.url,
    port: host.port,
    token,
    windows: host.windows,
    async close() {
      clearInterval(watchdog);
      clearInterval(retention);
      await host.close();
      rmSync(endpoint, { force: true });
    },
  };
}
