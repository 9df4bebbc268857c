import { afterEach, beforeEach, expect, it } from 'vitest';
import { createHarness, settle, snapshot, type Harness } from '../testing/harness';

let h: Harness;
beforeEach(() => { h = createHarness(); h.engine.start(); });
afterEach(async () => { await h.cleanup(); });
const status = (id: number) => h.engine.getRun({ id }).status;

it('a run after others starts only when they all succeeded', async () => {
  const a = h.engine.enqueue({ kind: 'test.gate' }).id;
  const b = h.engine.enqueue({ kind: 'test.gate', lane: 'serial' }).id;
  const c = h.engine.enqueue({ kind: 'noop', after: [a, b] }).id;
  await settle();
  expect(status(c)).toBe('queued');
  h.gate.release(a);
  await settle();
  expect(status(c)).toBe('queued');
  h.gate.release(b);
  await h.engine.idle();
  expect(status(c)).toBe('succeeded');
});

it('when a run it comes after dies, the chain dies with DEPENDENCY_FAILED', async () => {
  const a = h.engine.enqueue({ kind: 'test.fail', maxAttempts: 1 }).id;
  const b = h.engine.enqueue({ kind: 'noop', after: [a] }).id;
  const c = h.engine.enqueue({ kind: 'noop', after: [b] }).id;
  await h.engine.idle();
  expect(status(a)).toBe('dead');
  expect(h.engine.getRun({ id: b })).toMatchObject({ status: 'dead', error: { code: 'DEPENDENCY_FAILED' } });
  expect(h.engine.getRun({ id: c }).error!.message).toBe(`run ${b}, which this run comes after, ended dead`);
});

it('cancelling a parent takes its waiting runs along', async () => {
  const a = h.engine.enqueue({ kind: 'test.gate' }).id;
  const b = h.engine.enqueue({ kind: 'noop', after: [a] }).id;
  await settle();
  h.engine.cancel({ ids: [a] });
  expect(status(b)).toBe('dead');
});

it('refuses a parent that does not exist, writing nothing', async () => {
  const ok = h.engine.enqueue({ kind: 'noop' }).id;
  const before = snapshot(h.dbPath);
  expect(() => h.engine.enqueue({ kind: 'noop', after: [ok, 999] })).toThrowError(expect.objectContaining({ code: 'NOT_FOUND', field: 'after.1' }));
  expect(snapshot(h.dbPath)).toBe(before);
});

it('a run after one that already died is dead at once, as if it had been waiting', async () => {
  const dead = h.engine.enqueue({ kind: 'test.fail', maxAttempts: 1 }).id;
  await h.engine.idle();
  const late = h.engine.enqueue({ kind: 'noop', after: [dead] });
  expect(late.status).toBe('dead');
  expect(h.engine.getRun({ id: late.id }).error).toMatchObject({ code: 'DEPENDENCY_FAILED' });
});

it('a parent abandoned past its attempts by a crash takes its waiting runs along at start-up', async () => {
  const parent = h.engine.enqueue({ kind: 'noop', maxAttempts: 1 }).id;
  const child = h.engine.enqueue({ kind: 'noop', after: [parent] }).id;
  await h.engine.stop();
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(h.dbPath);
  db.prepare(`UPDATE runs SET status = 'running', attempt = 1, started_at = 0 WHERE id = ?`).run(parent);
  db.close();
  const again = h.reopen();
  await again.start();
  expect(again.getRun({ id: parent }).status).toBe('dead');
  expect(again.getRun({ id: child })).toMatchObject({ status: 'dead', error: { code: 'DEPENDENCY_FAILED' } });
});

it('a run after a dead one is retried only together with it, and then waits for it again', async () => {
  const a = h.engine.enqueue({ kind: 'test.gate', maxAttempts: 1 }).id;
  const b = h.engine.enqueue({ kind: 'noop', after: [a] }).id;
  await settle();
  h.gate.fail(a);
  await h.engine.idle();
  expect(status(b)).toBe('dead');
  const before = snapshot(h.dbPath);
  expect(() => h.engine.retry({ ids: [b] })).toThrowError(expect.objectContaining({
    code: 'INVALID_TRANSITION', field: 'ids.0', message: `run ${b} comes after run ${a}, which is dead; retry run ${a} together with it`,
  }));
  expect(snapshot(h.dbPath)).toBe(before);
  h.engine.retry({ ids: [b, a] });
  await settle();
  expect([status(a), status(b)]).toEqual(['running', 'queued']);
  h.gate.release(a);
  await h.engine.idle();
  expect(status(b)).toBe('succeeded');
});

it('a chain enqueued after earlier chains have finished still waits for its parent', async () => {
  for (let round = 0; round < 2; round++) {
    const a = h.engine.enqueue({ kind: 'test.gate' }).id;
    const b = h.engine.enqueue({ kind: 'noop', after: [a] }).id;
    h.engine.enqueue({ kind: 'noop' });
    await settle();
    expect(status(b)).toBe('queued');
    h.gate.release(a);
    await h.engine.idle();
    expect(status(b)).toBe('succeeded');
  }
});

it("a run's detail names the runs it comes after and the runs that come after it, with their statuses", async () => {
  const a = h.engine.enqueue({ kind: 'test.gate', name: 'fetch' }).id;
  const b = h.engine.enqueue({ kind: 'noop', name: 'build', after: [a] }).id;
  const c = h.engine.enqueue({ kind: 'noop', after: [a, b] }).id;
  await settle();
  expect(h.engine.getRun({ id: a })).toMatchObject({ after: [], dependents: [{ id: b, name: 'build', status: 'queued' }, { id: c, status: 'queued' }] });
  expect(h.engine.getRun({ id: c }).after.map((r) => [r.id, r.status])).toEqual([[a, 'running'], [b, 'queued']]);
  h.gate.release(a);
  await h.engine.idle();
  expect(h.engine.getRun({ id: c }).after.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
});
