// Answers carry the seq they reflect, and the window applies to each part only the events
// after it: a fake engine whose answers are made when asked and whose events are delivered
// whenever the test says (before, during or after the answers), as the host's batching may.
import { afterEach, expect, it, vi } from 'vitest';
import type { CommandName, Outcome } from '../../core/api/contract';
import type { Counts, EngineEvent, Lane, Run, RunPage, RunStatus } from '../../core/api/types';
import type { Transport } from './api';
import { createStore } from './store';

const run = (id: number, status: RunStatus): Run => ({
  id, taskId: null, kind: 'shell', input: { command: 'true' }, lane: 'default', priority: 0, status, runAt: 0, createdAt: 0,
  updatedAt: 0, startedAt: null, finishedAt: null, attempt: 0, maxAttempts: 3, backoff: { type: 'fixed', delayMs: 0, maxDelayMs: 0, jitter: 0 },
  timeoutMs: null, dedupeKey: null, name: null, tags: [], progress: null, progressMessage: null, result: null, error: null,
  scheduledFor: null, trigger: 'api',
});

/** An engine of runs in one lane: answers reflect its state when asked, with its last seq. */
function fakeEngine(runs: Run[], opts: { withSeq?: boolean } = {}) {
  let seq = 0;
  const log: EngineEvent[] = [];
  let delivered = 0;
  const held: (() => void)[] = [];
  let hold = false;
  let emit: (events: EngineEvent[]) => void = () => {};
  let reset: (connected: boolean) => void = () => {};

  const counts = (): Counts => {
    const c: Counts = { lanes: { default: {} }, total: {} };
    for (const r of runs) {
      c.total[r.status] = (c.total[r.status] ?? 0) + 1;
      c.lanes.default[r.status] = (c.lanes.default[r.status] ?? 0) + 1;
    }
    return c;
  };
  const lane = (): Lane => ({
    name: 'default', concurrency: 4, rateLimit: null, paused: false, createdAt: 0, pauseOnFailure: false, pausedReason: null,
    running: runs.filter((r) => r.status === 'running').length, queued: runs.filter((r) => r.status === 'queued').length,
  });
  const list = (input: { status?: RunStatus[] }): RunPage => ({
    runs: runs.filter((r) => !input.status?.length || input.status.includes(r.status)).sort((a, b) => b.id - a.id).map((r) => ({ ...r })),
    nextCursor: null,
  });
  /** Moves a run; its event waits for `deliver`. */
  const move = (id: number, status: RunStatus) => {
    const r = runs.find((x) => x.id === id)!;
    const from = r.status;
    r.status = status;
    const base = { seq: ++seq, at: 0, runId: id, lane: 'default', from };
    log.push(status === 'queued'
      ? { ...base, type: 'run.queued', status, kind: 'shell', name: null, priority: 0, runAt: 0 }
      : { ...base, type: 'run.started', from: 'queued', status: 'running', attempt: 1, kind: 'shell', name: null });
  };
  const handle = (name: CommandName, input: unknown): unknown => {
    switch (name) {
      case 'counts': return counts();
      case 'listLanes': return [lane()];
      case 'listRuns': return list(input as { status?: RunStatus[] });
      case 'listTasks': return [];
      case 'getRun': return { ...runs.find((r) => r.id === (input as { id: number }).id)!, attempts: [] };
      case 'retry': for (const id of (input as { ids: number[] }).ids) move(id, 'queued'); return { ids: (input as { ids: number[] }).ids };
      default: return {};
    }
  };
  /** Commands that fail (as a read over a dropped link or a busy disk may). */
  const failing = new Set<CommandName>();
  const transport: Transport = {
    call(name, input) {
      if (failing.has(name)) return Promise.resolve({ ok: false, error: { code: 'STORAGE_IO', message: `${name} failed` } });
      const value = handle(name, input); // made now, whenever it is delivered
      const outcome: Outcome<unknown> = opts.withSeq === false ? { ok: true, value } : { ok: true, value, seq };
      if (!hold) return Promise.resolve(outcome);
      return new Promise((resolve) => held.push(() => resolve(outcome)));
    },
    subscribe(onEvents, onReset) { emit = onEvents; reset = onReset; onReset(true); return () => {}; },
  };
  return {
    transport, move, failing,
    /** Delivers the events not delivered yet, or those with the given seqs, in that order. */
    deliver(seqs?: number[]) {
      if (seqs) { emit(seqs.map((s) => log[s - 1])); return; }
      emit(log.slice(delivered));
      delivered = log.length;
    },
    hold(on: boolean) { hold = on; },
    answerAll() { for (const f of held.splice(0)) f(); },
    reset: () => reset(true),
  };
}
const settle = () => new Promise((r) => setTimeout(r, 0));
const queuedRuns = (n: number) => Array.from({ length: n }, (_, i) => run(i + 1, 'queued'));

it('a counts answer with seq S followed by events S-1, S and S+1 applies only S+1', async () => {
  const engine = fakeEngine(queuedRuns(10));
  engine.move(1, 'running'); // seq 1
  engine.move(2, 'running'); // seq 2 = S: the answers below count both
  const store = createStore(engine.transport);
  await settle();
  expect(store.getState().counts.total).toEqual({ queued: 8, running: 2 });
  engine.move(3, 'running'); // seq 3, after the answers
  engine.deliver([1, 2, 3]);
  await settle();
  expect(store.getState().counts.total).toEqual({ queued: 7, running: 3 });
  expect(store.getState().lanes[0]).toMatchObject({ queued: 7, running: 3 });
  expect(store.getState().runs.filter((r) => r.status === 'running').map((r) => r.id)).toEqual([3, 2, 1]);
});

it('a retry of one of two dead runs whose events arrive after its answer and after a refresh shows 1 dead and 1 more queued', async () => {
  const engine = fakeEngine([...queuedRuns(3), run(4, 'dead'), run(5, 'dead')]);
  const store = createStore(engine.transport);
  await settle();
  expect(store.getState().counts.total).toEqual({ queued: 3, dead: 2 });
  await store.getState().act((a) => a.retry({ ids: [4] }));
  await store.getState().refresh();
  engine.deliver();
  await settle();
  const s = store.getState();
  expect(s.counts.total).toEqual({ queued: 4, dead: 1 });
  expect(s.counts.lanes.default).toEqual({ queued: 4, dead: 1 });
  expect(s.lanes[0]).toMatchObject({ queued: 4, running: 0 });
  expect(s.dead.map((r) => r.id)).toEqual([5]);
  expect(s.runs.find((r) => r.id === 4)?.status).toBe('queued');
});

it('a reset under load is exact: events made after the answers but delivered before them are applied to them, once', async () => {
  const engine = fakeEngine(queuedRuns(10));
  const store = createStore(engine.transport);
  await settle();
  engine.hold(true);
  engine.move(1, 'running'); // seq 1: in the answers below, delivered while they are on their way
  engine.reset();
  engine.move(2, 'running'); // seq 2: after the answers, delivered before them
  engine.deliver();
  engine.answerAll();
  await settle();
  engine.answerAll(); // any read the events asked for
  await settle();
  engine.hold(false);
  expect(store.getState().counts.total).toEqual({ queued: 8, running: 2 });
  expect(store.getState().lanes[0]).toMatchObject({ queued: 8, running: 2 });
  expect(store.getState().runs.filter((r) => r.status === 'running').map((r) => r.id)).toEqual([2, 1]);
});

it('an answer without a seq (an older engine) reflects the events seen before it arrived', async () => {
  const engine = fakeEngine(queuedRuns(10), { withSeq: false });
  const store = createStore(engine.transport);
  await settle();
  engine.move(1, 'running');
  engine.hold(true);
  const read = store.getState().refresh(); // its answers count the move
  engine.deliver(); // and its event arrives while they are on their way
  engine.answerAll();
  engine.hold(false);
  await read;
  expect(store.getState().counts.total).toEqual({ queued: 9, running: 1 });
  engine.move(2, 'running');
  engine.deliver();
  expect(store.getState().counts.total).toEqual({ queued: 8, running: 2 });
});

afterEach(() => { vi.useRealTimers(); });
/** Lets answers and timers run, `ms` of fake time on. */
const tick = (ms = 0) => vi.advanceTimersByTimeAsync(ms);

it('a full read that fails applies the events that arrived while it was on its way, and later ones after them', async () => {
  vi.useFakeTimers();
  const engine = fakeEngine(queuedRuns(10));
  const store = createStore(engine.transport);
  await tick();
  engine.hold(true);
  engine.failing.add('counts');
  void store.getState().refresh();
  engine.move(1, 'running'); // seq 1: delivered while the read is on its way, which then fails
  engine.deliver();
  engine.answerAll();
  await tick();
  engine.hold(false);
  expect(store.getState().notice).toEqual({ kind: 'error', text: 'counts failed' });
  expect(store.getState().counts.total).toEqual({ queued: 9, running: 1 });
  expect(store.getState().lanes[0]).toMatchObject({ queued: 9, running: 1 });
  engine.move(2, 'running');
  engine.deliver();
  expect(store.getState().counts.total).toEqual({ queued: 8, running: 2 });
  expect(store.getState().runs.filter((r) => r.status === 'running').map((r) => r.id)).toEqual([2, 1]);
});

it('a full read that fails is tried again after 1 s, then 2 s, until one succeeds', async () => {
  vi.useFakeTimers();
  const engine = fakeEngine(queuedRuns(10));
  const store = createStore(engine.transport);
  await tick();
  const calls = vi.spyOn(engine.transport, 'call');
  engine.move(1, 'running'); // seq 1: never delivered
  engine.failing.add('listLanes');
  engine.reset(); // a gap: only a full read puts the window right
  await tick();
  const reads = () => calls.mock.calls.filter(([name]) => name === 'listLanes').length;
  expect(reads()).toBe(1);
  expect(store.getState().counts.total).toEqual({ queued: 10 }); // stale, for now
  await tick(999);
  expect(reads()).toBe(1);
  await tick(1);
  expect(reads()).toBe(2); // failed again: the next try waits twice as long
  await tick(1_999);
  expect(reads()).toBe(2);
  engine.failing.clear();
  await tick(1);
  expect(reads()).toBe(3);
  expect(store.getState().counts.total).toEqual({ queued: 9, running: 1 });
  expect(store.getState().lanes[0]).toMatchObject({ queued: 9, running: 1 });
  await tick(60_000);
  expect(reads()).toBe(3); // no more tries once one succeeded
});

it('a failed read of the tasks leaves the rest of a full read shown, and says so', async () => {
  vi.useFakeTimers();
  const engine = fakeEngine(queuedRuns(10));
  const store = createStore(engine.transport);
  await tick();
  engine.move(1, 'running'); // seq 1: never delivered
  engine.failing.add('listTasks');
  await store.getState().refresh();
  expect(store.getState().counts.total).toEqual({ queued: 9, running: 1 });
  expect(store.getState().runs.find((r) => r.id === 1)?.status).toBe('running');
  expect(store.getState().notice).toEqual({ kind: 'error', text: 'listTasks failed' });
});
