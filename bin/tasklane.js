#!/usr/bin/env node
// The `tasklane` command, from the TypeScript sources (a clone needs no build):
// - the client verbs (ls, add, inbox, …) run from a bundle of src/cli that esbuild makes on
//   first use, and again whenever a source file is newer than it (node_modules/.cache); it
//   starts in a third of the time tsx's loader takes, which every script calling tasklane
//   in a loop feels;
// - serve and db (the engine itself, which finds its migrations and worker files beside its
//   own modules) run through tsx, as does everything when the bundle cannot be made.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The verb: the first word that is not an option (nor --data-dir's value). */
function verbOf(args) {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--data-dir') { i++; continue; }
    if (!args[i].startsWith('-')) return args[i];
  }
  return undefined;
}

/** The newest modification time of the CLI's sources (src/, and package.json for its deps). */
function newestSource() {
  let newest = statSync(join(root, 'package.json')).mtimeMs;
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) { if (e.name !== 'renderer') walk(join(dir, e.name)); } else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(join(dir, e.name)).mtimeMs);
    }
  };
  walk(join(root, 'src'));
  return newest;
}

async function bundled() {
  const out = join(root, 'node_modules', '.cache', 'tasklane-cli');
  const entry = join(out, 'main.mjs');
  if (!existsSync(entry) || statSync(entry).mtimeMs < newestSource()) {
    const { build } = await import('esbuild');
    // Built beside, then moved in: two commands started at once never read half a bundle.
    const tmp = join(out, `.build-${process.pid}`);
    mkdirSync(tmp, { recursive: true });
    await build({
      entryPoints: { main: join(root, 'src/cli/main.ts') }, outdir: tmp, bundle: true, splitting: true, format: 'esm',
      platform: 'node', target: 'node20', packages: 'external', logLevel: 'silent', outExtension: { '.js': '.js' },
    });
    // Chunks first, the entry last: a command that finds the new entry finds its chunks.
    for (const f of readdirSync(tmp).sort((a, b) => (a === 'main.js') - (b === 'main.js'))) renameSync(join(tmp, f), join(out, f === 'main.js' ? 'main.mjs' : f));
    rmSync(tmp, { recursive: true, force: true });
  }
  return import(pathToFileURL(entry).href);
}

const verb = verbOf(process.argv.slice(2));
let cli = null;
if (verb !== 'serve' && verb !== 'db' && process.env.TASKLANE_CLI_TSX !== '1') {
  try { cli = await bundled(); } catch { cli = null; }
}
if (!cli) {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import('../src/cli/main.ts');
}
await cli.main(process.argv);
