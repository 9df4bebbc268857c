// The Runs view's search: what it sends for a filter, one read at a time after a pause in
// typing, answers for an earlier query dropped, pages by offset, the query's errors under the
// box, the rows following their runs' events, and the list left to the rest of the filter.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CommandInput, CommandName, Outcome } from '../../core/api/contract';
import type { EngineEvent, SearchHit, SearchResult } from '../../core/api/types';
import { ApiError, type Answer, type Transport } from './api';
import { run } from './pagedEngine.testing';
import { INDEXING_RETRY_MS, queryErrorText, Search, SEARCH_DEBOUNCE_MS, SEARCH_PAGE, searchParams, type SearchView } from './search';
import { patchRows } from './snapshot';
import { createStore } from './store';
import { EMPTY_FILTER } from './url';

type Input = CommandInput<'search'>;
const hit = (id: number, seq?: number): SearchHit => ({
  run: run(id, 'running'),
  match: seq === undefined ? { field: 'run', parts: [{ text: 'echo ' }, { text: 'zebra', hit: true }] }
    : { field: 'log', parts: [{ text: 'a ' }, { text: 'zebra', hit: true }], seq, stream: 'stdout', at: 0 },
});

/** An engine whose search answers when the test says, each read with its input. */
function engine() {
  const reads: { input: Input; answer(value: SearchResult, seq?: number): void; refuse(e: unknown): void }[] = [];
  const views: SearchView[] = [];
  const failed: unknown[] = [];
  const search = new Search({
    read: (input) => new Promise<Answer<SearchResult>>((resolve, reject) => {
      reads.push({ input, answer: (value, seq = 0) => resolve({ value, seq }), refuse: reject });
    }),
    show: (v) => views.push(v),
    fail: (e) => failed.push(e),
  });
  return { search, reads, views, failed, view: () => search.view };
}

const flush = () => vi.advanceTimersByTimeAsync(0);
const words = (query: string) => searchParams({ ...EMPTY_FILTER, text: query });

beforeEach(() => { vi.useFakeTimers(); });
afterEach(() => { vi.useRealTimers(); });

describe('the search for a filter', () => {
  it('sends the text with every other part of the filter, and nothing without a text', () => {
    expect(searchParams(EMPTY_FILTER)).toBeNull();
    expect(searchParams({ status: ['dead', 'failed'], lane: 'gpu', text: 'disk full', taskId: 3, kind: 'http', from: '2026-01-01', to: '2026-01-31', order: 'newest', syntax: 'fts' }))
      .toEqual({
        query: 'disk full', syntax: 'fts', order: 'newest', status: ['dead', 'failed'], lane: 'gpu', taskId: 3, kind: 'http',
        createdFrom: new Date(2026, 0, 1).getTime(), createdTo: new Date(2026, 1, 1).getTime(),
      });
    expect(searchParams({ ...EMPTY_FILTER, text: 'x', order: 'rank', syntax: 'words' })).toEqual({ query: 'x' });
  });
});

describe('the search', () => {
  it('typing sends one query, a pause after the last key', async () => {
    const e = engine();
    for (const q of ['z', 'ze', 'zeb', 'zebr', 'zebra']) {
      e.search.want(words(q), { debounce: true });
      await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS / 2);
    }
    expect(e.reads).toHaveLength(0);
    expect(e.view().busy).toBe(true);
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS);
    expect(e.reads.map((r) => r.input)).toEqual([{ query: 'zebra', limit: SEARCH_PAGE, offset: 0 }]);
    e.reads[0].answer({ hits: [hit(1)], more: false, pending: 0, complete: true });
    await flush();
    expect(e.view()).toMatchObject({ hits: [hit(1)], busy: false, answered: true, error: null });
  });

  it('one read at a time: a query typed meanwhile waits for it, and its answer is dropped', async () => {
    const e = engine();
    e.search.want(words('zeb'), { debounce: false });
    expect(e.reads).toHaveLength(1);
    e.search.want(words('zebra'), { debounce: true });
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS);
    expect(e.reads).toHaveLength(1);
    e.reads[0].answer({ hits: [hit(7)], more: false, pending: 0, complete: true });
    await flush();
    // The answer for "zeb" is not shown; "zebra" is read now.
    expect(e.views.some((v) => v.hits.some((h) => h.run.id === 7))).toBe(false);
    expect(e.reads.map((r) => r.input.query)).toEqual(['zeb', 'zebra']);
    e.reads[1].answer({ hits: [hit(1)], more: false, pending: 0, complete: true });
    await flush();
    expect(e.view().hits.map((h) => h.run.id)).toEqual([1]);
  });

  it('a text cleared while its read is on its way shows no hits, even when the answer comes', async () => {
    const e = engine();
    e.search.want(words('zebra'), { debounce: false });
    e.search.want(null, { debounce: false });
    e.reads[0].answer({ hits: [hit(1)], more: false, pending: 0, complete: true });
    await flush();
    expect(e.view()).toMatchObject({ hits: [], busy: false, answered: false });
    expect(e.reads).toHaveLength(1);
  });

  it('the same search again reads nothing', () => {
    const e = engine();
    e.search.want(words('zebra'), { debounce: false });
    e.search.want(words('zebra'), { debounce: true });
    expect(e.reads).toHaveLength(1);
  });

  it('more hits are read from the next offset and added below, each run once', async () => {
    const e = engine();
    e.search.want(words('zebra'), { debounce: false });
    e.reads[0].answer({ hits: Array.from({ length: SEARCH_PAGE }, (_, i) => hit(100 - i)), more: true, pending: 0, complete: true });
    await flush();
    e.search.more();
    e.search.more(); // one read at a time
    expect(e.view().loadingMore).toBe(true);
    expect(e.reads.map((r) => r.input.offset)).toEqual([0, SEARCH_PAGE]);
    e.reads[1].answer({ hits: [hit(51), hit(40), hit(39)], more: false, pending: 0, complete: true });
    await flush();
    expect(e.view().hits).toHaveLength(SEARCH_PAGE + 2);
    expect(e.view()).toMatchObject({ more: false, loadingMore: false });
    e.search.more();
    expect(e.reads).toHaveLength(2);
  });

  it('a query with a syntax error says so under the box; other failures are the window\'s notice', async () => {
    const e = engine();
    e.search.want({ query: 'AND (', syntax: 'fts' }, { debounce: false });
    const message = "the search query is not valid FTS5 syntax (syntax error near \"AND\"); use syntax 'words' to search for plain words";
    e.reads[0].refuse(new ApiError({ code: 'INVALID_QUERY', message, field: 'query' }));
    await flush();
    expect(e.view()).toMatchObject({ error: message, hits: [], answered: true, busy: false });
    // Said in the window's words: its switch, not the command's option.
    expect(queryErrorText(message)).toBe('the search query is not valid FTS5 syntax (syntax error near "AND"); untick AND / OR / NOT to search for plain words');
    expect(queryErrorText('something else')).toBe('something else');
    expect(e.failed).toEqual([]);
    e.search.want({ query: 'zebra' }, { debounce: false });
    expect(e.view().error).toBe(message);
    e.reads[1].refuse(new ApiError({ code: 'ENGINE_STOPPED', message: 'not reachable' }));
    await flush();
    expect(e.failed).toHaveLength(1);
    expect(e.view()).toMatchObject({ error: null, busy: false });
    // A reconnect reads it again.
    e.search.refresh();
    expect(e.reads).toHaveLength(3);
  });

  it('the rows follow their runs\' events after the answer, and events it already counts are skipped', async () => {
    const e = engine();
    e.search.want(words('zebra'), { debounce: false });
    const ended = (seq: number, runId: number): EngineEvent => ({
      type: 'run.succeeded', seq, at: 5, runId, lane: 'default', from: 'running', status: 'succeeded', attempt: 1, durationMs: 5, result: null,
    });
    // Arrives while the read is on its way, and is newer than its answer (seq 10).
    e.search.see([ended(11, 1)]);
    e.reads[0].answer({ hits: [hit(1), hit(2)], more: false, pending: 0, complete: true }, 10);
    await flush();
    expect(e.view().hits.map((h) => h.run.status)).toEqual(['succeeded', 'running']);
    // Older than the answer: already in it.
    e.search.see([ended(9, 2)]);
    expect(e.view().hits[1].run.status).toBe('running');
    e.search.see([ended(12, 2), { type: 'run.discarded', seq: 13, at: 6, runId: 1, lane: 'default', from: 'succeeded', status: null }]);
    expect(e.view().hits.map((h) => [h.run.id, h.run.status])).toEqual([[2, 'succeeded']]);
  });

  it('while the engine is still indexing, the first page is read again until it is done', async () => {
    const e = engine();
    e.search.want(words('zebra'), { debounce: false });
    e.reads[0].answer({ hits: [], more: false, pending: 30_000, complete: true });
    await flush();
    expect(e.view()).toMatchObject({ pending: 30_000, answered: true });
    await vi.advanceTimersByTimeAsync(INDEXING_RETRY_MS);
    expect(e.reads).toHaveLength(2);
    e.reads[1].answer({ hits: [hit(3)], more: false, pending: 0, complete: true });
    await flush();
    await vi.advanceTimersByTimeAsync(INDEXING_RETRY_MS * 3);
    expect(e.reads).toHaveLength(2);
    expect(e.view()).toMatchObject({ pending: 0, busy: false });
  });
});

it('patchRows: rows no event touched keep their objects', () => {
  const rows = [hit(1), hit(2)];
  expect(patchRows(rows, [{ type: 'run.progress', seq: 3, at: 0, runId: 9, lane: 'default', progress: 5, message: null }], 0)).toBe(rows);
  const out = patchRows(rows, [{ type: 'run.progress', seq: 3, at: 0, runId: 2, lane: 'default', progress: 5, message: null }], 0);
  expect(out[0]).toBe(rows[0]);
  expect(out[1].run.progress).toBe(5);
});

describe('the store while searching', () => {
  /** An engine of 300 runs whose search finds runs 5 and 6. */
  function transport() {
    const calls: { name: CommandName; input: Record<string, unknown> }[] = [];
    const t: Transport = {
      async call(name, input) {
        const i = (input ?? {}) as Record<string, unknown>;
        calls.push({ name, input: i });
        const value = name === 'listRuns' ? { runs: Array.from({ length: 200 }, (_, n) => run(300 - n, 'succeeded')), nextCursor: 101, ...(i.withTotal ? { total: 300 } : {}) }
          : name === 'search' ? { hits: [hit(6), hit(5, 2)], more: false, pending: 0, complete: true }
          : name === 'counts' ? { lanes: {}, total: {} } : name === 'listLanes' || name === 'listTasks' ? [] : {};
        return { ok: true, value, seq: 0 } as Outcome<unknown>;
      },
      subscribe(_, onReset) { onReset(true); return () => {}; },
    };
    return { t, calls, of: (name: CommandName) => calls.filter((c) => c.name === name && !(c.input.status as string[] | undefined)?.includes('dead')) };
  }

  it('sends the text to search only: the list keeps the rest of the filter, and is there when the text goes', async () => {
    const { t, of } = transport();
    const store = createStore(t, { filter: { ...EMPTY_FILTER, lane: 'default', text: 'zebra' } });
    await flush();
    expect(of('search').map((c) => c.input)).toEqual([{ query: 'zebra', lane: 'default', limit: SEARCH_PAGE, offset: 0 }]);
    expect(of('listRuns').every((c) => !('text' in c.input))).toBe(true);
    expect(store.getState().search.hits.map((h) => h.run.id)).toEqual([6, 5]);
    const lists = of('listRuns').length;
    // Typing more reads nothing of the list; another lane reads both, the search at once.
    store.getState().setFilter({ text: 'zebras' });
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS);
    expect(of('listRuns')).toHaveLength(lists);
    expect(of('search').at(-1)!.input.query).toBe('zebras');
    store.getState().setFilter({ lane: '' });
    expect(of('search').at(-1)!.input).toEqual({ query: 'zebras', limit: SEARCH_PAGE, offset: 0 });
    await flush();
    expect(of('listRuns')).toHaveLength(lists + 1);
    // Cleared: the list for the rest of the filter is there, read before.
    store.getState().setFilter({ text: '' });
    expect(store.getState().search.hits).toEqual([]);
    expect(store.getState().runs).toHaveLength(200);
    expect(store.getState().runsTotal).toBe(300);
    expect(of('listRuns')).toHaveLength(lists + 1);
  });

  it('opening a log line\'s hit keeps its line for the run panel', async () => {
    const { t } = transport();
    const store = createStore(t, { filter: { ...EMPTY_FILTER, text: 'zebra' } });
    await flush();
    store.getState().openRun(5, 2);
    expect(store.getState()).toMatchObject({ openRunId: 5, openLine: 2 });
    store.getState().openRun(6);
    expect(store.getState().openLine).toBeNull();
  });
});
