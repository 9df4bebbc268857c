// Every test gets its own data folder and its own `tasklane serve` (a real process on a free
// port), and a page opened at the address it printed, token included.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base, expect } from '@playwright/test';

export const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'tasklane.js');

if (!existsSync(join(root, 'out', 'renderer', 'index.html'))) {
  throw new Error('the window is not built: run `npm run build` first (npm test does)');
}

export interface Served { url: string; dataDir: string; process: ChildProcess; cli(...args: string[]): { status: number | null; stdout: string; stderr: string } }

async function startServe(dataDir: string): Promise<Served> {
  const child = spawn(process.execPath, [bin, 'serve', '--data-dir', dataDir, '--port', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Open (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
    child.on('exit', (code) => reject(new Error(`tasklane serve exited with ${code}:\n${out}`)));
  });
  return {
    url, dataDir, process: child,
    cli: (...args) => {
      const r = spawnSync(process.execPath, [bin, '--data-dir', dataDir, ...args], { cwd: root, encoding: 'utf8' });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    },
  };
}

export const test = base.extend<{ served: Served }>({
  served: async ({ page }, use) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tasklane-e2e-'));
    const served = await startServe(dataDir);
    await page.goto(served.url);
    await expect(page.getByText('● live')).toBeVisible();
    await use(served);
    const exited = new Promise((r) => served.process.once('exit', r));
    served.process.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  },
});

export { expect };
