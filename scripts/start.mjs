// `npm start`: the desktop app from this checkout. Prepares what it needs once (the Electron
// binary, better-sqlite3 for Electron), builds, and opens the window.
import { spawn, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureElectronBinary, ensureElectronSqlite, root } from './electron-env.mjs';

let electron;
try {
  electron = ensureElectronBinary();
  ensureElectronSqlite();
} catch (e) {
  console.error(`\nTasklane's window cannot start: ${e.message}`);
  process.exit(1);
}
execFileSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
const app = spawn(electron, [root, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
app.on('exit', (code) => process.exit(code ?? 0));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => app.kill(signal));
