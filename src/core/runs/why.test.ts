// Why a run is not running, for each reason there is.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createHarness, settle, type Harness } from '../testing/harness';

let h: Harness;
beforeEach(() => { h = createHarness(); });
afterEach(async () => { await h.cleanup(); });

const codes = (id: number) => h.engine.whyWaiting({ id }).reasons.map((r) => r.code);

it('a full lane: how many of how many run; and the runs that go first', async () => {
  h.engine.createLane({ name: 'one', concurrency: 1 });
  await h.engine.start();
  const first = h.engine.enqueue({ kind: 'test.gate', lane: 'one' }).id;
  const second = h.engine.enqueue({ kind: 'test.gate', lane: 'one' }).id;
  const third = h.engine.enqueue({ kind: 'test.gate', lane: 'one' }).id;
  await settle();
  expect(h.engine.whyWaiting({ id: second }).reasons).toEqual([{ code: 'lane-full', message: 'lane one is full: 1 of 1 running' }]);
  expect(h.engine.whyWaiting({ id: third }).reasons.map((r) => r.message)).toEqual([
    'lane one is full: 1 of 1 running', '1 run(s) of lane one go first (higher priority or older)']);
  expect(codes(first)).toEqual(['not-waiting']);
});

it('a paused lane, and a rate limit with the time it lifts', async () => {
  h.engine.createLane({ name: 'slow', concurrency: 5, rateLimit: { max: 1, intervalMs: 60_000 } });
  await h.engine.start();
  h.engine.enqueue({ kind: 'noop', lane: 'slow' });
  const waiting = h.engine.enqueue({ kind: 'noop', lane: 'slow' }).id;
  await settle();
  const why = h.engine.whyWaiting({ id: waiting }).reasons;
  expect(why).toEqual([{ code: 'rate-limited', message: expect.stringContaining('rate limit (1 per minute) until'), until: h.clock.now() + 60_000 }]);
  h.engine.pauseLane({ name: 'slow' });
  expect(codes(waiting)).toEqual(['lane-paused', 'rate-limited']);
});

it('scheduled, in backoff, held: each with its time or what to do', async () => {
  await h.engine.start();
  const later = h.engine.enqueue({ kind: 'noop', delayMs: 60_000 }).id;
  expect(h.engine.whyWaiting({ id: later }).reasons).toEqual([{ code: 'scheduled', message: expect.stringContaining('scheduled for'), until: h.clock.now() + 60_000 }]);
  const failing = h.engine.enqueue({ kind: 'test.fail', maxAttempts: 3 }).id;
  await settle();
  expect(h.engine.whyWaiting({ id: failing }).reasons).toEqual([{ code: 'backoff', message: expect.stringMatching(/^attempt 1 failed \(BOOM\); the next one starts after its backoff/), until: expect.any(Number) }]);
  h.engine.hold({ ids: [later] });
  expect(codes(later)).toEqual(['held']);
});

it('a run it comes after, and its task\'s overlap policy, name the run they wait for', async () => {
  await h.engine.start();
  const parent = h.engine.enqueue({ kind: 'test.gate' }).id;
  const child = h.engine.enqueue({ kind: 'noop', after: [parent] }).id;
  await settle();
  expect(h.engine.whyWaiting({ id: child }).reasons).toEqual([{ code: 'after', message: `waiting for run ${parent} to succeed (it is running)`, runId: parent }]);

  h.engine.createLane({ name: 'wide', concurrency: 5 });
  const task = h.engine.createTask({ name: 'job', kind: 'test.gate', lane: 'wide' });
  h.engine.setSchedule({ taskId: task.id, cron: '* * * * *', timeZone: 'UTC', overlap: 'queue' });
  await h.clock.advance(60_000);
  await settle();
  await h.clock.advance(60_000);
  await settle();
  const [waiting, running] = h.engine.listRuns({ taskId: task.id }).runs;
  expect(h.engine.whyWaiting({ id: waiting.id }).reasons).toEqual([{ code: 'overlap', message: `its task's overlap policy is "queue": waiting for run ${running.id} to end (it is running)`, runId: running.id }]);
});

it('a queued run nothing holds back says so; a missing run is a typed error', async () => {
  const id = h.engine.enqueue({ kind: 'noop' }).id;
  expect(codes(id)).toEqual(['starting']);
  expect(() => h.engine.whyWaiting({ id: 999 })).toThrow(expect.objectContaining({ code: 'NOT_FOUND', field: 'id' }));
});
