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
