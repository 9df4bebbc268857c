// The window's state: a snapshot read through the contract, kept fresh by the event stream.
// Events about the open run's log are appended as they come; any other event marks the
// snapshot stale and it is read again at most every 250 ms (longer when reads are slow), so
// a drain of thousands of runs per second costs the window a few reads per second.
import { create } from 'zustand';
import type { Counts, EngineEvent, Lane, LogLine, Run, RunDetail, RunStatus, Task } from '../../core/api/types';
import { ApiError, createApi, type Api, type Transport } from './api';

export type View = 'runs' | 'dead' | 'lanes' | 'tasks';
export interface RunFilter { status: RunStatus[]; lane: string; text: string }
export interface Notice { kind: 'error' | 'info'; text: string }

const REFRESH_MS = 250;
export const DEAD_STATUSES: RunStatus[] = ['dead', 'failed'];

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

export function createStore(transport: Transport) {
  const api = createApi(transport);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let logSeq = 0;
  let handleEvents: (events: EngineEvent[]) => void = () => {};
  let onReset: (connected: boolean) => void = () => {};

  const store = create<State>((set, get) => {
    // Reading the snapshot costs the engine time (counting a million queued runs takes
    // ~0.2 s): the next read waits at least 5× as long as the last one took, so an open
    // window never takes more than a sixth of the engine's time.
    let gap = REFRESH_MS;
    const refreshSoon = () => {
      timer ??= setTimeout(() => {
        timer = undefined;
        const t0 = performance.now();
        void get().refresh().then(() => { gap = Math.max(REFRESH_MS, 5 * (performance.now() - t0)); });
      }, gap);
    };

    const loadLogs = async (runId: number) => {
      const page = await api.getLogs({ runId, afterSeq: logSeq, limit: 10_000 });
      if (get().openRunId !== runId) return;
      logSeq = page.lastSeq;
      if (page.lines.length) set({ logs: [...get().logs, ...page.lines] });
    };

    const onEvents = (events: EngineEvent[]) => {
      const open = get().openRunId;
      const lines: LogLine[] = [];
      let stale = false;
      for (const e of events) {
        if (e.type === 'run.log' && e.runId === open) {
          if (e.logSeq === logSeq + 1) { lines.push({ seq: e.logSeq, stream: e.stream, at: e.at, text: e.text }); logSeq = e.logSeq; }
          else if (e.logSeq > logSeq) void loadLogs(e.runId);
        } else if (e.type !== 'run.log') stale = true;
      }
      if (lines.length) set({ logs: [...get().logs, ...lines] });
      if (stale) refreshSoon();
    };
    onReset = (connected) => {
      set({ connected });
      if (connected) void get().refresh();
    };
    handleEvents = onEvents;

    return {
      api,
      connected: false,
      view: 'runs',
      filter: { status: [], lane: '', text: '' },
      runs: [],
      dead: [],
      counts: { lanes: {}, total: {} },
      lanes: [],
      tasks: [],
      openRunId: null,
      detail: null,
      logs: [],
      notice: null,

      setView(view) { set({ view }); void get().refresh(); },
      setFilter(filter) { set({ filter: { ...get().filter, ...filter } }); void get().refresh(); },
      openRun(id) {
        logSeq = 0;
        set({ openRunId: id, detail: null, logs: [] });
        if (id !== null) {
          void get().act(async (a) => { const detail = await a.getRun({ id }); if (get().openRunId === id) set({ detail }); });
          void loadLogs(id).catch((e: unknown) => get().say({ kind: 'error', text: errorText(e) }));
        }
      },
      async refresh() {
        const { filter, openRunId } = get();
        try {
          const [page, dead, counts, lanes, tasks, detail] = await Promise.all([
            api.listRuns({ limit: 200, ...(filter.status.length ? { status: filter.status } : {}),
              ...(filter.lane ? { lane: filter.lane } : {}), ...(filter.text ? { text: filter.text } : {}) }),
            api.listRuns({ limit: 200, status: DEAD_STATUSES }),
            api.counts(),
            api.listLanes(),
            api.listTasks(),
            openRunId === null ? Promise.resolve(null) : api.getRun({ id: openRunId }).catch(() => null),
          ]);
          set({ runs: page.runs, dead: dead.runs, counts, lanes, tasks, ...(openRunId === get().openRunId ? { detail } : {}) });
        } catch (e) {
          set({ notice: { kind: 'error', text: errorText(e) } });
        }
      },
      async act(fn, done) {
        try {
          const value = await fn(api);
          if (done) get().say({ kind: 'info', text: done });
          refreshSoon();
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
  void store.getState().refresh();
  return store;
}

export type Store = ReturnType<typeof createStore>;
