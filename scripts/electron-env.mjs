// What the desktop app needs beside `npm install`, prepared on first use:
// - the Electron binary (installs skip its download where it is blocked; fetched here);
// - better-sqlite3 built for Electron's ABI, kept apart in .electron-native/ so that plain
//   Node (tests, `tasklane serve`) keeps its own build. The main process loads it through
//   better-sqlite3's `nativeBinding` option.
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(join(root, 'package.json'));
const run = (cmd, args, cwd = root) => execFileSync(cmd, args, { cwd, stdio: 'inherit', env: { ...process.env } });

/** The Electron binary's path, or null with the reason it is missing. Downloads nothing
 *  (electron's own `require('electron')` would try to). */
export function electronBinary() {
  const pkg = join(root, 'node_modules', 'electron');
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile)) return { path: null, reason: 'the Electron binary was never downloaded (node_modules/electron/path.txt is missing)' };
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(pkg, 'dist');
  const path = join(dist, readFileSync(pathFile, 'utf8').trim());
  return existsSync(path) ? { path } : { path: null, reason: `the Electron binary is not at ${path}` };
}

export function ensureElectronBinary() {
  const found = electronBinary();
  if (found.path) return found.path;
  console.log('Fetching the Electron binary (once)…');
  try {
    return require('electron');
  } catch (e) {
    throw new Error(`${found.reason}, and this machine could not download it (${String(e.message).split('\n')[0]}). `
      + 'Use `npm run serve` for the same app in a browser.');
  }
}

export function ensureElectronSqlite() {
  const electronVersion = require('electron/package.json').version;
  const sqliteVersion = require('better-sqlite3/package.json').version;
  const dir = join(root, '.electron-native');
  const target = join(dir, 'better_sqlite3.node');
  const stamp = join(dir, 'stamp.json');
  const want = JSON.stringify({ electronVersion, sqliteVersion, arch: process.arch, platform: process.platform });
  if (existsSync(target) && existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return target;
  console.log(`Building better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (once)…`);
  const work = join(dir, 'better-sqlite3');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const source = join(root, 'node_modules', 'better-sqlite3');
  for (const part of ['package.json', 'binding.gyp', 'src', 'deps', 'lib']) cpSync(join(source, part), join(work, part), { recursive: true });
  const bin = (name) => join(root, 'node_modules', '.bin', name);
  try {
    run(bin('prebuild-install'), ['--runtime', 'electron', '--target', electronVersion, '--arch', process.arch], work);
  } catch {
    run(bin('node-gyp'), ['rebuild', '--release', '--runtime=electron', `--target=${electronVersion}`, `--arch=${process.arch}`,
      '--dist-url=https://electronjs.org/headers'], work);
  }
  copyFileSync(join(work, 'build', 'Release', 'better_sqlite3.node'), target);
  writeFileSync(stamp, want);
  rmSync(work, { recursive: true, force: true });
  return target;
}
