// What the window reads, through a fake transport: a burst of events costs reads only for
// what the events cannot tell, and reads asked for while one is in flight are coalesced.
import { expect, it } from 'vitest';
import type { CommandName, Outcome } from '../../core/api/contract';
import type { Counts, EngineEvent, Lane, Run, RunPage } from '../../core/api/types';
import type { Transport } from './api';
import { createStore } from './store';

const lane: Lane = { name: 'default', concurrency: 4, rateLimit: null, paused: false, createdAt: 0, running: 0, queued: 1_000, pauseOnFailure: false, pausedReason: null };
const run = (id: number): Run => ({
  id, taskId: null, kind: 'shell', input: { command: 'true' }, lane: 'default', priority: 0, status: 'queued', runAt: 0, createdAt: 0,
  updatedAt: 0, startedAt: null, finishedAt: null, attempt: 0, maxAttempts: 3, backoff: { type: 'fixed', delayMs: 0, maxDelayMs: 0, jitter: 0 },
  timeoutMs: null, dedupeKey: null, name: null, tags: [], progress: null, progressMessage: null, result: null, error: null,
  scheduledFor: null, trigger: 'api',
});

function fakeTransport() {
  const calls: string[] = [];
  const pending: (() => void)[] = [];
  let hold = false;
  let emit: (events: EngineEvent[]) => void = () => {};
  const values: Partial<Record<CommandName, (input: unknown) => unknown>> = {
    listRuns: (input): RunPage => ((input as { status?: string[] }).status?.includes('dead')
      ? { runs: [], nextCursor: null }
      : { runs: Array.from({ length: 200 }, (_, i) => run(1_000 - i)), nextCursor: 801 }),
    counts: (): Counts => ({ lanes: { default: { queued: 1_000 } }, total: { queued: 1_000 } }),
    listLanes: () => [lane],
    listTasks: () => [],
    getRun: () => ({ ...run(1_000), attempts: [] }),
  };
  const transport: Transport = {
    call(name, input) {
      calls.push(name);
      const answer = (): Outcome<unknown> => ({ ok: true, value: values[name]?.(input) ?? {} });
      if (!hold) return Promise.resolve(answer());
      return new Promise((resolve) => pending.push(() => resolve(answer())));
    },
    subscribe(onEvents, onReset) { emit = onEvents; onReset(true); return () => {}; },
  };
  return {
    transport, calls,
    emit: (events: EngineEvent[]) => emit(events),
    hold(on: boolean) { hold = on; },
    answerAll() { for (const f of pending.splice(0)) f(); },
  };
}
const settle = () => new Promise((r) => setTimeout(r, 0));

it('a drain of 2,000 events costs the window no reads; a new run costs one read of the page per batch at most', async () => {
  const t = fakeTransport();
  const store = createStore(t.transport);
  await store.getState().refresh();
  t.calls.length = 0;
  let seq = 0;
  for (let b = 0; b < 20; b++) {
    const events: EngineEvent[] = [];
    for (let i = 0; i < 50; i++) {
      const runId = 1_000 - (b * 50 + i) % 200 - 200 * Math.floor((b * 50 + i) / 200);
      events.push({ type: 'run.started', seq: ++seq, at: 0, runId, lane: 'default', from: 'queued', status: 'running', attempt: 1, kind: 'shell', name: null });
      events.push({ type: 'run.succeeded', seq: ++seq, at: 0, runId, lane: 'default', from: 'running', status: 'succeeded', attempt: 1, durationMs: 1, result: null });
    }
    t.emit(events);
  }
  await settle();
  expect(t.calls).toEqual([]);
  expect(store.getState().counts.total).toMatchObject({ queued: 0, succeeded: 1_000 });

  t.hold(true);
  for (let b = 0; b < 10; b++) {
    t.emit([{ type: 'run.queued', seq: ++seq, at: 0, runId: 2_000 + b, lane: 'default', from: null, status: 'queued', kind: 'shell', name: null, priority: 0, runAt: 0 }]);
  }
  expect(store.getState().runs[0].id).toBe(2_009);
  expect(t.calls).toEqual(['listRuns']); // one in flight; the nine others wait for one more
  t.answerAll();
  await settle();
  expect(t.calls).toEqual(['listRuns', 'listRuns']);
  t.answerAll();
  await settle();
  expect(t.calls).toEqual(['listRuns', 'listRuns']);
  expect(store.getState().counts.total.queued).toBe(10);
});

it("after the window's own command it reads its tasks only: the command's moves come as events", async () => {
  const t = fakeTransport();
  const store = createStore(t.transport);
  await store.getState().refresh();
  t.calls.length = 0;
  await store.getState().act((a) => a.retry({ ids: [5] }));
  await settle();
  expect(t.calls).toEqual(['retry', 'listTasks']);
});
