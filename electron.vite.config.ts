// Three bundles: the Electron main process, the preload (CommonJS: sandboxed preloads
// cannot be ES modules) and the window. `tasklane serve` serves the same window build.
import { copyFileSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

// Plugins run in a worker from a file beside the engine's code (src/core/handlers/plugins.ts
// finds it next to its own module, which in the app is the main bundle).
const pluginHost = {
  name: 'tasklane-plugin-host',
  writeBundle() {
    mkdirSync(resolve(import.meta.dirname, 'out/main'), { recursive: true });
    // …and reports read the database from a worker beside it (handlers/report.ts).
    for (const file of ['plugin-host.mjs', 'report-query.mjs']) {
      copyFileSync(resolve(import.meta.dirname, `src/core/handlers/${file}`), resolve(import.meta.dirname, `out/main/${file}`));
    }
  },
};

export default defineConfig({
  main: {
    plugins: [pluginHost],
    build: {
      outDir: 'out/main',
      // The engine thread (src/host/engine-thread.ts) is an entry of its own: the main
      // process starts it as a worker from out/main/engine-thread.js.
      rollupOptions: { input: {
        index: resolve(import.meta.dirname, 'electron/main/index.ts'),
        'engine-thread': resolve(import.meta.dirname, 'src/host/engine-thread.ts'),
      } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'src/renderer'),
    plugins: [react()],
    build: {
      outDir: 'out/renderer',
      minify: true,
      rollupOptions: { input: { index: resolve(import.meta.dirname, 'src/renderer/index.html') } },
    },
  },
});
