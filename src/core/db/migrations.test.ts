// Upgrades: a database written by an earlier version opens with every migration applied
// and keeps the meaning of what it holds.
import { cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createEngine, type Engine } from '../index';
import { Gate, settle, tempDir, testKinds } from '../testing/harness';
import { createFakeClock } from '../util/fake-clock';
import { openDatabase } from './open';

const shipped = fileURLToPath(new URL('../../../drizzle', import.meta.url));
let temp: ReturnType<typeof tempDir>;
let engine: Engine | undefined;
beforeEach(() => { temp = tempDir(); });
afterEach(async () => { await engine?.stop({ timeoutMs: 0 }); engine = undefined; temp.cleanup(); });

/** The shipped migrations up to and including `lastTag`, as an earlier version shipped them. */
function migrationsUpTo(lastTag: string): string {
  const dir = join(temp.dir, 'old-drizzle');
  mkdirSync(join(dir, 'meta'), { recursive: true });
  const journal = JSON.parse(readFileSync(join(shipped, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  const last = journal.entries.findIndex((e) => e.tag === lastTag);
  expect(last).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, last + 1);
  writeFileSync(join(dir, 'meta', '_journal.json'), JSON.stringify(journal));
  for (const f of readdirSync(shipped)) if (f.endsWith('.sql')) cpSync(join(shipped, f), join(dir, f));
  return dir;
}

it('a chain queued before the upgrade to 0006 still waits for its parent afterwards', async () => {
  const dbPath = join(temp.dir, 'data', 'tasklane.db');
  const old = openDatabase(dbPath, migrationsUpTo('0005_wait_for_index'));
  const insert = old.sqlite.prepare(`INSERT INTO runs (id, kind, input, lane, priority, status, run_at, created_at,
    updated_at, max_attempts, backoff, trigger) VALUES (?, ?, '{}', 'default', 0, 'queued', 0, 0, 0, 1,
    '{"type":"fixed","delayMs":1000,"maxDelayMs":1000,"jitter":0}', 'api')`);
  insert.run(1, 'test.gate');
  insert.run(2, 'noop');
  old.sqlite.prepare('INSERT INTO run_deps (run_id, after_id) VALUES (2, 1)').run();
  old.sqlite.close();

  const gate = new Gate();
  engine = createEngine({ dbPath, clock: createFakeClock(), kinds: testKinds(gate) });
  engine.start();
  await settle();
  expect(gate.running).toEqual([1]);
  expect(engine.getRun({ id: 2 }).status).toBe('queued');
  gate.release(1);
  await engine.idle();
  expect(engine.getRun({ id: 2 }).status).toBe('succeeded');
});

it('attempts written before 0007 are numbered across retries and stops, and each run keeps its budget', async () => {
  const dbPath = join(temp.dir, 'data', 'tasklane.db');
  const old = openDatabase(dbPath, migrationsUpTo('0006_pending_checks'));
  const insert = old.sqlite.prepare(`INSERT INTO runs (id, kind, input, lane, priority, status, run_at, created_at,
    updated_at, max_attempts, attempt, backoff, trigger) VALUES (?, 'test.fail', '{}', 'default', 0, ?, 0, 0, 0, 2, ?,
    '{"type":"fixed","delayMs":1000,"maxDelayMs":1000,"jitter":0}', 'api')`);
  const attempt = old.sqlite.prepare(`INSERT INTO attempts (run_id, n, started_at, finished_at, outcome) VALUES (?, ?, 0, 0, ?)`);
  // Run 1 went dead after 2 attempts, was retried by hand, and failed once more (old: 1 2 1).
  insert.run(1, 'queued', 1);
  attempt.run(1, 1, 'failed');
  attempt.run(1, 2, 'failed');
  attempt.run(1, 1, 'failed');
  // Run 2 was interrupted by a graceful stop during its first attempt (old: attempt back to 0).
  insert.run(2, 'queued', 0);
  attempt.run(2, 1, 'interrupted');
  old.sqlite.close();

  engine = createEngine({ dbPath, clock: createFakeClock(), kinds: testKinds(new Gate()) });
  expect(engine.getRun({ id: 1 })).toMatchObject({ attempt: 3, maxAttempts: 4 });
  expect(engine.getRun({ id: 1 }).attempts.map((a) => a.n)).toEqual([1, 2, 3]);
  expect(engine.getRun({ id: 2 })).toMatchObject({ attempt: 1, maxAttempts: 3 });
  engine.start();
  await engine.idle();
  // Run 1 had one attempt left in its try: attempt 4, then dead. Run 2 had both: 2 and 3.
  expect(engine.getRun({ id: 1 })).toMatchObject({ status: 'dead', attempt: 4 });
  expect(engine.getRun({ id: 2 }).attempts.map((a) => [a.n, a.outcome])).toEqual([[1, 'interrupted'], [2, 'failed']]);
  expect(engine.getRun({ id: 2 }).status).toBe('retrying');
});
