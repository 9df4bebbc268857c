// Every test gets its own data folder and its own `tasklane serve` (a real process on a free
// port), and a page opened at the address it printed, token included.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base, expect, type Page } from '@playwright/test';

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

/** A command sent from the page, as another client would (the page's token): the answer as it came. */
export function callApi(page: Page, name: string, body: unknown): Promise<{ ok: boolean; value?: unknown; error?: unknown }> {
  return page.evaluate(async ([n, b]) => {
    const res = await fetch(`/api/${n}`, { method: 'POST', body: JSON.stringify(b),
      headers: { authorization: `Bearer ${sessionStorage.getItem('tasklane.token')}`, 'content-type': 'application/json' } });
    return res.json() as Promise<{ ok: boolean; value?: unknown; error?: unknown }>;
  }, [name, body] as const);
}

/** The same, for a command that must succeed: its value. */
export async function call<T = unknown>(page: Page, name: string, body: unknown): Promise<T> {
  const answer = await callApi(page, name, body);
  expect(answer, `${name}: ${JSON.stringify(answer.error)}`).toMatchObject({ ok: true });
  return answer.value as T;
}

export { expect };
