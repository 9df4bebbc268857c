// The README's examples are tests: every `tasklane …` line of README.md runs, in order,
// against a real `tasklane serve` in a temp folder, and must succeed.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tempDir } from '../core/testing/harness';
import { startServe, type Server } from './test-support';

const root = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(root, 'bin', 'tasklane.js');
const tmp = tempDir();
let s: Server;
let running = false;

/** The shell lines of README.md that run `tasklane`, in order. */
export function readmeLines(text: string): string[] {
  const lines: string[] = [];
  let inShell = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) { inShell = !inShell && /^```(sh|bash)\s*$/.test(line); continue; }
    if (inShell && (/^tasklane\s/.test(line) || /\|\s*tasklane\s/.test(line))) lines.push(line);
  }
  return lines;
}

beforeAll(async () => {
  s = await startServe(join(tmp.dir, 'data'));
  running = true;
}, 60_000);
afterAll(async () => {
  if (running) { s.proc.kill('SIGTERM'); await s.exited; }
  tmp.cleanup();
});

it('every tasklane line of the README works, in order, on a fresh data folder', async () => {
  const lines = readmeLines(readFileSync(join(root, 'README.md'), 'utf8'));
  expect(lines.length).toBeGreaterThan(30);
  const home = join(tmp.dir, 'home');
  mkdirSync(home, { recursive: true });
  for (const original of lines) {
    const line = original;
    // Lines for a stopped Tasklane run once it is stopped, as the README says.
    if (/Tasklane stopped/.test(line) && running) {
      s.proc.kill('SIGTERM');
      await s.exited;
      running = false;
    }

    const r = spawnSync('bash', ['-c', `tasklane() { "${process.execPath}" "${BIN}" --data-dir "${s.dir}" "$@"; }\n${line}`], {
      // Service lines write into this test's home and never ask the machine's service
      // manager (a test must not install, start or stop services of the machine running it).
      cwd: tmp.dir, encoding: 'utf8', env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), TASKLANE_SERVICE_DRY_RUN: '1' }, timeout: 60_000,
    });
    expect(r.status, `${original}\n${r.stdout}${r.stderr}`).toBe(0);
  }
}, 300_000);
