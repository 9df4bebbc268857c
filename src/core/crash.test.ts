// Kill -9 in the middle of a drain: a real engine process dies with runs claimed and
// running; after a restart every run ends terminal and none is lost or run twice.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { createEngine } from './index';
import { query, tempDir } from './testing/harness';
import { z } from 'zod';

const worker = fileURLToPath(new URL('./testing/drain-worker.ts', import.meta.url));
const tmp = tempDir();
afterEach(() => tmp.cleanup());

/** Starts the worker; resolves with its exit once `until` matches a line (then kills it) or it exits. */
function runWorker(dbPath: string, until?: (line: string) => boolean): Promise<{ lines: string[]; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', worker, dbPath], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines: string[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      if (until?.(line)) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => resolve({ lines, signal }));
  });
}

it('a drain killed with SIGKILL loses no run: after restart all 5,000 end succeeded', async () => {
  const dbPath = join(tmp.dir, 'tasklane.db');
  const setup = createEngine({ dbPath, kinds: { work: { input: z.object({ n: z.number() }), run: () => null } } });
  setup.updateLane({ name: 'default', concurrency: 8 });
  setup.enqueueMany({ runs: Array.from({ length: 5000 }, (_, n) => ({ kind: 'work', input: { n }, maxAttempts: 3 })) });
  await setup.stop();

  const first = await runWorker(dbPath, (line) => line === 'succeeded 1000');
  expect(first.signal).toBe('SIGKILL');
  const mid = query<{ status: string; n: number }>(dbPath, 'SELECT status, COUNT(*) AS n FROM runs GROUP BY status ORDER BY status');
  const byStatus = Object.fromEntries(mid.map((r) => [r.status, r.n]));
  // Killed mid-drain: work was done, work was left, and some of it was running.
  expect(byStatus.succeeded).toBeGreaterThanOrEqual(1000);
  expect(byStatus.queued).toBeGreaterThan(0);
  expect(byStatus.running).toBeGreaterThan(0);

  const second = await runWorker(dbPath);
  expect(second.lines.at(-1)).toBe('idle');
  const after = query<{ status: string; n: number }>(dbPath, 'SELECT status, COUNT(*) AS n FROM runs GROUP BY status');
  expect(after).toEqual([{ status: 'succeeded', n: 5000 }]);
  // Every input ran to success exactly once; the killed attempts are on record as abandoned.
  const inputs = query<{ input: string }>(dbPath, 'SELECT input FROM runs ORDER BY id').map((r) => JSON.parse(r.input).n);
  expect(new Set(inputs).size).toBe(5000);
  const abandoned = query<{ n: number }>(dbPath, `SELECT COUNT(*) AS n FROM attempts WHERE outcome = 'abandoned'`)[0].n;
  expect(abandoned).toBe(byStatus.running);
  // The successful attempt is the run row's last one: each run's attempt number is its
  // abandoned attempts plus that one success.
  const mismatched = query<{ n: number }>(dbPath, `SELECT COUNT(*) AS n FROM runs r
    WHERE r.attempt != 1 + (SELECT COUNT(*) FROM attempts a WHERE a.run_id = r.id)`)[0].n;
  expect(mismatched).toBe(0);
});
