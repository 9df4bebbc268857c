// The engine and its local host on a thread of their own (a worker_threads Worker), for the
// desktop app: Electron's main thread draws the tray, shows notifications and passes the
// window's calls on, and never waits for the engine. Measured in bench/scenarios/scale.ts:
// a drain at full speed holds the engine's own thread for tens of milliseconds at a time
// (BENCHMARKS.md, "Session 8"); the window's thread must not.
//
// Messages (engine-thread-client.ts is the other side):
//   in:  call {id, name, input} · wake · stop
//   out: ready {url} · failed {code, message} · result {id, outcome} · events {events}
//        · notify {notification} · log {level, text} · stopped
import { format } from 'node:util';
import { parentPort, workerData } from 'node:worker_threads';
import { createEngine, dispatch, TasklaneError, type Engine, type EngineOptions } from '../core/index';
import type { Logger } from '../core/ports';
import { logRunTrouble } from './app-log';
import { batchEvents } from './batcher';
import { openLocalHost, type LocalHost } from './local-host';
import { createMetrics } from './metrics';

export interface EngineThreadOptions {
  dataDir: string;
  port: number;
  /** The window's files, served to a browser too. */
  staticDir?: string;
  metrics: boolean;
  /** better-sqlite3 built for Electron (npm start). */
  nativeBinding?: string;
  /** Whether the main thread can show a notification (a notify run says so). */
  notifications?: boolean;
  /** A module whose `kinds` export adds kinds to the engine (benches: a kind that only
   *  writes a log line; the app has its built-in kinds and plugins). */
  kindsModule?: string;
}

export type ToThread =
  | { type: 'call'; id: number; name: string; input: unknown }
  | { type: 'wake' }
  | { type: 'stop'; timeoutMs: number };

export type FromThread =
  | { type: 'ready'; url: string }
  | { type: 'failed'; code: string; message: string }
  | { type: 'result'; id: number; outcome: unknown }
  | { type: 'events'; events: unknown[] }
  | { type: 'notify'; notification: { title: string; body: string; urgency: 'low' | 'normal' | 'critical'; runId: number | null; kind: 'reminder' | 'notice' } }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; text: string }
  | { type: 'stopped' };

const port = parentPort!;
const post = (m: FromThread) => port.postMessage(m);
const opts = workerData as EngineThreadOptions;
const logger: Logger = {
  info: (...a: unknown[]) => post({ type: 'log', level: 'info', text: format(...a) }),
  warn: (...a: unknown[]) => post({ type: 'log', level: 'warn', text: format(...a) }),
  error: (...a: unknown[]) => post({ type: 'log', level: 'error', text: format(...a) }),
};

// A worker ends on an unhandled rejection by default; the app's main thread went on after
// one (logging it), and so does this thread.
process.on('unhandledRejection', (reason) => logger.error('unhandled rejection in the engine thread', reason));
const kinds = opts.kindsModule ? (await import(opts.kindsModule) as { kinds: EngineOptions['kinds'] }).kinds : undefined;
let engine: Engine;
try {
  engine = createEngine({
    kinds,
    dataDir: opts.dataDir,
    logger,
    nativeBinding: opts.nativeBinding,
    // Shown by the main thread (Electron's Notification lives there).
    notifier: {
      notify: (n) => {
        if (opts.notifications === false) return false;
        post({ type: 'notify', notification: { title: n.title, body: n.body ?? '', urgency: n.urgency ?? 'normal', runId: n.runId ?? null, kind: n.kind ?? 'reminder' } });
        return true;
      },
    },
  });
} catch (error) {
  post({ type: 'failed', code: error instanceof TasklaneError ? error.code : 'INTERNAL', message: (error as Error).message });
  process.exit(1);
}
logRunTrouble(engine, logger);
let host: LocalHost;
try {
  await engine.start();
  host = await openLocalHost({
    dataDir: opts.dataDir, engine, port: opts.port, staticDir: opts.staticDir,
    metrics: opts.metrics ? createMetrics(engine) : null, log: (m) => logger.warn(m),
  });
} catch (error) {
  post({ type: 'failed', code: error instanceof TasklaneError ? error.code : 'INTERNAL', message: (error as Error).message });
  await engine.stop({ timeoutMs: 0 }).catch(() => {});
  process.exit(1);
}
// Events go to the main thread in batches, at most every 50 ms (as the window wants them).
const batcher = batchEvents(engine, (events) => post({ type: 'events', events }));

port.on('message', (m: ToThread) => {
  if (m.type === 'call') {
    void dispatch(engine, m.name, m.input, { origin: 'window' })
      .then((outcome) => post({ type: 'result', id: m.id, outcome }))
      .catch((error: unknown) => post({ type: 'result', id: m.id, outcome: { ok: false, error: { code: 'INTERNAL', message: (error as Error).message } } }));
  } else if (m.type === 'wake') {
    engine.wake();
  } else if (m.type === 'stop') {
    void (async () => {
      batcher.close();
      await host.close();
      await engine.stop({ timeoutMs: m.timeoutMs });
      post({ type: 'stopped' });
      port.close();
    })();
  }
});
post({ type: 'ready', url: host.url });
