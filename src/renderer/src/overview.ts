// The Overview's own reads and the numbers it shows. Lanes and the latest failures come from
// the store's snapshot (kept by events); history, stats and the next fires are read here:
// history and stats again when runs end (paced: at most one read per TRENDS_GAP_MS, however
// fast they end), the next fires when the soonest one is due or a schedule fired. Pure but for
// the timers it is given.
import type { EngineEvent, History, HistoryPoint, Lane, Run, Stats, StatusCounts, UpcomingFire } from '../../core/api/types';
import { DEAD_LETTER_STATUSES, WAITING_STATUSES } from '../../core/api/statuses';
import { Reader } from './reader';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export type Span = 'hour' | 'day' | 'month';
/** The windows the Overview offers, each with the bucket its chart counts by. */
export const SPANS: readonly { span: Span; label: string; ms: number; bucket: 'hour' | 'day' }[] = [
  { span: 'hour', label: 'Last hour', ms: HOUR, bucket: 'hour' },
  { span: 'day', label: 'Last 24 hours', ms: DAY, bucket: 'hour' },
  { span: 'month', label: 'Last 30 days', ms: 30 * DAY, bucket: 'day' },
];
export const spanOf = (span: Span) => SPANS.find((s) => s.span === span)!;

/** The history and stats inputs for a window ending now (the engine widens it to whole hours). */
export function spanQuery(span: Span, now: number): { history: { from: number; bucket: 'hour' | 'day' }; stats: { from: number; groupBy: 'task' } } {
  const s = spanOf(span);
  return { history: { from: now - s.ms, bucket: s.bucket }, stats: { from: now - s.ms, groupBy: 'task' } };
}

/** History as the charts draw it: one entry per bucket over the answer's range (a bucket the
 *  answer left out counts zero), failures being failed and dead together. */
export interface Series {
  at: number[];
  runs: number[];
  succeeded: number[];
  failed: number[];
  cancelled: number[];
  p50: (number | null)[];
  p95: (number | null)[];
}

export function seriesOf(h: History): Series {
  const size = h.bucket === 'day' ? DAY : HOUR;
  const byAt = new Map<number, HistoryPoint>(h.points.map((p) => [p.at, p]));
  const out: Series = { at: [], runs: [], succeeded: [], failed: [], cancelled: [], p50: [], p95: [] };
  const start = Math.floor(h.from / size) * size;
  // Every bucket of the range, and any point outside it the engine sent (none, as it is).
  const ats = new Set<number>();
  for (let t = start; t < h.to; t += size) ats.add(t);
  for (const p of h.points) ats.add(p.at);
  for (const at of [...ats].sort((a, b) => a - b)) {
    const p = byAt.get(at);
    out.at.push(at);
    out.runs.push(p?.runs ?? 0);
    out.succeeded.push(p?.succeeded ?? 0);
    out.failed.push((p?.failed ?? 0) + (p?.dead ?? 0));
    out.cancelled.push(p?.cancelled ?? 0);
    out.p50.push(p?.p50Ms ?? null);
    out.p95.push(p?.p95Ms ?? null);
  }
  return out;
}

export interface Totals { runs: number; succeeded: number; failed: number; cancelled: number }
export function totalsOf(s: Series): Totals {
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return { runs: sum(s.runs), succeeded: sum(s.succeeded), failed: sum(s.failed), cancelled: sum(s.cancelled) };
}

/** A lane as the Overview shows it: its runs running, waiting and failed (failed or dead), live from the counts. */
export interface LaneLine { name: string; running: number; concurrency: number; waiting: number; failing: number; paused: boolean; rateLimit: Lane['rateLimit'] }
export function laneLines(lanes: readonly Lane[], counts: Record<string, StatusCounts>): LaneLine[] {
  const sum = (c: StatusCounts | undefined, statuses: readonly string[]) => statuses.reduce((n, s) => n + ((c as Record<string, number> | undefined)?.[s] ?? 0), 0);
  return lanes.map((l) => {
    const c = counts[l.name];
    return {
      name: l.name, running: c?.running ?? l.running, concurrency: l.concurrency, paused: l.paused, rateLimit: l.rateLimit,
      waiting: c ? sum(c, WAITING_STATUSES) : l.queued, failing: sum(c, DEAD_LETTER_STATUSES),
    };
  });
}

/** The latest failures among the dead-letter runs the window holds: the last to end first. */
export function latestFailures(dead: readonly Run[], n = 10): Run[] {
  const when = (r: Run) => r.finishedAt ?? r.updatedAt;
  return [...dead].sort((a, b) => when(b) - when(a) || b.id - a.id).slice(0, n);
}

/** Events after which history and stats have changed: a run ended (succeeded, failed for good, dead, cancelled). */
export function endsRuns(events: readonly EngineEvent[]): boolean {
  return events.some((e) => e.type === 'run.succeeded' || e.type === 'run.cancelled'
    || (e.type === 'run.failed' && e.status !== 'retrying') || (e.type === 'run.dead' && e.from !== undefined));
}

/** Events after which the next fires have changed: a schedule fired. */
export function movesFires(events: readonly EngineEvent[]): boolean {
  return events.some((e) => e.type === 'schedule.fired');
}

/** What the Overview reads: history and stats of its window, and the next fires. */
export interface OverviewReads { span: Span; history: History | null; stats: Stats | null; fires: UpcomingFire[] | null }

export interface OverviewDeps {
  history(input: { from: number; bucket: 'hour' | 'day' }): Promise<History>;
  stats(input: { from: number; groupBy: 'task' }): Promise<Stats>;
  upcomingFires(input: { limit: number }): Promise<UpcomingFire[]>;
  now(): number;
  show(reads: OverviewReads): void;
  fail(e: unknown): void;
}

/** The shortest time between two reads of history and stats that events asked for. */
export const TRENDS_GAP_MS = 1_000;
/** The next fires are read again this long after the soonest is due (its run is enqueued by then). */
const FIRE_LAG_MS = 1_000;
/** At most this long between reads of the next fires, whatever is due (a timer's range, and tasks changed elsewhere). */
const FIRES_MAX_WAIT_MS = 3_600_000;

/**
 * The Overview's reads while it is shown: `start` reads everything, `setSpan` the trends for
 * another window, `see` asks for what events changed, `reset` reads everything again after a
 * reconnect; `stop` ends its timers. One read of each kind at a time (Reader).
 */
export function overviewReads(deps: OverviewDeps, span: Span) {
  let state: OverviewReads = { span, history: null, stats: null, fires: null };
  let stopped = false;
  const show = (patch: Partial<OverviewReads>) => { state = { ...state, ...patch }; if (!stopped) deps.show(state); };

  let trendsEnded = -Infinity;
  let trendsTimer: ReturnType<typeof setTimeout> | undefined;
  /** Events asked for a read that has not started yet. */
  let wanted = false;
  const readTrends = () => { wanted = false; void trends.request(); };
  /** A read asked for by events: at once if the last ended TRENDS_GAP_MS ago, else when it
   *  has; one in flight is followed by one more, TRENDS_GAP_MS after it (its `after`). */
  const paced = () => {
    wanted = true;
    if (trendsTimer !== undefined || trends.busy || stopped) return;
    const wait = trendsEnded + TRENDS_GAP_MS - deps.now();
    if (wait <= 0) { readTrends(); return; }
    trendsTimer = setTimeout(() => { trendsTimer = undefined; if (!stopped && wanted) readTrends(); }, wait);
  };
  const trends: Reader = new Reader(async () => {
    const want = state.span;
    const q = spanQuery(want, deps.now());
    try {
      const [history, stats] = await Promise.all([deps.history(q.history), deps.stats(q.stats)]);
      // Another window was chosen meanwhile: its own read follows.
      if (state.span === want) show({ history, stats });
    } finally {
      trendsEnded = deps.now();
    }
  }, deps.fail, () => false, () => { if (wanted) paced(); });

  let firesTimer: ReturnType<typeof setTimeout> | undefined;
  const fires = new Reader(async () => {
    const list = await deps.upcomingFires({ limit: 10 });
    show({ fires: list });
    clearTimeout(firesTimer);
    if (stopped) return;
    const due = list.length ? list[0].at + FIRE_LAG_MS - deps.now() : FIRES_MAX_WAIT_MS;
    firesTimer = setTimeout(() => { firesTimer = undefined; if (!stopped) void fires.request(); }, Math.min(Math.max(due, FIRE_LAG_MS), FIRES_MAX_WAIT_MS));
  }, deps.fail);

  const all = () => { void trends.request(); void fires.request(); };
  return {
    start: all,
    setSpan(next: Span) {
      if (next === state.span) return;
      show({ span: next, history: null, stats: null });
      void trends.request();
    },
    /** Tasks or schedules changed (this window's commands): the next fires may have. */
    tasksChanged: () => void fires.request(),
    see(events: readonly EngineEvent[]) {
      if (endsRuns(events)) paced();
      if (movesFires(events)) void fires.request();
    },
    reset(connected: boolean) { if (connected) all(); },
    stop() {
      stopped = true;
      clearTimeout(trendsTimer);
      clearTimeout(firesTimer);
    },
  };
}
