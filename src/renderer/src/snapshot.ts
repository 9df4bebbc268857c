// The window's snapshot kept current by the event stream: each batch of events is applied to
// what was read (counts, lanes' running/queued, the runs page, the dead-letter list, the open
// run), and what an event cannot tell comes back as a `Need`: the reads to make. Pure: no
// React, no I/O. A move (types.ts) takes one from `from` and adds one to `status`.
//
// Each part remembers the `seq` it reflects (its answer's seq, then the last event applied to
// it), and an event reaches a part only if it is newer: an answer already counts the events up
// to its seq, however late they arrive, so none is applied twice and none is lost.
import { DEAD_LETTER_STATUSES } from '../../core/api/statuses';
import type { Counts, EngineEvent, Lane, Run, RunDetail, RunStatus, StatusCounts } from '../../core/api/types';

/** What the Runs view lists. `status`, `lane`: events tell whether a run matches; the others
 *  only the engine can (`text`, `taskId`, `kind`, the creation dates `from`/`to`: local days,
 *  YYYY-MM-DD, both included). A `text` makes the view a full-text search (search.ts), read
 *  in `order` (default: best match first) with `syntax` (default: plain words). */
export interface RunFilter {
  status: RunStatus[]; lane: string; text: string;
  taskId?: number | null; kind?: string; from?: string; to?: string;
  order?: SearchOrder; syntax?: SearchSyntax;
}
export type SearchOrder = 'rank' | 'newest';
export type SearchSyntax = 'words' | 'fts';

/** The filter has parts only the engine can match (a run's text, task, kind or date). */
export function engineMatches(f: RunFilter): boolean {
  return f.text !== '' || (f.taskId ?? null) !== null || !!f.kind || !!f.from || !!f.to;
}

/** The statuses the Dead letter view lists. */
export const DEAD_STATUSES: readonly RunStatus[] = DEAD_LETTER_STATUSES;
/** How many runs a list reads, and the most it holds. */
export const PAGE = 200;

/**
 * The newest runs of a filter, newest first: the first page and the pages loaded after it
 * (cursor paging), exactly the filter's newest `runs.length` runs. `more`: runs beyond it match
 * too. `total`: how many match in all (null or absent: unknown, ask with the next first page),
 * as of event `totalSeq`. `floor`: the oldest run that entered the first page's part unseen
 * (its row comes with the next read of the first page; rows kept below that read must not
 * reach above it).
 */
export interface RunList { runs: Run[]; more: boolean; total?: number | null; totalSeq?: number; floor?: number }

export interface Snapshot {
  counts: Counts;
  lanes: Lane[];
  /** The Runs view's page, for `filter`. */
  page: RunList;
  dead: RunList;
  openRunId: number | null;
  detail: RunDetail | null;
  /** Per part, the last event it reflects: events up to it are already in the part. */
  seq: PartSeqs;
}

/** The parts of the snapshot read from answers. */
export type Part = 'counts' | 'lanes' | 'page' | 'dead' | 'detail';
export type PartSeqs = Readonly<Record<Part, number>>;
export const PARTS: readonly Part[] = ['counts', 'lanes', 'page', 'dead', 'detail'];

export interface Need {
  /** The runs page (a run entered the filter, a new run's input, a text filter, a page run low). */
  page?: boolean;
  dead?: boolean;
  lanes?: boolean;
  /** The open run (one getRun). */
  detail?: boolean;
  counts?: boolean;
  /** The snapshot is wrong (a count went below 0, an unknown event): read it all again. */
  all?: boolean;
}

type RunEvent = Extract<EngineEvent, { runId: number }>;
interface Move { from: RunStatus | null; status: RunStatus | null }

/** The move an event makes, or null: run.retrying, and a run.dead after its run.failed, move nothing. */
export function moveOf(e: RunEvent): Move | null {
  if (!('from' in e) || e.from === undefined) return null;
  return { from: e.from, status: e.status };
}

/** `grow`: new runs at the top of the list add rows instead of pushing the last ones out (while
 *  pages past the first are loaded or being read, whose place is after the list's last row). */
export function applyEvents(
  snap: Snapshot, events: readonly EngineEvent[], filter: RunFilter, opts: { grow?: boolean } = {},
): { snap: Snapshot; need: Need } {
  const need: Need = {};
  const counts = new CountsDraft(snap.counts);
  const lanes = new LanesDraft(snap.lanes);
  const page = new ListDraft(snap.page, (s, lane) => inFilter(filter, s, lane), PAGE, Infinity, opts.grow ?? false);
  const dead = new ListDraft(snap.dead, isDead);
  const engine = engineMatches(filter);
  // The filter's total, kept by moves in and out of the filter after the answer it came with.
  let total = snap.page.total ?? null;
  const totalSeq = snap.page.totalSeq ?? 0;
  let detail = snap.detail;
  const seq = snap.seq;
  for (const e of events) {
    /** The part has not seen `e` yet (its answer was made before `e`). */
    const fresh = (part: Part) => e.seq > seq[part];
    if (e.type === 'runs.pruned') {
      if (e.seq > totalSeq) total = null;
      if (fresh('counts')) need.counts = true;
      if (fresh('page')) need.page = true;
      if (fresh('dead')) need.dead = true;
      if (snap.openRunId !== null && fresh('detail')) need.detail = true;
      continue;
    }
    if (e.type === 'lane.changed') { if (fresh('lanes')) need.lanes = true; continue; }
    // A waiting run changed (editRun): its row is read again, and when it moved to another
    // lane, the counts and lanes are too (the event is not a move of status).
    if (e.type === 'run.edited') {
      if (e.fromLane !== e.lane) {
        if (fresh('counts')) need.counts = true;
        if (fresh('lanes')) need.lanes = true;
        if (e.seq > totalSeq) total = null;
      }
      if (fresh('page')) need.page = true;
      if (snap.openRunId === e.runId && fresh('detail')) need.detail = true;
      continue;
    }
    // A fire moves no run itself: the runs it enqueued come with their own run.queued; a
    // notice moves nothing either.
    if (e.type === 'schedule.fired' || e.type === 'notice') continue;
    if (!('runId' in e) || !KNOWN_RUN_EVENTS.has(e.type)) { need.all = true; continue; }
    if (e.type === 'run.log') continue;
    const move = moveOf(e);
    if (move) {
      if (fresh('counts') && !counts.move(e.lane, move)) need.all = true;
      if (fresh('lanes') && !lanes.move(e.lane, move)) need.lanes = true;
    }
    const known = page.find(e.runId);
    if (move && total !== null && e.seq > totalSeq) {
      const was = move.from !== null && inFilter(filter, move.from, e.lane);
      const is = move.status !== null && inFilter(filter, move.status, e.lane);
      // Status and lane are all an event tells: under a filter of the engine's, a run that
      // enters or leaves by them counts only when its row is here (so it matched the rest).
      if (!engine) total += Number(is) - Number(was);
      else if (was !== is) total = known && was ? total - 1 : null;
      if (total !== null && total < 0) total = null;
      if (total === null) need.page = true;
    }
    if (fresh('page') && page.apply(e, move, engine)) need.page = true;
    if (fresh('dead') && dead.apply(e, move, false, known)) need.dead = true;
    if (e.runId === snap.openRunId && fresh('detail')) {
      // A move may change what no event carries (its attempts): read the open run again,
      // unless it is gone (discarded).
      if (move?.status) need.detail = true;
      if (detail) detail = patchRun(detail, e, move) as RunDetail;
    }
  }
  let list = page.done();
  const lastSeq = events.length ? events[events.length - 1].seq : 0;
  // (Unchanged, it is as of the page's seq too: every event after totalSeq reached it.)
  if (total !== (snap.page.total ?? null)) {
    list = { ...list, total, totalSeq: Math.max(totalSeq, lastSeq) };
  }
  return {
    snap: {
      ...snap, counts: counts.done(), lanes: lanes.done(), page: list, dead: dead.done(), detail,
      seq: advance(seq, events),
    },
    need,
  };
}

/** Every part has seen `events` now (applied, or already in its answer). */
function advance(seq: PartSeqs, events: readonly EngineEvent[]): PartSeqs {
  const last = events.length ? events[events.length - 1].seq : -Infinity;
  if (PARTS.every((p) => seq[p] >= last)) return seq;
  const next = { ...seq };
  for (const p of PARTS) if (next[p] < last) next[p] = last;
  return next;
}

export const isDead = (status: RunStatus): boolean => DEAD_STATUSES.includes(status);

export function inFilter(filter: RunFilter, status: RunStatus, lane: string): boolean {
  return (!filter.status.length || filter.status.includes(status)) && (!filter.lane || filter.lane === lane);
}

/** The run events this file applies; one the contract adds must be named here (the Record
 *  makes that a type error), else every one of them would read the whole snapshot again. */
const RUN_EVENTS: Record<RunEvent['type'], true> = {
  'run.queued': true, 'run.started': true, 'run.progress': true, 'run.log': true, 'run.succeeded': true, 'run.failed': true,
  'run.retrying': true, 'run.dead': true, 'run.cancelled': true, 'run.abandoned': true, 'run.discarded': true, 'run.held': true,
  'run.edited': true,
};
const KNOWN_RUN_EVENTS: ReadonlySet<string> = new Set(Object.keys(RUN_EVENTS));

/** A run's row with what the event says about it; `move` also sets its status. */
function patchRun(run: Run, e: RunEvent, move: Move | null): Run {
  const r: Run = { ...run, updatedAt: e.at };
  if (move?.status) r.status = move.status;
  switch (e.type) {
    case 'run.queued': r.runAt = e.runAt; r.priority = e.priority; break;
    case 'run.started': Object.assign(r, { attempt: e.attempt, startedAt: e.at, finishedAt: null, progress: null, progressMessage: null }); break;
    case 'run.progress': r.progress = e.progress; r.progressMessage = e.message; break;
    case 'run.succeeded': Object.assign(r, { attempt: e.attempt, finishedAt: e.at, result: e.result, error: null }); break;
    case 'run.failed': Object.assign(r, { attempt: e.attempt, finishedAt: e.at, error: e.error }); break;
    case 'run.retrying': r.attempt = e.attempt; r.runAt = e.runAt; break;
    case 'run.dead': r.error = e.error; if (move) r.finishedAt = e.at; break;
    case 'run.cancelled': r.finishedAt = e.at; break;
    case 'run.abandoned': r.attempt = e.attempt; break;
    case 'run.edited': r.lane = e.lane; r.priority = e.priority; break;
    default: break;
  }
  return r;
}

/**
 * Rows shown apart from the snapshot's lists (the search's hits), each with its run, as of
 * event `seq`: the newer events about a run patch its row, and a discarded run's row goes.
 * Returns `rows` itself when no event touched them.
 */
export function patchRows<T extends { run: Run }>(rows: readonly T[], events: readonly EngineEvent[], seq: number): readonly T[] {
  if (!rows.length) return rows;
  let index: Map<number, number> | null = null;
  let out: T[] | null = null;
  let gone: Set<number> | null = null;
  for (const e of events) {
    if (e.seq <= seq || !('runId' in e) || e.type === 'run.log' || e.type === 'notice' || !KNOWN_RUN_EVENTS.has(e.type)) continue;
    index ??= new Map(rows.map((r, i) => [r.run.id, i]));
    const i = index.get(e.runId);
    if (i === undefined) continue;
    const move = moveOf(e);
    if (move && move.status === null) (gone ??= new Set()).add(e.runId);
    out ??= [...rows];
    out[i] = { ...out[i], run: patchRun(out[i].run, e, move) };
  }
  if (!out) return rows;
  return gone ? out.filter((r) => !gone!.has(r.run.id)) : out;
}

/** A run known only from its run.queued event: the fields the event does not carry are
 *  defaults, and the caller reads the page again for them (input, attempts, tags). */
function newRun(e: Extract<EngineEvent, { type: 'run.queued' }>): Run {
  return {
    id: e.runId, taskId: null, kind: e.kind, input: null, lane: e.lane, priority: e.priority, status: e.status,
    runAt: e.runAt, createdAt: e.at, updatedAt: e.at, startedAt: null, finishedAt: null, attempt: 0, maxAttempts: 1,
    backoff: { type: 'fixed', delayMs: 0, maxDelayMs: 0, jitter: 0 }, timeoutMs: null, dedupeKey: null, name: e.name, tags: [],
    progress: null, progressMessage: null, result: null, error: null, scheduledFor: null, trigger: 'api',
  };
}

/** Counts, copied on the first move of a batch. */
class CountsDraft {
  private copy: Counts | null = null;
  constructor(private readonly base: Counts) {}

  /** False when a count would go below 0: the counts were wrong. */
  move(lane: string, m: Move): boolean {
    const c = this.copy ??= { total: { ...this.base.total }, lanes: { ...this.base.lanes } };
    const byLane = c.lanes[lane] = c.lanes[lane] === this.base.lanes[lane] ? { ...this.base.lanes[lane] } : c.lanes[lane];
    let ok = true;
    if (m.from) ok = take(byLane, m.from) && take(c.total, m.from);
    if (m.status) { byLane[m.status] = (byLane[m.status] ?? 0) + 1; c.total[m.status] = (c.total[m.status] ?? 0) + 1; }
    return ok;
  }

  done(): Counts { return this.copy ?? this.base; }
}

function take(counts: StatusCounts, status: RunStatus): boolean {
  const n = counts[status] ?? 0;
  if (n <= 0) return false;
  counts[status] = n - 1;
  return true;
}

/** Lanes' running and queued counts, copied on the first change. */
class LanesDraft {
  private copy: Lane[] | null = null;
  constructor(private readonly base: Lane[]) {}

  /** False when the lane is unknown or a count would go below 0: read the lanes again. */
  move(name: string, m: Move): boolean {
    // A lane's `queued` counts status 'queued' only: a hold of a queued run takes one from it,
    // a release or promote of a held run to queued adds one, held ↔ scheduled leaves it.
    const field = (s: RunStatus | null) => (s === 'running' || s === 'queued' ? s : null);
    const from = field(m.from);
    const to = field(m.status);
    if (from === to) return true;
    const list = this.copy ??= [...this.base];
    const i = list.findIndex((l) => l.name === name);
    if (i < 0) return false;
    const lane = list[i] = list[i] === this.base[i] ? { ...list[i] } : list[i];
    let ok = true;
    if (from) { if (lane[from] > 0) lane[from]--; else ok = false; }
    if (to) lane[to]++;
    return ok;
  }

  done(): Lane[] { return this.copy ?? this.base; }
}

/** Each list's id → position, kept with its runs array: a batch that only patches rows hands
 *  it on to the new array, so it is built again only when rows move (one cost per batch of
 *  the rows loaded, not per lookup nor per batch). */
const positions = new WeakMap<readonly Run[], Map<number, number>>();

/** A newest-first list of runs that keep to `match`, copied on the first change. A run the
 *  events cannot show (it entered unseen) within the first `head` rows is read again with the
 *  first page (`floor`); one further down cuts the list there (`more`: scrolling loads it). */
class ListDraft {
  private runs: Run[];
  private more: boolean;
  private floor: number | undefined;
  private floorMoved = false;
  private changed = false;
  private index: Map<number, number> | null = null;
  /** Rows were added, removed or cut: `index` is not the base's any more. */
  private moved = false;
  /** The most rows it holds: a page, or what was loaded. */
  private readonly cap: number;

  constructor(
    private readonly base: RunList, private readonly match: (s: RunStatus, lane: string) => boolean,
    private readonly head = PAGE,
    /** Runs from this id up are not this list's (a page loaded below the ones shown). */
    private readonly upper = Infinity,
    /** New rows do not push the last ones out (the list's end is where the next page goes). */
    grow = false,
  ) {
    this.runs = base.runs;
    this.more = base.more;
    this.floor = base.floor;
    this.cap = grow ? Infinity : Math.max(PAGE, base.runs.length);
  }

  find(id: number): Run | undefined {
    const i = this.at(id);
    return i === undefined ? undefined : this.runs[i];
  }

  /**
   * Applies one run event; true when the first page must be read again: a run entered it that
   * the events cannot build, a new run under a filter of the engine's, or the list ran low
   * while more runs match. `known`: the run's row from another list, if any.
   */
  apply(e: RunEvent, move: Move | null, engine: boolean, known?: Run): boolean {
    if (e.runId >= this.upper) return false;
    const i = this.at(e.runId);
    if (i !== undefined) {
      if (!move || (move.status !== null && this.match(move.status, e.lane))) {
        this.write()[i] = patchRun(this.runs[i], e, move);
        return backFromFinished(move) && this.hole(e.runId);
      }
      this.write().splice(i, 1);
      this.index = null;
      this.moved = true;
      return this.more && this.runs.length < PAGE / 2;
    }
    if (!move?.status || !this.match(move.status, e.lane)) return false;
    const last = this.runs[this.runs.length - 1];
    if (this.more && last && e.runId < last.id) return false; // beyond the list: not shown
    if (engine) return this.hole(e.runId);
    if (move.from === null && e.type === 'run.queued') {
      this.insert(newRun(e));
      return this.hole(e.runId); // its input and attempts come with the next read of the page
    }
    if (known) { this.insert(patchRun(known, e, move)); return backFromFinished(move) && this.hole(e.runId); }
    return this.hole(e.runId);
  }

  done(): RunList {
    if (this.changed && !this.moved && this.index) positions.set(this.runs, this.index);
    return this.changed || this.floorMoved ? { ...this.base, runs: this.runs, more: this.more, floor: this.floor } : this.base;
  }

  /** Run `id` belongs where it is, or would be, but its row is not (quite) known. */
  private hole(id: number): boolean {
    let at = 0;
    while (at < this.runs.length && this.runs[at].id > id) at++;
    if (at < this.head) {
      if (this.floor === undefined || id < this.floor) { this.floor = id; this.floorMoved = true; }
      return true;
    }
    this.write().length = at;
    this.more = true;
    this.index = null;
    this.moved = true;
    return false;
  }

  private insert(run: Run): void {
    const list = this.write();
    let at = 0;
    while (at < list.length && list[at].id > run.id) at++;
    if (list[at]?.id === run.id) list[at] = run;
    else list.splice(at, 0, run);
    if (list.length > this.cap) { list.length = this.cap; this.more = true; }
    this.index = null;
    this.moved = true;
  }

  private write(): Run[] {
    if (!this.changed) { this.runs = [...this.runs]; this.changed = true; }
    return this.runs;
  }

  private at(id: number): number | undefined {
    if (!this.index && !this.moved) this.index = positions.get(this.base.runs) ?? null;
    if (!this.index) {
      this.index = new Map();
      this.runs.forEach((r, n) => this.index!.set(r.id, n));
      if (!this.moved) positions.set(this.base.runs, this.index);
    }
    return this.index.get(id);
  }
}

/** A page loaded below `upper` (the list's last run) at an older seq: the events it has not
 *  seen applied to it. An unseen run entering it cuts it there. */
export function applyToTail(tail: RunList, events: readonly EngineEvent[], filter: RunFilter, upper: number): RunList {
  const draft = new ListDraft(tail, (s, lane) => inFilter(filter, s, lane), 0, upper);
  const engine = engineMatches(filter);
  for (const e of events) {
    if (!('runId' in e) || e.type === 'run.log' || e.type === 'notice' || !KNOWN_RUN_EVENTS.has(e.type)) continue;
    draft.apply(e, moveOf(e), engine);
  }
  const out = draft.done();
  return { runs: out.runs, more: out.more };
}

/**
 * The list after the filter's first page was read again (`first`): that page, then the rows
 * of `list` below it, if the list has not seen a run enter above its end unseen (`floor`).
 */
export function mergeFirstPage(list: RunList, first: RunList, nextCursor: number | null): RunList {
  if (nextCursor === null) return first;
  if (list.floor !== undefined && list.floor < nextCursor) return first;
  let at = 0;
  while (at < list.runs.length && list.runs[at].id >= nextCursor) at++;
  if (at === list.runs.length) return first;
  return { ...first, runs: [...first.runs, ...list.runs.slice(at)], more: list.more };
}

const FINISHED: ReadonlySet<RunStatus> = new Set<RunStatus>(['succeeded', 'failed', 'dead', 'cancelled']);

/** Back from a finished status (a retry): the engine reset fields no event carries (attempts, error). */
function backFromFinished(move: Move | null): boolean {
  return move !== null && move.from !== null && FINISHED.has(move.from) && move.status !== null;
}
