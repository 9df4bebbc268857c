// The Runs list's pages past the first: read by cursor, added once the list and the page
// reflect the same events, however idle or busy the engine is; what a refused or failing
// read does to the rest of the window.
import { afterEach, expect, it, vi } from 'vitest';
import { pagedEngine } from './pagedEngine.testing';
import { createStore } from './store';

const settle = (ms = 0) => new Promise((r) => setTimeout(r, ms));
/** The promise's value, or 'late' when it takes longer than `ms`. */
const within = <T>(p: Promise<T>, ms: number) => Promise.race([p, settle(ms).then(() => 'late' as const)]);

afterEach(() => { vi.useRealTimers(); });

it('on an idle engine the next page is added at once (no event will come to catch up with)', async () => {
  const { e, transport } = pagedEngine(1000, { seq: 5000 });
  const store = createStore(transport);
  await settle(10);
  expect(store.getState().runs).toHaveLength(200);
  expect(await within(store.getState().loadMore(), 1000)).not.toBe('late');
  expect(store.getState().runs.map((r) => r.id).slice(199, 201)).toEqual([801, 800]);
  expect(store.getState().runs).toHaveLength(400);
  expect(e.listCalls().filter((c) => c.input.cursor)).toHaveLength(1);
});

it('after a reconnect, the hello says how far the engine is: a next page at that seq is added at once', async () => {
  const { e, transport } = pagedEngine(1000, { seq: 100, hello: true });
  const store = createStore(transport);
  await settle(10);
  // The engine ran on while the window was away; its events are not sent again.
  e.seq = 5000;
  e.reset(false);
  e.reset(true, 5000);
  await settle(10);
  expect(await within(store.getState().loadMore(), 1000)).not.toBe('late');
  expect(store.getState().runs).toHaveLength(400);
});

it('a next page whose events do not come in time is kept, and the first page is read again', async () => {
  const { e, transport } = pagedEngine(1000, { seq: 0 });
  const store = createStore(transport);
  await settle(10);
  vi.useFakeTimers();
  e.enqueue(); // seq 1: its event is late
  const done = store.getState().loadMore();
  await vi.advanceTimersByTimeAsync(0);
  const reads = e.listCalls().length;
  await vi.advanceTimersByTimeAsync(6000);
  await done;
  expect(store.getState().runs.length).toBeGreaterThanOrEqual(400);
  expect(store.getState().runs.map((r) => r.id)).toContain(601);
  expect(e.listCalls().length).toBeGreaterThan(reads); // the first page again
  expect(e.listCalls().at(-1)!.input.cursor).toBeUndefined();
});

it('a filter the engine refuses fails the list alone: the counts, lanes and Dead letter are read, once', async () => {
  const { e, transport } = pagedEngine(1000, { seq: 5 });
  // A refusal the window cannot foresee (the engine's rules may be stricter than the window's).
  e.refuse = (name, input) => (name === 'listRuns' && input.kind === 'nope'
    ? { ok: false, error: { code: 'INVALID_INPUT', message: 'kind: no such kind', field: 'kind' } } : null);
  const store = createStore(transport, { filter: { status: [], lane: '', text: '', kind: 'nope' } });
  await settle(1500);
  const s = store.getState();
  expect(s.counts.total).toEqual({ succeeded: 1000 });
  expect(s.lanes).toHaveLength(1);
  expect(s.notice).toEqual({ kind: 'error', text: 'kind: no such kind' });
  expect(s.runs).toEqual([]);
  // Read once: neither the full read nor the list's is tried again for a refused filter.
  expect(e.calls.filter((c) => c.name === 'counts')).toHaveLength(1);
  expect(e.listCalls()).toHaveLength(1);
  // Another filter reads the list.
  store.getState().setFilter({ kind: '' });
  await settle(10);
  expect(store.getState().runs).toHaveLength(200);
});

it('a lane name the engine would refuse is not set as the filter', async () => {
  const { transport } = pagedEngine(10);
  const store = createStore(transport);
  await settle(10);
  store.getState().setFilter({ lane: 'my lane', text: 'backup' });
  expect(store.getState().filter).toMatchObject({ lane: '', text: 'backup' });
});

/** What the list does near its end: asks for the next page whenever none is loading. */
async function scrollAtEnd(store: ReturnType<typeof createStore>, ms: number, stop = () => false) {
  const until = Date.now() + ms;
  while (Date.now() < until && !stop()) {
    const s = store.getState();
    if (s.runsMore && !s.loadingMore) void s.loadMore();
    await settle(5);
  }
}

it('a next page that fails is asked for again after 1 s, then 2 s, …, and at once after one that works', async () => {
  const { e, transport } = pagedEngine(1000, { seq: 5 });
  const store = createStore(transport);
  await settle(10);
  let failing = true;
  e.refuse = (name, input) => (failing && name === 'listRuns' && input.cursor
    ? { ok: false, error: { code: 'STORAGE_IO', message: 'disk busy' } } : null);
  const nexts = () => e.listCalls().filter((c) => c.input.cursor).length;
  await scrollAtEnd(store, 2500);
  // At 0 s, 1 s and 3 s: two reads in 2.5 s (not one per render).
  expect(nexts()).toBe(2);
  expect(store.getState().loadingMore).toBe(true);
  expect(store.getState().notice?.text).toBe('disk busy');
  failing = false;
  await scrollAtEnd(store, 1000, () => store.getState().runs.length >= 400);
  expect(nexts()).toBe(3);
  expect(store.getState().runs).toHaveLength(400);
  // A success starts the waits over.
  failing = true;
  await scrollAtEnd(store, 1300);
  expect(nexts()).toBe(5);
});

it('under a steady stream of new runs the next page is added at the first read: the list grows at the top', async () => {
  const { e, transport } = pagedEngine(1000, { seq: 0 });
  const store = createStore(transport);
  await settle(10);
  e.delay = 30;
  const timer = setInterval(() => e.emit([e.enqueue()]), 5);
  try {
    await settle(30);
    const before = store.getState().runs.length;
    await store.getState().loadMore();
    const ids = store.getState().runs.map((r) => r.id);
    expect(ids.length).toBeGreaterThanOrEqual(before + 200);
    expect(e.listCalls().filter((c) => c.input.cursor)).toHaveLength(1);
    // Newest first, no gap: every run from the newest down to the last loaded.
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => ids[0] - i));
  } finally {
    clearInterval(timer);
  }
});

/** A store over an idle engine of 1,000 runs with 600 of them loaded. */
async function threePages(opts: { hello?: boolean } = {}) {
  const engine = pagedEngine(1000, { seq: 5, ...opts });
  const store = createStore(engine.transport);
  await settle(10);
  await store.getState().loadMore();
  await store.getState().loadMore();
  expect(store.getState().runs).toHaveLength(600);
  return { ...engine, store };
}

it('the same filter again (the active chip, a space after the search) keeps the pages loaded and reads nothing', async () => {
  const { e, store } = await threePages();
  const reads = e.calls.length;
  const filter = store.getState().filter;
  store.getState().setFilter({ status: [] });
  store.getState().setFilter({ text: ''.trim() });
  expect(store.getState().filter).toBe(filter);
  expect(store.getState().runsTotal).toBe(1000);
  await settle(10);
  expect(store.getState().runs).toHaveLength(600);
  expect(e.calls.length).toBe(reads);
});

it('a full read keeps the pages loaded below its first page, unless events may have been missed', async () => {
  const { e, store } = await threePages({ hello: true });
  await store.getState().refresh();
  expect(store.getState().runs).toHaveLength(600);
  expect(store.getState().runsTotal).toBe(1000);
  // A reconnect to an engine that did nothing meanwhile: nothing was missed.
  e.reset(false);
  e.reset(true, e.seq);
  await settle(10);
  expect(store.getState().runs).toHaveLength(600);
  // One that ran on: the list is read again from its first page.
  e.seq += 10;
  e.reset(false);
  e.reset(true, e.seq);
  await settle(10);
  expect(store.getState().runs).toHaveLength(200);
});
