// A schedule fires every second in a real engine process; the process is SIGKILLed right
// after a fire, twice. Every (task, fire time) ends up with exactly one run, none missing.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { z } from 'zod';
import { createEngine } from '../index';
import { query, tempDir } from '../testing/harness';

const worker = fileURLToPath(new URL('../testing/schedule-worker.ts', import.meta.url));
const tmp = tempDir();
afterEach(() => tmp.cleanup());

function killAfterFires(dbPath: string, fires: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', worker, dbPath], { stdio: ['ignore', 'pipe', 'inherit'] });
    let seen = 0;
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('fired ') && ++seen === fires) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', () => resolve());
  });
}

it('SIGKILL right after a fire never duplicates or loses a (task, scheduledFor)', async () => {
  const dbPath = join(tmp.dir, 'tasklane.db');
  const setup = createEngine({ dbPath, kinds: { noop: { input: z.unknown(), run: () => null } } });
  const task = setup.createTask({ name: 'every second', kind: 'noop' });
  setup.setSchedule({ taskId: task.id, cron: '* * * * * *', timeZone: 'UTC', catchUp: 'all', overlap: 'allow' });
  await setup.stop();

  await killAfterFires(dbPath, 1);
  await killAfterFires(dbPath, 3);
  await killAfterFires(dbPath, 2);

  const fires = query<{ t: number }>(dbPath, 'SELECT scheduled_for AS t FROM runs WHERE task_id = ? ORDER BY scheduled_for', task.id).map((r) => r.t);
  expect(fires.length).toBeGreaterThanOrEqual(6);
  expect(new Set(fires).size).toBe(fires.length);
  // Every second from the first fire to the last has its run: nothing lost across the kills.
  expect((fires[fires.length - 1] - fires[0]) / 1000 + 1).toBe(fires.length);
  const [{ next }] = query<{ next: number }>(dbPath, 'SELECT next_run_at AS next FROM tasks WHERE id = ?', task.id);
  expect(next).toBeGreaterThan(fires[fires.length - 1]);
});
