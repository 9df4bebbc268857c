// Plugins: JS modules in <dataDir>/plugins that each export a kind (name, input schema,
// run). Loading and every run happen in worker threads, so a plugin that throws, crashes
// or loops forever cannot take the app down; a timeout or cancel terminates its worker.
// A plugin that fails to load is listed with the reason, and its kind refuses runs.
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { signalGroup } from './process-tree';
import { z } from 'zod';
import { KindError, type KindDefinition, type KindRegistry } from '../kinds';
import { BUILT_IN_KIND_NAMES } from './built-in';
import type { LogStream } from '../api/types';

const HOST = fileURLToPath(new URL('./plugin-host.mjs', import.meta.url));
const LOAD_TIMEOUT_MS = 5_000;

import type { PluginInfo } from '../api/types';
export type { PluginInfo };

type HostMessage =
  | { type: 'described'; name: string; schema: Record<string, unknown> }
  | { type: 'log'; stream: LogStream; text: string }
  | { type: 'progress'; percent: number; message?: string }
  | { type: 'artifact'; path: string }
  | { type: 'process'; pid: number }
  | { type: 'result'; value: unknown }
  | { type: 'error'; code: string; message: string; retryable: boolean };

function describe(file: string): Promise<{ name: string; schema: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(HOST, { workerData: { mode: 'describe', file } });
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`it did not load within ${LOAD_TIMEOUT_MS / 1000} s (an endless loop at the top of the module?)`));
    }, LOAD_TIMEOUT_MS);
    worker.once('message', (m: HostMessage) => {
      clearTimeout(timer);
      void worker.terminate();
      if (m.type === 'described') resolve(m);
      else reject(new Error(m.type === 'error' ? m.message : 'unexpected message'));
    });
    worker.once('error', (e) => { clearTimeout(timer); reject(e); });
  });
}

/** A plugin's heap: past it, its worker is stopped and the run fails; the app goes on. */
export const PLUGIN_HEAP_MB = 512;

function pluginKind(file: string, schema: z.ZodType, dataDir: string): KindDefinition {
  return {
    input: schema,
    run: (input, ctx) => new Promise((resolve, reject) => {
      const worker = new Worker(HOST, { workerData: { mode: 'run', file, input, runId: ctx.runId, attempt: ctx.attempt, dataDir, processTag: ctx.processTag },
        resourceLimits: { maxOldGenerationSizeMb: PLUGIN_HEAP_MB } });
      // Programs the plugin started through ctx.spawn (each leads its own process group)
      // end with the run, whatever way it ends.
      const children: number[] = [];
      // Files it asked to keep (ctx.artifact): copied before the run ends, whichever way.
      const copies: Promise<void>[] = [];
      let result: { value: unknown } | null = null;
      const afterCopies = (fn: () => void) => { void Promise.all(copies).then(() => finish(fn)); };
      let settled = false;
      const finish = (fn: () => void) => {
        if (!settled) { settled = true; fn(); }
        void worker.terminate();
        for (const pid of children.splice(0)) signalGroup(pid, 'SIGKILL');
      };
      const onAbort = () => finish(() => reject(ctx.signal.reason));
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      worker.on('message', (m: HostMessage) => {
        if (m.type === 'log') ctx.log(m.stream === 'stderr' ? 'stderr' : m.stream === 'info' ? 'info' : 'stdout', m.text);
        else if (m.type === 'progress') ctx.progress(m.percent, m.message);
        else if (m.type === 'artifact') copies.push(ctx.artifact(String(m.path), dirname(file)));
        else if (m.type === 'process') {
          if (settled) signalGroup(m.pid, 'SIGKILL');
          else {
            if (!children.length) ctx.track(m.pid);
            children.push(m.pid);
          }
        }
        else if (m.type === 'result') { result = { value: m.value }; afterCopies(() => resolve(m.value)); }
        else if (m.type === 'error') afterCopies(() => reject(new KindError(m.code, m.message, { retryable: m.retryable })));
      });
      worker.on('error', (e: Error & { code?: string }) => finish(() => reject(e.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? new KindError('PLUGIN_OUT_OF_MEMORY', `the plugin used more than its ${PLUGIN_HEAP_MB} MB of memory and was stopped`)
        : new KindError('PLUGIN_CRASHED', `the plugin crashed: ${e.message}`))));
      worker.on('exit', (code) => {
        ctx.signal.removeEventListener('abort', onAbort);
        // Its result came first: the worker is done, the copies may still be going.
        if (result) return;
        afterCopies(() => reject(new KindError('PLUGIN_EXITED', `the plugin's worker exited (code ${code}) without a result`)));
      });
    }),
  };
}

/** A kind for a plugin that failed to load: enqueue is refused with the reason. */
function brokenKind(reason: string): KindDefinition {
  return { input: z.unknown().superRefine((_v, c) => c.addIssue({ code: 'custom', message: reason })), run: () => { throw new KindError('PLUGIN_NOT_LOADED', reason, { retryable: false }); } };
}

export function pluginsDir(dataDir: string): string {
  return join(dataDir, 'plugins');
}

/** Loads every plugin in <dataDir>/plugins (never throws: failures are listed). */
export async function loadPlugins(dataDir: string, kinds: KindRegistry): Promise<PluginInfo[]> {
  const dir = pluginsDir(dataDir);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  const files = readdirSync(dir).filter((f) => ['.js', '.mjs', '.cjs'].includes(extname(f))).sort();
  return Promise.all(files.map(async (f): Promise<PluginInfo> => {
    const file = join(dir, f);
    const fallbackKind = basename(f, extname(f));
    try {
      const { name, schema } = await describe(file);
      if (BUILT_IN_KIND_NAMES.has(name)) throw new Error(`kind '${name}' is built in; give the plugin another name`);
      let input: z.ZodType;
      try { input = z.fromJSONSchema(schema as never) as z.ZodType; } catch (e) { throw new Error(`its input schema is not valid JSON Schema: ${(e as Error).message}`); }
      kinds.register(name, pluginKind(file, input, dataDir));
      return { file, kind: name, ok: true, error: null };
    } catch (error) {
      const reason = `plugin ${f} failed to load: ${(error as Error).message}`;
      if (!BUILT_IN_KIND_NAMES.has(fallbackKind) && /^[a-z][a-z0-9_.:-]{0,99}$/i.test(fallbackKind)) kinds.register(fallbackKind, brokenKind(reason));
      return { file, kind: fallbackKind, ok: false, error: reason };
    }
  }));
}

export function hasPluginFiles(dataDir: string | undefined): boolean {
  if (!dataDir || !existsSync(pluginsDir(dataDir))) return false;
  return readdirSync(pluginsDir(dataDir)).some((f) => ['.js', '.mjs', '.cjs'].includes(extname(f)));
}
