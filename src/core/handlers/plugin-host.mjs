// Runs inside a worker thread: loads one plugin module, then either describes it (name and
// input schema as JSON Schema) or runs it once, relaying log, progress and the outcome.
// Plain JavaScript so that it runs in a worker without a TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';

const post = (m) => parentPort.postMessage(m);
const appRequire = createRequire(import.meta.url);

function pluginOf(mod) {
  const p = mod.default && typeof mod.default === 'object' ? mod.default : mod;
  if (typeof p.name !== 'string' || !/^[a-z][a-z0-9_.:-]{0,99}$/i.test(p.name)) {
    throw new Error('the plugin must export a `name` (letters, digits, . _ : -)');
  }
  if (typeof p.run !== 'function') throw new Error('the plugin must export a `run(input, ctx)` function');
  if (!p.input || typeof p.input !== 'object') throw new Error('the plugin must export an `input` schema (zod or JSON Schema)');
  return p;
}

function jsonSchemaOf(input) {
  return typeof input.safeParse === 'function' ? z.toJSONSchema(input) : input;
}

try {
  const plugin = pluginOf(await import(pathToFileURL(workerData.file).href));
  if (workerData.mode === 'describe') {
    post({ type: 'described', name: plugin.name, schema: jsonSchemaOf(plugin.input) });
  } else {
    const ctx = {
      runId: workerData.runId,
      attempt: workerData.attempt,
      dataDir: workerData.dataDir,
      log: (stream, text) => post({ type: 'log', stream, text: String(text) }),
      progress: (percent, message) => post({ type: 'progress', percent, message }),
      // Keeps a copy of the file with the run (an absolute path, or relative to the plugin's folder).
      artifact: (path) => post({ type: 'artifact', path: String(path) }),
      // Plugins live in the data folder, outside the app: this imports the app's own packages.
      import: (specifier) => import(pathToFileURL(appRequire.resolve(specifier)).href),
      // Starts a program that ends with the run (timeout, cancel, stop, or the run's end):
      // it leads its own process group, which the app kills with everything in it.
      spawn: (command, args = [], options = {}) => {
        const env = { ...(options.env ?? process.env), TASKLANE_RUN: workerData.processTag };
        const child = spawn(command, args, { ...options, env, detached: process.platform !== 'win32' });
        if (child.pid !== undefined) post({ type: 'process', pid: child.pid });
        return child;
      },
    };
    const value = await plugin.run(workerData.input, ctx);
    post({ type: 'result', value: value === undefined ? null : JSON.parse(JSON.stringify(value)) });
  }
} catch (error) {
  post({
    type: 'error',
    code: typeof error?.code === 'string' ? error.code : 'PLUGIN_ERROR',
    message: error instanceof Error ? error.message : String(error),
    retryable: error?.retryable !== false,
  });
}
