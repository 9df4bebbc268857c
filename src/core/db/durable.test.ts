// Durable acceptance: a host answers a write only once it is on disk. The sync is the one
// port a test replaces (a real fdatasync cannot be watched); the ordering is what a user
// relies on: "queued" means it survives a power loss.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createEngine, type Engine } from '../index';
import { dispatch } from '../commands';
import { settle, tempDir } from '../testing/harness';
import { walSync, type Syncer } from './durable';

let tmp: ReturnType<typeof tempDir>;
let engine: Engine | undefined;
beforeEach(() => { tmp = tempDir(); });
afterEach(async () => { await engine?.stop({ timeoutMs: 0 }); engine = undefined; tmp.cleanup(); });

function gatedSyncer() {
  const gate = { calls: 0, release: () => {}, fail: (_e: unknown) => {} };
  const syncer: Syncer = {
    sync: () => new Promise<void>((resolve, reject) => { gate.calls++; gate.release = resolve; gate.fail = reject; }),
    close() {},
  };
  return { gate, syncer };
}

const shellRun = { kind: 'shell', lane: 'default', input: { command: 'true' }, delayMs: 60_000 };

it('a write is answered only after the sync, reads at once, and writes of one turn share one sync', async () => {
  const { gate, syncer } = gatedSyncer();
  engine = createEngine({ dataDir: tmp.dir, syncer });
  let answered = 0;
  const writes = [dispatch(engine, 'enqueue', shellRun), dispatch(engine, 'enqueue', shellRun), dispatch(engine, 'pauseLane', { name: 'serial' })];
  for (const w of writes) void w.then(() => { answered++; });
  expect(await dispatch(engine, 'counts', {})).toMatchObject({ ok: true, value: { total: { scheduled: 2 } } });
  await settle();
  expect(gate.calls).toBe(1);
  expect(answered).toBe(0);
  gate.release();
  expect(await Promise.all(writes)).toMatchObject([{ ok: true }, { ok: true }, { ok: true }]);
  // A write that comes while a sync is under way waits for the next one.
  const later = dispatch(engine, 'enqueue', shellRun);
  await settle();
  expect(gate.calls).toBe(2);
  gate.release();
  expect(await later).toMatchObject({ ok: true, value: { id: 3 } });
});

it('a sync that fails says the write was made but not confirmed, so that nobody sends it again', async () => {
  const { gate, syncer } = gatedSyncer();
  engine = createEngine({ dataDir: tmp.dir, syncer });
  const answer = dispatch(engine, 'enqueue', shellRun);
  await settle();
  gate.fail(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }));
  expect(await answer).toEqual({ ok: false, error: { code: 'STORAGE_FULL', message: expect.stringContaining('enqueue was written, but the disk did not confirm it') } });
  expect((await answer as { error: { message: string } }).error.message).toContain('Do not send it again');
});

it('the real sync flushes the WAL that holds the run', async () => {
  engine = createEngine({ dataDir: tmp.dir });
  expect(await dispatch(engine, 'enqueue', { ...shellRun, name: 'nightly-backup-marker' })).toMatchObject({ ok: true });
  expect(readFileSync(join(tmp.dir, 'tasklane.db-wal')).includes('nightly-backup-marker')).toBe(true);
  const direct = walSync(join(tmp.dir, 'tasklane.db'));
  await expect(direct.sync()).resolves.toBeUndefined();
  direct.close();
});
