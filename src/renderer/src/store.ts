// The window's state: a snapshot read through the contract, kept current by the event
// stream. The snapshot is read whole on connect, on a reset (a gap in `seq`) and when the
// events show it is wrong (and again a while later if that read fails); each batch of events
// is applied to it (snapshot.ts), and only what an event cannot tell is read again: one read
// of each kind at a time, run once more after if it was asked for meanwhile. A drain of
// thousands of runs per second costs no reads in most views. Events about the open run's
// log are appended as they come.
//
// Every answer says the last event it reflects (`seq`), and each part of the snapshot keeps
// its answer's seq: an event reaches a part only if it is newer. So a read is exact whatever
// the timing: the events it already counts are skipped when they arrive after it, and the
// newer ones that arrived while it was on its way are applied to it when it is shown.
//
// A filter with a text is a full-text search (search.ts), read apart from the list: the list
// keeps the rest of the filter (the text is never sent to listRuns), so it stays live behind
// the search and is there at once when the text is cleared.
import { create } from 'zustand';
import type { Counts, EngineEvent, Lane, LogLine, Run, RunDetail, RunPage, TaskListItem } from '../../core/api/types';
import { ApiError, createApi, createRead, type Answer, type Api, type Read, type Transport } from './api';
import { Reader } from './reader';
import {
  applyEvents, applyToTail, DEAD_STATUSES, engineMatches, mergeFirstPage, PAGE, type Need, type Part, type RunFilter, type RunList, type Snapshot,
} from './snapshot';
import { NO_SEARCH, Search, searchParams, type SearchView } from './search';
import { createdRange, EMPTY_FILTER, hashOf, validFilter, type View } from './url';

export type { View } from './url';
export type { RunFilter } from './snapshot';
export interface Notice { kind: 'error' | 'info'; text: string }
/** A view that keeps reads of its own (Overview): the events as they arrive, after the store
 *  applied them, and each (re)connect or gap, after which it reads again. */
export interface EngineListener { events?(events: readonly EngineEvent[]): void; reset?(connected: boolean): void }

export interface State {
  api: Api;
  connected: boolean;
  view: View;
  filter: RunFilter;
  /** The Runs view's list: the filter's first page and the pages loaded after it, newest first. */
  runs: Run[];
  /** How many runs match the filter in all; null while it is not known. */
  runsTotal: number | null;
  /** More runs match beyond `runs` (loadMore reads the next page). */
  runsMore: boolean;
  loadingMore: boolean;
  dead: Run[];
  counts: Counts;
  lanes: Lane[];
  tasks: TaskListItem[];
  /** The search for the filter's text (empty hits and not busy while there is no text). */
  search: SearchView;
  openRunId: number | null;
  /** The log line to show in the open run (a search hit's line), or null. */
  openLine: number | null;
  detail: RunDetail | null;
  logs: LogLine[];
  notice: Notice | null;
  setView(view: View): void;
  /** The task whose page is open in the Tasks view (in the address: #tasks/3), or null. */
  openTaskId: number | null;
  /** Opens a task's page (and the Tasks view), or goes back to the list (null). */
  openTask(id: number | null): void;
  setFilter(filter: Partial<RunFilter>): void;
  /** Opens a run, or closes the open one (null); `line`: a log line to bring into view. */
  openRun(id: number | null, line?: number): void;
  /** Reads the search's next hits. */
  searchMore(): void;
  /** Reads the filter's next page after `runs` (one read at a time). */
  loadMore(): Promise<void>;
  refresh(): Promise<void>;
  /** Reads the tasks again (they change by commands, some sent by other clients). */
  readTasks(): void;
  /** Runs a command from a button or form; its error becomes the notice, and the result is returned. */
  /** Runs a command; its error is said in the notice line, unless `handled` says it was said
   *  elsewhere (under a form's field). */
  act<T>(fn: (api: Api) => Promise<T>, done?: string, handled?: (error: unknown) => boolean): Promise<T | undefined>;
  say(notice: Notice | null): void;
  /** Hears the events and resets (EngineListener) until the returned function is called. */
  listen(listener: EngineListener): () => void;
}

export function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.code === 'UNAUTHORIZED') return 'This page has no access token. Open the address `tasklane serve` printed (it ends in #token=…).';
    // The engine's messages already name what they are about (input errors start with the field).
    return e.message;
  }
  return e instanceof Error ? e.message : String(e);
}

/** Parts of the snapshot as read, each with the seq its answer reflects. */
interface Answers {
  counts?: Answer<Counts>;
  lanes?: Answer<Lane[]>;
  page?: Answer<RunPage>;
  dead?: Answer<RunPage>;
  detail?: Answer<RunDetail | null>;
}

/** The first wait before a failed full read is tried again, and the longest. */
export const RETRY_MIN_MS = 1_000;
export const RETRY_MAX_MS = 30_000;

const EMPTY: Snapshot = {
  counts: { lanes: {}, total: {} }, lanes: [], page: { runs: [], more: false }, dead: { runs: [], more: false }, openRunId: null, detail: null,
  seq: { counts: 0, lanes: 0, page: 0, dead: 0, detail: 0 },
};

/** How long a page read that is ahead of the events waits for them, so the rows it adds are
 *  kept by the same events as the rows shown. */
const CATCH_UP_MS = 5_000;

/** The Runs filter as the engine takes it (listRuns, bulk). It has no text: a text is the
 *  search's. */
export function filterInput(f: RunFilter) {
  return {
    ...(f.status.length ? { status: f.status } : {}), ...(f.lane ? { lane: f.lane } : {}),
    ...(f.taskId != null ? { taskId: f.taskId } : {}), ...(f.kind ? { kind: f.kind } : {}), ...createdRange(f),
  };
}

export function createStore(transport: Transport, initial: { view?: View; filter?: RunFilter; taskId?: number | null } = {}) {
  const api = createApi(transport);
  const answer = createRead(transport);
  /** The seq of the last event seen (or, before any, the engine's last seq when the stream
   *  began: the WebSocket's hello, else the first answer's): what an answer without a seq (an
   *  older engine) is taken to reflect, and how far the events have come. */
  let lastSeen = 0;
  /** lastSeen is known: from the hello, or from the first answer (the IPC stream has no hello). */
  let baseline = false;
  /** Events may have been missed (a reset without the engine's seq, or a hello past lastSeen):
   *  the next full read replaces the list instead of keeping the pages loaded below its first. */
  let gap = false;
  /** A read of a part of the snapshot, with the seq it reflects. */
  const read: Read = async (name, input) => {
    const a = await answer(name, input);
    if (!baseline && a.seq !== undefined) {
      baseline = true;
      if (a.seq > lastSeen) { lastSeen = a.seq; arrived(); }
    }
    return { value: a.value, seq: a.seq ?? lastSeen };
  };
  let logSeq = 0;
  let handleEvents: (events: EngineEvent[]) => void = () => {};
  let onReset: (connected: boolean, lastSeq?: number) => void = () => {};
  let full: Reader | undefined;
  const listeners = new Set<EngineListener>();
  let search: Search | undefined;
  /** Resolved once the events up to a seq have arrived (true), or after a while (false). */
  let catchUps: { seq: number; resolve: (ok: boolean) => void }[] = [];
  const caughtUp = (seq: number | undefined): Promise<boolean> => {
    if (seq === undefined || seq <= lastSeen) return Promise.resolve(true);
    return new Promise((resolve) => {
      const w = { seq, resolve };
      catchUps.push(w);
      setTimeout(() => { catchUps = catchUps.filter((x) => x !== w); resolve(false); }, CATCH_UP_MS);
    });
  };
  const arrived = () => {
    if (!catchUps.length) return;
    const done = catchUps.filter((w) => w.seq <= lastSeen);
    catchUps = catchUps.filter((w) => w.seq > lastSeen);
    for (const w of done) w.resolve(true);
  };

  const store = create<State>((set, get) => {
    // What the window shows, as snapshot.ts keeps it; `show` hands the parts that changed to
    // the views, so a view renders again only for its own data.
    let snap: Snapshot = EMPTY;
    /** The list's part of the view's filter (listPart): the same object while only the text changes. */
    let listed = listPart(validFilter(initial.filter ?? { ...EMPTY_FILTER }));
    /** The filter `snap.page` lists (`listed`, or the one before while its read is on its way). */
    let listFilter: RunFilter | null = null;
    /** Counts the replacements of the list: a next page read across one is not added. */
    let listEpoch = 0;
    const show = (next: Snapshot) => {
      const patch: Partial<State> = {};
      if (next.counts !== snap.counts) patch.counts = next.counts;
      if (next.lanes !== snap.lanes) patch.lanes = next.lanes;
      if (next.page !== snap.page) {
        patch.runs = next.page.runs;
        patch.runsMore = next.page.more;
        patch.runsTotal = listFilter === listed ? next.page.total ?? null : null;
      }
      if (next.dead !== snap.dead) patch.dead = next.dead.runs;
      if (next.detail !== snap.detail) patch.detail = next.detail;
      snap = next;
      if (Object.keys(patch).length) set(patch);
    };
    const fail = (e: unknown) => set({ notice: { kind: 'error', text: errorText(e) } });
    search = new Search({ read: (input) => read('search', input), show: (view) => set({ search: view }), fail });
    /** Pages past the first are loaded or being read: the list's last row stays its last. */
    const grow = () => more.busy || snap.page.runs.length > PAGE;
    /** A next page that added nothing (an error, a full read in flight, the list moved) is read
     *  again after `moreWait`, doubling to RETRY_MAX_MS; loadingMore stays true meanwhile. */
    let moreWait = RETRY_MIN_MS;
    let moreTimer: ReturnType<typeof setTimeout> | undefined;
    const moreReady = () => {
      clearTimeout(moreTimer);
      moreTimer = undefined;
      moreWait = RETRY_MIN_MS;
    };

    /** Asks for the reads `need` names. */
    const ask = (need: Need) => {
      if (need.all) { void all.request(); return; }
      if (need.page) void page.request();
      if (need.dead) void dead.request();
      if (need.lanes) void lanes.request();
      if (need.counts) void counts.request();
      if (need.detail) void detail.request();
    };
    /** Shows parts just read, each from its answer, with the events that arrived while they
     *  were read (`during`): those newer than an answer are applied to it, the others skipped. */
    const install = (read: Answers, during: readonly EngineEvent[], first: 'merge' | 'replace' = 'replace') => {
      const next = { ...snap };
      const seq: Record<Part, number> = { ...snap.seq };
      const at = (a: Answer<unknown>) => a.seq ?? lastSeen;
      if (read.counts) { next.counts = read.counts.value; seq.counts = at(read.counts); }
      if (read.lanes) { next.lanes = read.lanes.value; seq.lanes = at(read.lanes); }
      if (read.page) {
        const filter = listed;
        const p = read.page.value;
        const same = listFilter === filter;
        let list = listOf(p);
        if (same && first === 'merge') list = mergeFirstPage(snap.page, list, p.nextCursor);
        else listEpoch++;
        // The total comes with the answer, or is the one kept so far (every event up to the
        // page's seq reached it).
        if (p.total !== undefined) list = { ...list, total: p.total, totalSeq: at(read.page) };
        else if (same && snap.page.total != null) list = { ...list, total: snap.page.total, totalSeq: Math.max(snap.page.totalSeq ?? 0, snap.seq.page) };
        else list = { ...list, total: null };
        next.page = list;
        seq.page = at(read.page);
        listFilter = filter;
      }
      if (read.dead) { next.dead = listOf(read.dead.value); seq.dead = at(read.dead); }
      if (read.detail) { next.detail = read.detail.value; seq.detail = at(read.detail); }
      next.seq = seq;
      const out = applyEvents(next, during, listed, { grow: grow() });
      show(out.snap);
      ask(out.need);
    };
    const listOf = (p: RunPage): RunList => ({ runs: p.runs, more: p.nextCursor !== null });
    const pageInput = (f: RunFilter) => ({ limit: PAGE, ...filterInput(f) });
    /** The first page asks for the total when it is not known (or only the engine can keep it). */
    const wantTotal = (f: RunFilter) => listFilter !== f || snap.page.total == null || engineMatches(f);
    const readDead = () => read('listRuns', { limit: PAGE, status: [...DEAD_STATUSES] });

    const held = () => all.busy;
    const page = new Reader(async (during) => {
      const filter = listed;
      const p = await read('listRuns', { ...pageInput(filter), withTotal: wantTotal(filter) });
      // The filter changed meanwhile: its own read follows.
      if (listed !== filter) return;
      // Rows shown below it stay, once the events up to its seq have reached them too.
      const below = p.value.nextCursor !== null && listFilter === filter && (snap.page.runs.at(-1)?.id ?? Infinity) < p.value.nextCursor;
      const mode = !below || (await caughtUp(p.seq)) ? 'merge' : 'replace';
      if (listed === filter) install({ page: p }, during, mode);
    }, fail, held);
    const more = new Reader(async (during) => {
      const filter = listed;
      const list = snap.page;
      const last = list.runs[list.runs.length - 1];
      if (listFilter !== filter || !list.more || !last || moreTimer !== undefined) return;
      const epoch = listEpoch;
      set({ loadingMore: true });
      /** Rows were added, or the list was replaced (its own pages follow): no wait. */
      let done = false;
      try {
        const p = await read('listRuns', { ...pageInput(filter), cursor: last.id, limit: PAGE });
        // Added only where it was read from, and once every event it has seen reached the list
        // and every event the list has seen (it may be ahead, from an answer) reached it. On an
        // idle engine nothing is outstanding: that is at once.
        let caught = true;
        for (let upTo; (upTo = Math.max(p.seq ?? 0, snap.seq.page)) > lastSeen;) {
          if (!(await caughtUp(upTo))) { caught = false; break; }
        }
        if (all.busy) return;
        const now = snap.page;
        if (listed !== filter || listFilter !== filter || listEpoch !== epoch || !now.more) { done = true; return; }
        // The list still reaches the page's top (a first page read meanwhile may have taken
        // it further down: the page's rows below its end are added); cut above it, the list
        // and the page would leave a gap between them.
        const end = now.runs[now.runs.length - 1]?.id;
        if (end === undefined || end > last.id) return;
        done = true;
        const tail = applyToTail(listOf(p.value), during.filter((e) => e.seq > (p.seq ?? 0)), filter, end);
        show({ ...snap, page: { ...now, runs: [...now.runs, ...tail.runs.filter((r) => r.id < end)], more: tail.more } });
        // The events did not come in time: the rows are kept, and the first page is read again
        // (it brings the list up to the engine's seq).
        if (!caught) void page.request();
      } finally {
        if (done) {
          moreReady();
          set({ loadingMore: false });
        } else {
          moreTimer = setTimeout(() => { moreTimer = undefined; set({ loadingMore: false }); }, moreWait);
          moreWait = Math.min(moreWait * 2, RETRY_MAX_MS);
        }
      }
    }, fail, held);
    const dead = new Reader(async (during) => install({ dead: await readDead() }, during), fail, held);
    const lanes = new Reader(async (during) => install({ lanes: await read('listLanes') }, during), fail, held);
    const counts = new Reader(async (during) => install({ counts: await read('counts') }, during), fail, held);
    const detail = new Reader(async (during) => {
      const id = snap.openRunId;
      if (id === null) return;
      const d = await read('getRun', { id });
      if (snap.openRunId === id) install({ detail: d }, during);
    }, fail, held);
    const tasks = new Reader(async () => set({ tasks: await api.listTasks() }), fail);
    const parts = [page, more, dead, lanes, counts, detail];
    /** A full read that failed is tried again after `retryMs` (doubling up to RETRY_MAX_MS)
     *  until one succeeds; a reconnect reads at once anyway. */
    let retryMs = RETRY_MIN_MS;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    const all = new Reader(async (during) => {
      const filter = listed;
      const id = snap.openRunId;
      const lost = gap;
      gap = false;
      const none: Answer<null> = { value: null, seq: undefined }; // no open run, or it is gone
      // The list's page is read beside the rest, not with it: a filter the engine refuses fails
      // the list alone (one notice), not the counts, lanes and Dead letter with it.
      const firstPage = read('listRuns', { ...pageInput(filter), withTotal: true }).then(
        (a) => ({ ok: true as const, a }), (e: unknown) => ({ ok: false as const, e }));
      let answers;
      try {
        answers = await Promise.all([
          firstPage, readDead(), read('counts'), read('listLanes'),
          id === null ? none : read('getRun', { id }).catch(() => none),
          // Tasks are not kept by events: their own read, whose failure is its own notice (it never rejects).
          tasks.request(),
        ]);
      } catch (e) {
        // Nothing was read: the events that arrived meanwhile apply to the snapshot as it is,
        // as if no read had been in flight (each part skips what it has), and the full read
        // is tried again, for whatever made it needed.
        gap ||= lost;
        const out = applyEvents(snap, during, listed, { grow: grow() });
        show(out.snap);
        ask({ ...out.need, all: false });
        if (retryTimer === undefined && get().connected) {
          retryTimer = setTimeout(() => { retryTimer = undefined; void all.request(); }, retryMs);
          retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
        }
        throw e;
      }
      const [p, d, c, l, open] = answers;
      clearTimeout(retryTimer);
      retryTimer = undefined;
      retryMs = RETRY_MIN_MS;
      // The engine answers again: a next page that was waiting out a failure is read now.
      if (moreTimer !== undefined) { moreReady(); set({ loadingMore: false }); }
      install({
        counts: c, lanes: l, dead: d,
        ...(p.ok && listed === filter ? { page: p.a } : {}),
        ...(id !== null && snap.openRunId === id ? { detail: open } : {}),
        // The pages loaded below the first stay, as after the list's own read, when no event
        // was missed and every one up to the answer has reached them.
      }, during, !lost && p.ok && lastSeen >= (p.a.seq ?? 0) ? 'merge' : 'replace');
      // (a page for another filter is not shown: setFilter asked for its read)
      // The list could not be read: its error is the notice. A refused filter stays refused
      // until it changes; any other failure reads the list again later.
      if (!p.ok) {
        fail(p.e);
        if (!(p.e instanceof ApiError && p.e.code === 'INVALID_INPUT') && retryTimer === undefined && get().connected) {
          retryTimer = setTimeout(() => { retryTimer = undefined; void page.request(); }, retryMs);
          retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
        }
      }
    }, fail, () => false, () => { for (const r of parts) r.release(); });
    full = all;

    const loadLogs = async (runId: number) => {
      const page = await api.getLogs({ runId, afterSeq: logSeq, limit: 10_000 });
      if (get().openRunId !== runId) return;
      logSeq = page.lastSeq;
      if (page.lines.length) set({ logs: [...get().logs, ...page.lines] });
    };

    let tasksTimer: ReturnType<typeof setTimeout> | undefined;
    const onEvents = (events: EngineEvent[]) => {
      const open = get().openRunId;
      const lines: LogLine[] = [];
      for (const e of events) {
        if (e.type === 'run.log' && e.runId === open) {
          if (e.logSeq === logSeq + 1) { lines.push({ seq: e.logSeq, stream: e.stream, at: e.at, text: e.text }); logSeq = e.logSeq; }
          else if (e.logSeq > logSeq) void loadLogs(e.runId);
        }
      }
      if (lines.length) set({ logs: [...get().logs, ...lines] });

      if (events.length) lastSeen = events[events.length - 1].seq;
      for (const r of [all, ...parts]) r.see(events);
      search!.see(events);
      arrived();
      // The full read in flight applies these to what it read, when it shows it.
      if (!all.busy) {
        const { snap: next, need } = applyEvents(snap, events, listed, { grow: grow() });
        show(next);
        ask(need);
      }
      for (const l of listeners) l.events?.(events);
      // The tasks list shows each task's last run: read again when runs move while it is shown
      // (one read at a time, Reader; a read asked for meanwhile follows it).
      // At most one read a second, however fast runs move (a timer, so the last move is read too).
      if (get().view === 'tasks' && tasksTimer === undefined && events.some((e) => e.type !== 'run.log' && e.type !== 'run.progress' && e.type.startsWith('run.'))) {
        tasksTimer = setTimeout(() => { tasksTimer = undefined; void tasks.request(); }, 1_000);
      }
    };
    onReset = (connected, lastSeq) => {
      set({ connected });
      if (connected && (lastSeq === undefined || lastSeq !== lastSeen)) gap = true;
      if (lastSeq !== undefined) {
        // The stream goes on from the engine's last seq.
        baseline = true;
        lastSeen = lastSeq;
        arrived();
      }
      // A gap: the events those reads wait for may never come; they go on without them.
      for (const w of catchUps) w.resolve(false);
      catchUps = [];
      if (connected) void all.request();
      if (connected) search!.refresh();
      for (const l of listeners) l.reset?.(connected);
    };
    handleEvents = onEvents;

    return {
      api,
      connected: false,
      view: initial.view ?? 'runs',
      filter: validFilter(initial.filter ?? { ...EMPTY_FILTER }),
      runs: [],
      runsTotal: null,
      runsMore: false,
      loadingMore: false,
      dead: [],
      counts: EMPTY.counts,
      lanes: [],
      tasks: [],
      search: NO_SEARCH,
      openRunId: null,
      openLine: null,
      detail: null,
      logs: [],
      notice: null,

      openTaskId: initial.view === 'tasks' ? initial.taskId ?? null : null,
      openTask(id) {
        if (id !== null && get().view !== 'tasks') get().setView('tasks');
        set({ openTaskId: id });
      },
      setView(view) {
        set({ view, openTaskId: null });
        // Tasks change by commands only, and another client (the CLI) may have sent some.
        if (view === 'tasks') void tasks.request();
      },
      setFilter(filter) {
        const before = get().filter;
        const next = validFilter({ ...before, ...filter });
        // The same filter (the active chip clicked, a space after the search): the list stays.
        if (hashOf('runs', next) === hashOf('runs', before)) return;
        // The search first: a view that sees the new filter sees its search busy too.
        search!.want(searchParams(next), { debounce: next.text !== before.text });
        const list = listPart(next);
        if (hashOf('runs', list) === hashOf('runs', listed)) { set({ filter: next }); return; }
        listed = list;
        moreReady();
        set({ filter: next, runsTotal: null, loadingMore: false });
        void page.request();
      },
      loadMore: () => more.request(),
      searchMore: () => search!.more(),
      openRun(id, line) {
        logSeq = 0;
        set({ openRunId: id, openLine: id !== null && line !== undefined ? line : null, detail: null, logs: [] });
        snap = { ...snap, openRunId: id, detail: null };
        if (id !== null) {
          void detail.request();
          void loadLogs(id).catch((e: unknown) => get().say({ kind: 'error', text: errorText(e) }));
        }
      },
      refresh: () => all.request(),
      readTasks: () => { void tasks.request(); },
      async act(fn, done, handled) {
        try {
          const value = await fn(api);
          if (done) get().say({ kind: 'info', text: done });
          // What the command did to runs and lanes comes as events, each applied once to each
          // part whatever its timing against reads (seq); tasks have none.
          void tasks.request();
          return value;
        } catch (e) {
          if (!handled?.(e)) set({ notice: { kind: 'error', text: errorText(e) } });
          return undefined;
        }
      },
      say(notice) {
        set({ notice });
        // Confirmations fade; errors stay until dismissed.
        if (notice?.kind === 'info') setTimeout(() => { if (get().notice === notice) set({ notice: null }); }, 5000);
      },
      listen(listener) {
        listeners.add(listener);
        return () => { listeners.delete(listener); };
      },
    };
  });
  // Subscribed once the store exists: the preload's transport reports "connected" at once.
  transport.subscribe(handleEvents, onReset);
  search!.want(searchParams(store.getState().filter), { debounce: false });
  // The first read does not wait for the event stream: a page without its token learns it now.
  if (!full?.busy) void store.getState().refresh();
  return store;
}

export type Store = ReturnType<typeof createStore>;

/** The part of the filter the list reads: all but the text and how it is searched. */
export function listPart(f: RunFilter): RunFilter {
  if (!f.text && f.order === undefined && f.syntax === undefined) return f;
  const { order: _o, syntax: _s, ...rest } = f;
  return { ...rest, text: '' };
}
