// The window's state: a snapshot read through the contract, kept current by the event
// stream. The snapshot is read whole on connect, on a reset (a gap in `seq`) and when the
// events show it is wrong; each batch of events is applied to it (snapshot.ts), and only what
// an event cannot tell is read again: one read of each kind at a time, run once more after
// if it was asked for meanwhile. A drain of thousands of runs per second costs no reads in
// most views. Events about the open run's log are appended as they come.
import { create } from 'zustand';
import type { Counts, EngineEvent, Lane, LogLine, Run, RunDetail, RunPage, Task } from '../../core/api/types';
import { ApiError, createApi, type Api, type Transport } from './api';
import { Reader } from './reader';
import {
  applyEvents, DEAD_STATUSES, inFilter, isDead, PAGE, replayOnDetail, replayOnList, type RunFilter, type RunList, type Snapshot,
} from './snapshot';

export type View = 'runs' | 'dead' | 'lanes' | 'tasks';
export type { RunFilter } from './snapshot';
export interface Notice { kind: 'error' | 'info'; text: string }

export interface State {
  api: Api;
  connected: boolean;
  view: View;
  filter: RunFilter;
  runs: Run[];
  dead: Run[];
  counts: Counts;
  lanes: Lane[];
  tasks: Task[];
  openRunId: number | null;
  detail: RunDetail | null;
  logs: LogLine[];
  notice: Notice | null;
  setView(view: View): void;
  setFilter(filter: Partial<RunFilter>): void;
  openRun(id: number | null): void;
  refresh(): Promise<void>;
  /** Runs a command from a button or form; its error becomes the notice, and the result is returned. */
  act<T>(fn: (api: Api) => Promise<T>, done?: string): Promise<T | undefined>;
  say(notice: Notice | null): void;
}

export function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.code === 'UNAUTHORIZED') return 'This page has no access token. Open the address `tasklane serve` printed (it ends in #token=…).';
    // The engine's messages already name what they are about (input errors start with the field).
    return e.message;
  }
  return e instanceof Error ? e.message : String(e);
}

const EMPTY: Snapshot = {
  counts: { lanes: {}, total: {} }, lanes: [], page: { runs: [], more: false }, dead: { runs: [], more: false }, openRunId: null, detail: null,
};

export function createStore(transport: Transport) {
  const api = createApi(transport);
  let logSeq = 0;
  let handleEvents: (events: EngineEvent[]) => void = () => {};
  let onReset: (connected: boolean) => void = () => {};
  let full: Reader | undefined;

  const store = create<State>((set, get) => {
    // What the window shows, as snapshot.ts keeps it; `show` hands the parts that changed to
    // the views, so a view renders again only for its own data.
    let snap: Snapshot = EMPTY;
    const show = (next: Snapshot) => {
      const patch: Partial<State> = {};
      if (next.counts !== snap.counts) patch.counts = next.counts;
      if (next.lanes !== snap.lanes) patch.lanes = next.lanes;
      if (next.page !== snap.page) patch.runs = next.page.runs;
      if (next.dead !== snap.dead) patch.dead = next.dead.runs;
      if (next.detail !== snap.detail) patch.detail = next.detail;
      snap = next;
      if (Object.keys(patch).length) set(patch);
    };
    const fail = (e: unknown) => set({ notice: { kind: 'error', text: errorText(e) } });

    const listOf = (p: RunPage): RunList => ({ runs: p.runs, more: p.nextCursor !== null });
    const showPage = (p: RunPage, filter: RunFilter, during: EngineEvent[]) => {
      if (get().filter !== filter) return; // the filter changed meanwhile; its own read follows
      const r = replayOnList(listOf(p), during, (s, lane) => inFilter(filter, s, lane), filter.text !== '');
      show({ ...snap, page: r.list });
      if (r.need) void page.request();
    };
    const showDead = (p: RunPage, during: EngineEvent[]) => {
      const r = replayOnList(listOf(p), during, isDead, false);
      show({ ...snap, dead: r.list });
      if (r.need) void dead.request();
    };
    const showDetail = (d: RunDetail | null, id: number, during: EngineEvent[]) => {
      if (snap.openRunId !== id) return;
      const r = replayOnDetail(d, during);
      show({ ...snap, detail: r.detail });
      if (r.need) void detail.request();
    };
    const pageInput = (f: RunFilter) => ({
      limit: PAGE, ...(f.status.length ? { status: f.status } : {}), ...(f.lane ? { lane: f.lane } : {}), ...(f.text ? { text: f.text } : {}),
    });
    const readOpen = (id: number | null) => (id === null ? Promise.resolve(null) : api.getRun({ id }));

    const held = () => all.busy;
    const page = new Reader(async (during) => {
      const filter = get().filter;
      showPage(await api.listRuns(pageInput(filter)), filter, during);
    }, fail, held);
    const dead = new Reader(async (during) => showDead(await api.listRuns({ limit: PAGE, status: [...DEAD_STATUSES] }), during), fail, held);
    // Counts and lanes are not patched with the events that came during their read: those
    // were sent before the reply, so the read already counted them.
    const lanes = new Reader(async () => show({ ...snap, lanes: await api.listLanes() }), fail, held);
    const counts = new Reader(async () => show({ ...snap, counts: await api.counts() }), fail, held);
    const detail = new Reader(async (during) => {
      const id = snap.openRunId;
      if (id !== null) showDetail(await api.getRun({ id }), id, during);
    }, fail, held);
    const tasks = new Reader(async () => set({ tasks: await api.listTasks() }), fail);
    const parts = [page, dead, lanes, counts, detail];
    const all = new Reader(async (during) => {
      const filter = get().filter;
      const id = snap.openRunId;
      const [p, d, c, l, t, open] = await Promise.all([
        api.listRuns(pageInput(filter)), api.listRuns({ limit: PAGE, status: [...DEAD_STATUSES] }),
        api.counts(), api.listLanes(), api.listTasks(), readOpen(id).catch(() => null),
      ]);
      set({ tasks: t });
      show({ ...snap, counts: c, lanes: l });
      showPage(p, filter, during);
      showDead(d, during);
      if (id !== null) showDetail(open, id, during);
    }, fail, () => false, () => { for (const r of parts) r.release(); });
    full = all;

    const loadLogs = async (runId: number) => {
      const page = await api.getLogs({ runId, afterSeq: logSeq, limit: 10_000 });
      if (get().openRunId !== runId) return;
      logSeq = page.lastSeq;
      if (page.lines.length) set({ logs: [...get().logs, ...page.lines] });
    };

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

      for (const r of [all, ...parts]) r.see(events);
      if (all.busy) {
        // The full read in flight replaces the snapshot and applies these to its lists; what
        // it may have read too early is read again after it.
        for (const e of events) {
          if (e.type === 'lane.changed') void lanes.request();
          if (e.type === 'runs.pruned') { void counts.request(); void page.request(); void dead.request(); }
        }
        return;
      }
      const { snap: next, need } = applyEvents(snap, events, get().filter);
      show(next);
      if (need.all) { void all.request(); return; }
      if (need.page) void page.request();
      if (need.dead) void dead.request();
      if (need.lanes) void lanes.request();
      if (need.counts) void counts.request();
      if (need.detail) void detail.request();
    };
    onReset = (connected) => {
      set({ connected });
      if (connected) void all.request();
    };
    handleEvents = onEvents;

    return {
      api,
      connected: false,
      view: 'runs',
      filter: { status: [], lane: '', text: '' },
      runs: [],
      dead: [],
      counts: EMPTY.counts,
      lanes: [],
      tasks: [],
      openRunId: null,
      detail: null,
      logs: [],
      notice: null,

      setView(view) {
        set({ view });
        // Tasks change by commands only, and another client (the CLI) may have sent some.
        if (view === 'tasks') void tasks.request();
      },
      setFilter(filter) { set({ filter: { ...get().filter, ...filter } }); void page.request(); },
      openRun(id) {
        logSeq = 0;
        set({ openRunId: id, detail: null, logs: [] });
        snap = { ...snap, openRunId: id, detail: null };
        if (id !== null) {
          void detail.request();
          void loadLogs(id).catch((e: unknown) => get().say({ kind: 'error', text: errorText(e) }));
        }
      },
      refresh: () => all.request(),
      async act(fn, done) {
        try {
          const value = await fn(api);
          if (done) get().say({ kind: 'info', text: done });
          // What the command did to runs and lanes comes as events (a read now would count it
          // twice: its events may still be on their way); tasks have none.
          void tasks.request();
          return value;
        } catch (e) {
          set({ notice: { kind: 'error', text: errorText(e) } });
          return undefined;
        }
      },
      say(notice) {
        set({ notice });
        // Confirmations fade; errors stay until dismissed.
        if (notice?.kind === 'info') setTimeout(() => { if (get().notice === notice) set({ notice: null }); }, 5000);
      },
    };
  });
  // Subscribed once the store exists: the preload's transport reports "connected" at once.
  transport.subscribe(handleEvents, onReset);
  // The first read does not wait for the event stream: a page without its token learns it now.
  if (!full?.busy) void store.getState().refresh();
  return store;
}

export type Store = ReturnType<typeof createStore>;
