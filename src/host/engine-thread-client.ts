// The main thread's side of the engine thread (engine-thread.ts): starts it, passes calls
// to it and answers them when it does, hands on its event batches, notifications and log
// lines, and stops it. Everything here is a message: the main thread never waits for the
// engine.
import { Worker } from 'node:worker_threads';
import type { EngineEvent } from '../core/api/types';
import type { Outcome } from '../core/api/contract';
import type { EngineThreadOptions, FromThread, ToThread } from './engine-thread';

export interface EngineThreadHandlers {
  onEvents?(events: EngineEvent[]): void;
  onNotify?(notification: Extract<FromThread, { type: 'notify' }>['notification']): void;
  onLog?(level: 'info' | 'warn' | 'error', text: string): void;
  /** The thread ended when it was not asked to (a crash): calls under way fail. */
  onExit?(code: number): void;
}

export interface EngineThread {
  /** The local host's address (for the `tasklane` command and a browser). */
  url: string;
  /** A command of the contract; the engine checks the name and the input, as over IPC. */
  call(name: string, input: unknown): Promise<Outcome<unknown>>;
  wake(): void;
  stop(timeoutMs?: number): Promise<void>;
}

/** Why the engine thread could not start (STORAGE_CORRUPT, STORAGE_LOCKED, …). */
export class EngineThreadFailed extends Error {
  constructor(readonly code: string, message: string) { super(message); }
}

/** The thread's entry: beside this module when bundled (electron-vite builds it as its own
 *  entry); from the TypeScript source through tsx otherwise (tests, `npm start` is bundled). */
function entry(): { file: URL; workerData?: object } {
  const here = import.meta.url;
  if (!/\.ts$/.test(new URL(here).pathname)) return { file: new URL('./engine-thread.js', here) };
  return { file: new URL('./engine-thread-boot.mjs', here), workerData: { entry: new URL('./engine-thread.ts', here).href } };
}

export function startEngineThread(opts: EngineThreadOptions, handlers: EngineThreadHandlers = {}): Promise<EngineThread> {
  const { file, workerData } = entry();
  const worker = new Worker(file, { workerData: { ...opts, ...workerData } });
  const waiting = new Map<number, (outcome: Outcome<unknown>) => void>();
  let nextId = 1;
  let stopping: (() => void) | null = null;
  /** Whether it said ready (an end before that is a failed start, not a crash). */
  let started = false;
  let exited = false;
  const send = (m: ToThread) => worker.postMessage(m);

  return new Promise((resolve, reject) => {
    worker.on('message', (m: FromThread) => {
      switch (m.type) {
        case 'ready':
          started = true;
          resolve({
            url: m.url,
            call: (name, input) => {
              if (exited) return Promise.resolve({ ok: false, error: { code: 'ENGINE_STOPPED', message: 'the engine has stopped' } });
              const id = nextId++;
              return new Promise((answer) => { waiting.set(id, answer); send({ type: 'call', id, name, input }); });
            },
            wake: () => { if (!exited) send({ type: 'wake' }); },
            stop: (timeoutMs = 10_000) => exited ? Promise.resolve() : new Promise<void>((done) => {
              stopping = done;
              send({ type: 'stop', timeoutMs });
              // It answers 'stopped' and ends; if something keeps it alive, it is ended.
              setTimeout(() => { void worker.terminate(); }, timeoutMs + 5_000).unref();
            }),
          });
          break;
        case 'failed': reject(new EngineThreadFailed(m.code, m.message)); break;
        case 'result': waiting.get(m.id)?.(m.outcome as Outcome<unknown>); waiting.delete(m.id); break;
        case 'events': handlers.onEvents?.(m.events as EngineEvent[]); break;
        case 'notify': handlers.onNotify?.(m.notification); break;
        case 'log': handlers.onLog?.(m.level, m.text); break;
        case 'stopped': void worker.terminate(); break;
      }
    });
    worker.on('error', (error) => { handlers.onLog?.('error', `the engine thread failed: ${error.stack ?? error.message}`); reject(error); });
    worker.on('exit', (code) => {
      exited = true;
      for (const answer of waiting.values()) answer({ ok: false, error: { code: 'ENGINE_STOPPED', message: 'the engine has stopped' } });
      waiting.clear();
      if (stopping) stopping();
      else if (started) handlers.onExit?.(code);
      else reject(new EngineThreadFailed('INTERNAL', `the engine thread ended before it started (exit ${code})`));
    });
  });
}
