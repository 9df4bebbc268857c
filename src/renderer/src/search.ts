// The Runs view's text search: the engine's full-text `search` command (names, tags, input,
// log lines), for the filter's text and the rest of the filter. Typing waits for a pause
// (SEARCH_DEBOUNCE_MS); one read is in flight at a time; an answer for a query no longer
// wanted is dropped. Hits are not a live list as the runs page is: a run that starts to match
// shows when the query runs again (the filter changes, a reconnect). The rows shown do follow
// their runs' events (status, attempts, progress), by seq as the store's parts do.
import type { CommandInput } from '../../core/api/contract';
import type { EngineEvent, SearchHit, SearchResult } from '../../core/api/types';
import { ApiError, type Answer } from './api';
import { patchRows, type RunFilter } from './snapshot';
import { createdRange } from './url';

/** The wait after the last key before the query is sent. */
export const SEARCH_DEBOUNCE_MS = 200;
/** Hits per read; "more" reads the next ones. */
export const SEARCH_PAGE = 50;
/** While the engine is still indexing, the first page is read again this often (only while
 *  no page past it is loaded, so nothing the person scrolled to is taken away). */
export const INDEXING_RETRY_MS = 2_000;

export type SearchParams = Omit<CommandInput<'search'>, 'limit' | 'offset'>;

/** What the view shows of the search. */
export interface SearchView {
  hits: readonly SearchHit[];
  /** More hits follow (`more()` reads them). */
  more: boolean;
  /** Rows the engine has not indexed yet: hits among them are missing. */
  pending: number;
  /** false: the engine stopped reading matches at its time limit (older ones not read). */
  complete: boolean;
  /** A query is typed or on its way: the hits shown are an earlier query's (or none). */
  busy: boolean;
  loadingMore: boolean;
  /** What is wrong with the query (fts syntax only), to show under the box. */
  error: string | null;
  /** The hits answer the query wanted now (false until its first answer). */
  answered: boolean;
}

export const NO_SEARCH: SearchView = { hits: [], more: false, pending: 0, complete: true, busy: false, loadingMore: false, error: null, answered: false };

/** The search for the Runs filter, or null when its text is empty (the plain list). */
export function searchParams(f: RunFilter): SearchParams | null {
  if (!f.text) return null;
  return {
    query: f.text,
    ...(f.syntax === 'fts' ? { syntax: 'fts' as const } : {}),
    ...(f.order === 'newest' ? { order: 'newest' as const } : {}),
    ...(f.status.length ? { status: f.status } : {}),
    ...(f.lane ? { lane: f.lane } : {}),
    ...(f.taskId != null ? { taskId: f.taskId } : {}),
    ...(f.kind ? { kind: f.kind } : {}),
    ...createdRange(f),
  };
}

/** The error is the query's (an fts syntax error): said under the box, not as a notice. */
export function isQueryError(e: unknown): e is ApiError {
  return e instanceof ApiError && (e.code === 'INVALID_QUERY' || e.field === 'query');
}

/** The engine's word for plain words is the window's AND / OR / NOT switch, turned off. */
export function queryErrorText(message: string): string {
  return message.replace(/use syntax 'words' to search for plain words$/, 'untick AND / OR / NOT to search for plain words');
}

export interface SearchDeps {
  /** The search command, with the seq its answer reflects. */
  read(input: CommandInput<'search'>): Promise<Answer<SearchResult>>;
  show(view: SearchView): void;
  /** An error that is not the query's (the engine not reachable): the window's notice. */
  fail(e: unknown): void;
}

const lastSeq = (events: readonly EngineEvent[]) => (events.length ? events[events.length - 1].seq : 0);

export class Search {
  readonly #deps: SearchDeps;
  #params: SearchParams | null = null;
  #key = '';
  /** Counts the queries wanted: an answer read for an earlier one is dropped. */
  #gen = 0;
  #inFlight = false;
  /** The first page was asked for while a read was in flight: read it once that one ends. */
  #again = false;
  #typing: ReturnType<typeof setTimeout> | undefined;
  #indexing: ReturnType<typeof setTimeout> | undefined;
  #view: SearchView = NO_SEARCH;
  /** The last event the hits reflect. */
  #seq = 0;
  /** Events that arrived while a read was on its way (those newer than its answer apply to it). */
  #during: EngineEvent[] | null = null;
  /** Where the next page starts. */
  #offset = 0;

  constructor(deps: SearchDeps) {
    this.#deps = deps;
  }

  get view(): SearchView { return this.#view; }

  /** The search to show (null: none). `debounce`: it was typed, wait for a pause first. The
   *  same search again changes nothing. */
  want(params: SearchParams | null, opts: { debounce: boolean }): void {
    const key = params ? JSON.stringify(params) : '';
    if (key === this.#key) return;
    this.#key = key;
    this.#params = params;
    this.#gen++;
    this.#stopTimers();
    if (!params) { this.#put(NO_SEARCH); return; }
    // (An error stays until the next answer: the line under the box does not come and go
    // with every key.)
    this.#put({ ...this.#view, busy: true, loadingMore: false, answered: false });
    if (opts.debounce) this.#typing = setTimeout(() => { this.#typing = undefined; this.#first(); }, SEARCH_DEBOUNCE_MS);
    else this.#first();
  }

  /** Reads the first page again (after a reconnect: the hits may have missed events, or the
   *  last read failed), unless a read is on its way or waits for typing to pause. */
  refresh(): void {
    if (this.#params && !this.#inFlight && this.#typing === undefined) this.#first();
  }

  /** Reads the next page, if there is one and nothing else is being read. */
  more(): void {
    const v = this.#view;
    if (!this.#params || !v.more || v.busy || v.loadingMore || this.#inFlight) return;
    this.#put({ ...v, loadingMore: true });
    void this.#read(this.#offset);
  }

  /** The events as they arrive: they patch the rows shown, and wait for a read in flight. */
  see(events: readonly EngineEvent[]): void {
    if (!events.length) return;
    if (this.#during) this.#during.push(...events);
    const hits = patchRows(this.#view.hits, events, this.#seq);
    this.#seq = Math.max(this.#seq, lastSeq(events));
    if (hits !== this.#view.hits) this.#put({ ...this.#view, hits });
  }

  /** Stops the timers (the store is dropped). */
  close(): void {
    this.#gen++;
    this.#stopTimers();
  }

  #first(): void {
    if (this.#inFlight) { this.#again = true; return; }
    clearTimeout(this.#indexing);
    this.#indexing = undefined;
    void this.#read(0);
  }

  async #read(offset: number): Promise<void> {
    const gen = this.#gen;
    const params = this.#params!;
    this.#inFlight = true;
    const during: EngineEvent[] = (this.#during = []);
    let answer: Answer<SearchResult> | undefined;
    let error: unknown;
    try {
      answer = await this.#deps.read({ ...params, limit: SEARCH_PAGE, offset });
    } catch (e) {
      error = e;
    }
    this.#inFlight = false;
    this.#during = null;
    if (gen === this.#gen) {
      if (answer) this.#show(answer, during, offset);
      else this.#failed(error, offset);
    }
    if (this.#again) {
      this.#again = false;
      if (this.#params && this.#typing === undefined) this.#first();
    }
  }

  #show(answer: Answer<SearchResult>, during: readonly EngineEvent[], offset: number): void {
    const { hits, more, pending, complete } = answer.value;
    const seq = answer.seq ?? 0;
    const rows = patchRows(hits, during, seq);
    this.#offset = offset + SEARCH_PAGE;
    if (offset === 0) {
      this.#seq = Math.max(seq, lastSeq(during));
      this.#put({ hits: rows, more, pending, complete, busy: false, loadingMore: false, error: null, answered: true });
      if (pending > 0) {
        this.#indexing = setTimeout(() => {
          this.#indexing = undefined;
          if (this.#offset <= SEARCH_PAGE) this.#first();
        }, INDEXING_RETRY_MS);
      }
      return;
    }
    // A later page: the ranks (or new runs, newest first) may have moved a hit across pages.
    // Its rows keep `#seq` (the older one): an event they already count may come again,
    // and each event leaves a row as the engine has it once the events up to now arrived.
    const shown = new Set(this.#view.hits.map((h) => h.run.id));
    this.#put({
      ...this.#view, hits: [...this.#view.hits, ...rows.filter((h) => !shown.has(h.run.id))], more, pending, complete, loadingMore: false,
    });
  }

  #failed(e: unknown, offset: number): void {
    if (offset === 0 && isQueryError(e)) {
      this.#put({ ...NO_SEARCH, error: e.message, answered: true });
      return;
    }
    this.#deps.fail(e);
    this.#put({ ...this.#view, busy: false, loadingMore: false, error: null });
  }

  #put(view: SearchView): void {
    this.#view = view;
    this.#deps.show(view);
  }

  #stopTimers(): void {
    clearTimeout(this.#typing);
    clearTimeout(this.#indexing);
    this.#typing = undefined;
    this.#indexing = undefined;
  }
}
