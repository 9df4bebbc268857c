// The notification policy on a real database, with a recording notifier and the fake clock:
// coalescing, what each setting tells, a task's own policy, long runs, missed fires.
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Notification } from '../ports';
import { createHarness, settle, type Harness } from '../testing/harness';
import { GATHER_MS, REST_MS } from './notices';

let h: Harness;
let shown: Notification[];
beforeEach(() => {
  shown = [];
  h = createHarness({ notifier: { notify: (n) => { shown.push(n); return true; } } });
});
afterEach(async () => { await h.cleanup(); });

async function drain(): Promise<void> {
  await settle();
  await h.engine.idle();
  await settle();
}
const tell = async (ms: number) => { await h.clock.advance(ms); await settle(); };

it('100 failures in a moment give one summary, not 100 notifications; the next minute gathers the rest', async () => {
  h.engine.start();
  const flaky = h.engine.createTask({ name: 'flaky', kind: 'test.fail', input: { retryable: false } });
  for (let i = 0; i < 100; i++) h.engine.runTask({ id: flaky.id });
  await drain();
  expect(shown).toEqual([]);
  await tell(GATHER_MS);
  expect(shown).toHaveLength(1);
  expect(shown[0]).toMatchObject({ title: 'Tasklane: 100 failed', body: 'flaky ×100', kind: 'notice', urgency: 'normal' });
  expect(h.events.filter((e) => e.type === 'notice')).toMatchObject([{ title: 'Tasklane: 100 failed', count: 100 }]);
  // Within the minute after it: gathered, and told once at its end.
  h.engine.runTask({ id: flaky.id });
  h.engine.runTask({ id: flaky.id });
  await drain();
  await tell(REST_MS - GATHER_MS - 1);
  expect(shown).toHaveLength(1);
  await tell(GATHER_MS + 1);
  expect(shown.map((n) => n.title)).toEqual(['Tasklane: 100 failed', 'Tasklane: 2 failed']);
  // A quiet minute later, one failure is told as itself, and opens its run.
  await tell(REST_MS);
  const one = h.engine.runTask({ id: flaky.id });
  await drain();
  await tell(GATHER_MS);
  expect(shown[2]).toMatchObject({ title: 'flaky failed', body: `Run ${one.id}: BOOM: failed with BOOM`, runId: one.id });
});

it('by default a failure or a dead run is told, a success is not; the policy changes that and is kept', async () => {
  h.engine.start();
  h.engine.enqueue({ kind: 'noop', name: 'quick' });
  const dead = h.engine.enqueue({ kind: 'test.fail', name: 'sync', maxAttempts: 1 }).id;
  await drain();
  await tell(GATHER_MS);
  expect(shown).toMatchObject([{ title: 'sync is dead', runId: dead, urgency: 'critical' }]);
  expect(h.engine.getNotifyPolicy()).toMatchObject({ failed: true, dead: true, succeeded: false });

  expect(h.engine.setNotifyPolicy({ succeeded: true, dead: false })).toMatchObject({ succeeded: true, dead: false, failed: true });
  await tell(REST_MS);
  h.engine.enqueue({ kind: 'noop', name: 'quick' });
  h.engine.enqueue({ kind: 'test.fail', name: 'sync', maxAttempts: 1 });
  await drain();
  await tell(GATHER_MS);
  expect(shown.slice(1)).toMatchObject([{ title: 'quick succeeded', urgency: 'low' }]);
  // Kept across a restart.
  await h.engine.stop();
  expect(h.reopen().getNotifyPolicy()).toMatchObject({ succeeded: true, dead: false });
  expect(() => h.engine.setNotifyPolicy({ slowSuccessMs: 5 })).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT', field: 'slowSuccessMs' }));
});

it("a task's own policy wins over the global one, for that task only", async () => {
  h.engine.start();
  const quiet = h.engine.createTask({ name: 'quiet', kind: 'test.fail', input: { retryable: false }, notify: { failed: false } });
  const loud = h.engine.createTask({ name: 'loud', kind: 'test.fail', input: { retryable: false } });
  const slow = h.engine.createTask({ name: 'slow', kind: 'test.gate', notify: { slowSuccessMs: 60_000 } });
  h.engine.runTask({ id: quiet.id });
  h.engine.runTask({ id: loud.id });
  const s = h.engine.runTask({ id: slow.id });
  await settle();
  await settle();
  await h.clock.advance(61_000);
  h.gate.release(s.id);
  await drain();
  await tell(GATHER_MS);
  // The gather timer ran out during the 61 s: loud alone first, then slow at the minute's end.
  await tell(REST_MS);
  expect(shown.map((n) => n.title)).toEqual(['loud failed', 'slow succeeded']);
  expect(h.engine.updateTask({ id: quiet.id, notify: null }).notify).toBeNull();
});

it('a run far past its limit is told once while it runs', async () => {
  h.engine.start();
  h.engine.setNotifyPolicy({ runningLongerThanMs: 60_000 });
  const t = h.engine.createTask({ name: 'backup', kind: 'test.gate' });
  const run = h.engine.runTask({ id: t.id });
  await settle();
  for (let i = 0; i < 6; i++) await tell(30_000);
  expect(shown).toMatchObject([{ title: 'backup is taking long', runId: run.id }]);
  expect(shown[0].body).toBe(`Run ${run.id} has run 1 min 30 s (more than its limit, 1m)`);
  h.gate.release(run.id);
});

it('a schedule that missed fires while Tasklane was off is told at the start', async () => {
  h.engine.start();
  const t = h.engine.createTask({ name: 'nightly', kind: 'noop', schedule: { cron: '0 3 * * *', timeZone: 'UTC', catchUp: 'once' } });
  expect(t.schedule).not.toBeNull();
  await h.engine.stop();
  await h.clock.advance(3 * 86_400_000);
  const again = h.reopen();
  await again.start();
  await settle();
  await tell(GATHER_MS);
  expect(shown.find((n) => n.title.startsWith('nightly missed'))).toMatchObject({ title: 'nightly missed 3 fires', body: 'Tasklane was not running; 1 caught up now.' });
});

it("a run past 3× its task's usual time (p95 over 30 days, at least a minute) is told, when asked for", async () => {
  h.engine.start();
  h.engine.setNotifyPolicy({ longerThanUsual: true });
  const t = h.engine.createTask({ name: 'render', kind: 'test.gate' });
  // Usually 40 s (its p95, read from the duration histogram's buckets, is 50 s): 3× is 2.5 min.
  for (let i = 0; i < 3; i++) {
    const r = h.engine.runTask({ id: t.id });
    await settle();
    await h.clock.advance(40_000);
    h.gate.release(r.id);
    await settle();
  }
  await tell(REST_MS);
  const slow = h.engine.runTask({ id: t.id });
  await settle();
  await tell(90_000);
  expect(shown).toEqual([]);
  expect(h.engine.stats({ groupBy: 'task', from: 0 }).rows[0].p95Ms).toBe(50_000);
  await tell(90_000);
  await tell(GATHER_MS);
  expect(shown).toMatchObject([{ title: 'render is taking long', runId: slow.id }]);
  h.gate.release(slow.id);
});

it('a message that waits for review is told (unless switched off); one a rule approved is not; a task\'s own policy cannot say messages', async () => {
  h.engine.start();
  h.engine.createTask({ name: 'auto', kind: 'echo', input: { value: 1 } });
  h.engine.setIntakeRules({ rules: [{ match: '^auto', task: 'auto', autoApprove: true }] });
  h.engine.sendMessage({ source: 'chat', text: 'please look at this' });
  h.engine.sendMessage({ text: 'auto run' });
  await drain();
  await tell(GATHER_MS);
  expect(shown.map((n) => [n.title, n.body])).toEqual([['A message from chat to review', 'Message 1 is in the Inbox.']]);
  await tell(REST_MS);
  h.engine.setNotifyPolicy({ messages: false });
  h.engine.sendMessage({ text: 'quiet now' });
  await tell(GATHER_MS + REST_MS);
  expect(shown).toHaveLength(1);
  const t = h.engine.listTasks()[0];
  expect(() => h.engine.updateTask({ id: t.id, notify: { messages: false } as never })).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT' }));
});
