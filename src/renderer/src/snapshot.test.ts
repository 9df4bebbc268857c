// The snapshot follows the event stream: synthetic events, no engine.
import { describe, expect, it } from 'vitest';
import type { Counts, EngineEvent, Lane, Run, RunError, RunStatus } from '../../core/api/types';
import { applyEvents, applyToTail, mergeFirstPage, PAGE, type RunFilter, type Snapshot } from './snapshot';

type RunEvent = Extract<EngineEvent, { runId: number }>;
type Without<T> = T extends unknown ? Omit<T, 'seq' | 'at' | 'lane'> & { lane?: string } : never;

let seq = 0;
const ev = (e: Without<RunEvent>): EngineEvent => ({ lane: 'default', ...e, seq: ++seq, at: 1_000 + seq } as EngineEvent);
const ERR: RunError = { code: 'EXIT', message: 'exit code 1' };
const ALL: RunFilter = { status: [], lane: '', text: '' };

function run(id: number, status: RunStatus, lane = 'default'): Run {
  return {
    id, taskId: null, kind: 'shell', input: { command: 'true' }, lane, priority: 0, status, runAt: 0, createdAt: 0, updatedAt: 0,
    startedAt: null, finishedAt: null, attempt: 0, maxAttempts: 3, backoff: { type: 'fixed', delayMs: 0, maxDelayMs: 0, jitter: 0 },
    timeoutMs: null, dedupeKey: null, name: null, tags: [], progress: null, progressMessage: null, result: null, error: null,
    scheduledFor: null, trigger: 'api',
  };
}
function lane(name: string, running = 0, queued = 0): Lane {
  return { name, concurrency: 1, rateLimit: null, paused: false, createdAt: 0, running, queued, pauseOnFailure: false, pausedReason: null };
}
function snapshot(over: Partial<Snapshot> = {}): Snapshot {
  return {
    counts: { lanes: {}, total: {} }, lanes: [lane('default'), lane('gpu')], page: { runs: [], more: false },
    dead: { runs: [], more: false }, openRunId: null, detail: null, seq: { counts: 0, lanes: 0, page: 0, dead: 0, detail: 0 }, ...over,
  };
}
/** The counts of one lane and the total, with zeros left out. */
function nonZero(counts: Counts, laneName = 'default') {
  const clean = (c: Partial<Record<RunStatus, number>>) => Object.fromEntries(Object.entries(c).filter(([, n]) => n));
  return { lane: clean(counts.lanes[laneName] ?? {}), total: clean(counts.total) };
}
const queued = (runId: number, from: RunStatus | null = null, laneName = 'default') =>
  ev({ type: 'run.queued', runId, lane: laneName, from, status: 'queued', kind: 'shell', name: `job ${runId}`, priority: 0, runAt: 0 });

describe('counts', () => {
  it('follow a run through a failed attempt, its retry and its success', () => {
    let snap = snapshot();
    const steps: [EngineEvent, Partial<Record<RunStatus, number>>][] = [
      [queued(1), { queued: 1 }],
      [ev({ type: 'run.started', runId: 1, from: 'queued', status: 'running', attempt: 1, kind: 'shell', name: null }), { running: 1 }],
      [ev({ type: 'run.failed', runId: 1, from: 'running', status: 'retrying', attempt: 1, error: ERR }), { retrying: 1 }],
      [ev({ type: 'run.retrying', runId: 1, attempt: 1, runAt: 5_000 }), { retrying: 1 }], // not a move
      [queued(1, 'retrying'), { queued: 1 }],
      [ev({ type: 'run.started', runId: 1, from: 'queued', status: 'running', attempt: 2, kind: 'shell', name: null }), { running: 1 }],
      [ev({ type: 'run.succeeded', runId: 1, from: 'running', status: 'succeeded', attempt: 2, durationMs: 5, result: null }), { succeeded: 1 }],
    ];
    for (const [e, want] of steps) {
      const out = applyEvents(snap, [e], ALL);
      expect(out.need.all, e.type).toBeFalsy();
      snap = out.snap;
      expect(nonZero(snap.counts), e.type).toEqual({ lane: want, total: want });
    }
  });

  it('a cancel of a queued run takes it from queued to cancelled', () => {
    const snap = snapshot({ counts: { lanes: { default: { queued: 2 } }, total: { queued: 2 } } });
    const out = applyEvents(snap, [ev({ type: 'run.cancelled', runId: 4, from: 'queued', status: 'cancelled' })], ALL);
    expect(nonZero(out.snap.counts)).toEqual({ lane: { queued: 1, cancelled: 1 }, total: { queued: 1, cancelled: 1 } });
    expect(out.need.all).toBeFalsy();
  });

  it('a failed attempt that ends the run, then its run.dead, count the run dead once', () => {
    const snap = snapshot({ counts: { lanes: { default: { running: 1 } }, total: { running: 1 } } });
    const out = applyEvents(snap, [
      ev({ type: 'run.failed', runId: 1, from: 'running', status: 'dead', attempt: 3, error: ERR }),
      ev({ type: 'run.dead', runId: 1, status: 'dead', error: ERR }),
    ], ALL);
    expect(nonZero(out.snap.counts)).toEqual({ lane: { dead: 1 }, total: { dead: 1 } });
  });

  it('a count that would go below 0 asks for the whole snapshot again', () => {
    const snap = snapshot({ counts: { lanes: { default: { queued: 1 } }, total: { queued: 1 } } });
    const fine = applyEvents(snap, [ev({ type: 'run.started', runId: 1, from: 'queued', status: 'running', attempt: 1, kind: 'shell', name: null })], ALL);
    expect(fine.need.all).toBeFalsy();
    const wrong = applyEvents(fine.snap, [ev({ type: 'run.started', runId: 2, from: 'queued', status: 'running', attempt: 1, kind: 'shell', name: null })], ALL);
    expect(wrong.need.all).toBe(true);
    expect(wrong.snap.counts.total.queued).toBe(0);
  });

  it('leave what was read untouched (a new object for the new counts)', () => {
    const counts: Counts = { lanes: { default: { queued: 1 } }, total: { queued: 1 } };
    applyEvents(snapshot({ counts }), [ev({ type: 'run.cancelled', runId: 1, from: 'queued', status: 'cancelled' })], ALL);
    expect(counts).toEqual({ lanes: { default: { queued: 1 } }, total: { queued: 1 } });
  });
});

describe('lanes', () => {
  it("running and queued follow the moves of the lane's runs", () => {
    let snap = snapshot({ lanes: [lane('default'), lane('gpu', 0, 1)], counts: { lanes: { gpu: { queued: 1 } }, total: { queued: 1 } } });
    const gpu = () => snap.lanes.find((l) => l.name === 'gpu')!;
    snap = applyEvents(snap, [queued(7, null, 'gpu')], ALL).snap;
    expect([gpu().running, gpu().queued]).toEqual([0, 2]);
    snap = applyEvents(snap, [ev({ type: 'run.started', runId: 7, lane: 'gpu', from: 'queued', status: 'running', attempt: 1, kind: 'shell', name: null })], ALL).snap;
    expect([gpu().running, gpu().queued]).toEqual([1, 1]);
    snap = applyEvents(snap, [ev({ type: 'run.succeeded', runId: 7, lane: 'gpu', from: 'running', status: 'succeeded', attempt: 1, durationMs: 1, result: null })], ALL).snap;
    expect([gpu().running, gpu().queued]).toEqual([0, 1]);
    expect(snap.lanes.find((l) => l.name === 'default')).toEqual(lane('default'));
  });

  it('a lane.changed reads the lanes again; a lane below 0 too', () => {
    expect(applyEvents(snapshot(), [{ type: 'lane.changed', seq: ++seq, at: 0, lane: 'gpu', deleted: false }], ALL).need.lanes).toBe(true);
    const out = applyEvents(snapshot({ counts: { lanes: { gpu: { running: 1 } }, total: { running: 1 } } }),
      [ev({ type: 'run.succeeded', runId: 1, lane: 'gpu', from: 'running', status: 'succeeded', attempt: 1, durationMs: 1, result: null })], ALL);
    expect(out.need.lanes).toBe(true);
    expect(out.need.all).toBeFalsy();
  });

  it('a schedule that fired reads nothing (its runs come with their own events)', () => {
    const before = snapshot();
    const out = applyEvents(before, [{ type: 'schedule.fired', seq: ++seq, at: 0, taskId: 1, lane: 'default', fired: 1, caughtUp: 0, missed: 0 }], ALL);
    expect(out.need).toEqual({});
    expect(out.snap.counts).toBe(before.counts);
  });
});

describe('the runs page', () => {
  it('a new run that matches the filter is prepended; one that does not is not', () => {
    const snap = snapshot({ page: { runs: [run(5, 'running', 'gpu')], more: false } });
    const gpu: RunFilter = { status: [], lane: 'gpu', text: '' };
    const inGpu = applyEvents(snap, [queued(6, null, 'gpu')], gpu);
    expect(inGpu.snap.page.runs.map((r) => [r.id, r.status, r.name])).toEqual([[6, 'queued', 'job 6'], [5, 'running', null]]);
    const elsewhere = applyEvents(snap, [queued(6, null, 'default')], gpu);
    expect(elsewhere.snap.page.runs.map((r) => r.id)).toEqual([5]);
    expect(elsewhere.need.page).toBeFalsy();
    const succeededOnly = applyEvents(snap, [queued(6, null, 'gpu')], { status: ['succeeded'], lane: '', text: '' });
    expect(succeededOnly.snap.page.runs.map((r) => r.id)).toEqual([5]);
  });

  it('under a text filter a new run is left to the engine to match (the page is read again)', () => {
    const out = applyEvents(snapshot(), [queued(6)], { status: [], lane: '', text: 'backup' });
    expect(out.snap.page.runs).toEqual([]);
    expect(out.need.page).toBe(true);
  });

  it('keeps at most a page of runs', () => {
    const runs = Array.from({ length: PAGE }, (_, i) => run(PAGE - i, 'succeeded'));
    const out = applyEvents(snapshot({ page: { runs, more: false } }), [queued(PAGE + 1), queued(PAGE + 2)], ALL);
    expect(out.snap.page.runs.length).toBe(PAGE);
    expect(out.snap.page.runs[0].id).toBe(PAGE + 2);
    expect(out.snap.page.more).toBe(true);
  });

  it("patches a run's status in place, and a run that leaves the filter leaves the page", () => {
    const active: RunFilter = { status: ['running', 'queued', 'scheduled', 'retrying'], lane: '', text: '' };
    const snap = snapshot({
      page: { runs: [run(2, 'queued'), run(1, 'running')], more: false }, lanes: [lane('default', 1, 1)],
      counts: { lanes: { default: { queued: 1, running: 1 } }, total: { queued: 1, running: 1 } },
    });
    const out = applyEvents(snap, [
      ev({ type: 'run.started', runId: 2, from: 'queued', status: 'running', attempt: 1, kind: 'shell', name: null }),
      ev({ type: 'run.progress', runId: 2, progress: 40, message: 'copying' }),
      ev({ type: 'run.succeeded', runId: 1, from: 'running', status: 'succeeded', attempt: 1, durationMs: 3, result: 'ok' }),
    ], active);
    expect(out.snap.page.runs.map((r) => [r.id, r.status, r.attempt, r.progress])).toEqual([[2, 'running', 1, 40]]);
    expect(out.need).toEqual({});
    expect(snap.page.runs.map((r) => r.status)).toEqual(['queued', 'running']); // what was read is left as it was
  });

  it('a retry from dead into the Active view reads the page again', () => {
    const active: RunFilter = { status: ['running', 'queued', 'scheduled', 'retrying'], lane: '', text: '' };
    const out = applyEvents(snapshot(), [queued(3, 'dead')], active);
    expect(out.need.page).toBe(true);
  });

  it('a drain of 2,000 events in the All view needs no read', () => {
    const runs = Array.from({ length: PAGE }, (_, i) => run(1_000 - i, 'queued'));
    const events: EngineEvent[] = [];
    for (const r of runs.slice(0, 1_000 / 2)) {
      events.push(ev({ type: 'run.started', runId: r.id, from: 'queued', status: 'running', attempt: 1, kind: 'shell', name: null }));
      events.push(ev({ type: 'run.succeeded', runId: r.id, from: 'running', status: 'succeeded', attempt: 1, durationMs: 1, result: null }));
    }
    for (let id = 1; id <= 800; id++) { // runs older than the page
      events.push(ev({ type: 'run.started', runId: id, from: 'queued', status: 'running', attempt: 1, kind: 'shell', name: null }));
      events.push(ev({ type: 'run.succeeded', runId: id, from: 'running', status: 'succeeded', attempt: 1, durationMs: 1, result: null }));
    }
    const out = applyEvents(snapshot({
      page: { runs, more: true }, lanes: [lane('default', 0, 1_000)],
      counts: { lanes: { default: { queued: 1_000 } }, total: { queued: 1_000 } },
    }), events, ALL);
    expect(out.need).toEqual({});
    expect(out.snap.counts.total).toEqual({ queued: 0, running: 0, succeeded: 1_000 });
    expect(out.snap.page.runs.every((r) => r.status === 'succeeded')).toBe(true);
  });
});

describe('the dead-letter list', () => {
  it('a discard of a dead run removes it from the list and the counts', () => {
    const snap = snapshot({
      dead: { runs: [run(9, 'dead'), run(8, 'failed')], more: false },
      counts: { lanes: { default: { dead: 1, failed: 1 } }, total: { dead: 1, failed: 1 } },
    });
    const out = applyEvents(snap, [ev({ type: 'run.discarded', runId: 9, from: 'dead', status: null })], ALL);
    expect(out.snap.dead.runs.map((r) => r.id)).toEqual([8]);
    expect(nonZero(out.snap.counts)).toEqual({ lane: { failed: 1 }, total: { failed: 1 } });
    expect(out.need).toEqual({});
  });

  it('a retry from dead leaves the list', () => {
    const snap = snapshot({ dead: { runs: [run(9, 'dead')], more: false }, counts: { lanes: { default: { dead: 1 } }, total: { dead: 1 } } });
    const out = applyEvents(snap, [queued(9, 'dead')], { status: ['succeeded'], lane: '', text: '' });
    expect(out.snap.dead.runs).toEqual([]);
    expect(nonZero(out.snap.counts)).toEqual({ lane: { queued: 1 }, total: { queued: 1 } });
    expect(out.need.dead).toBeFalsy();
  });

  it('a run that dies joins the list from the page, or the list is read again', () => {
    const died = (runId: number) => ev({ type: 'run.failed', runId, from: 'running', status: 'dead', attempt: 3, error: ERR });
    const shown = applyEvents(snapshot({ page: { runs: [run(4, 'running')], more: false }, dead: { runs: [run(2, 'dead')], more: false } }), [died(4)], ALL);
    expect(shown.snap.dead.runs.map((r) => [r.id, r.status, r.error])).toEqual([[4, 'dead', ERR], [2, 'dead', null]]);
    expect(shown.need.dead).toBeFalsy();
    const unseen = applyEvents(snapshot({ page: { runs: [], more: true } }), [died(4)], { status: ['queued'], lane: '', text: '' });
    expect(unseen.need.dead).toBe(true);
  });
});

describe('the open run', () => {
  it('is read again when it moves, not for its progress', () => {
    const detail = { ...run(3, 'running'), attempts: [], after: [], dependents: [], moreDependents: false, artifacts: [] };
    const moved = applyEvents(snapshot({ openRunId: 3, detail }),
      [ev({ type: 'run.succeeded', runId: 3, from: 'running', status: 'succeeded', attempt: 1, durationMs: 1, result: null })], ALL);
    expect(moved.need.detail).toBe(true);
    const progress = applyEvents(snapshot({ openRunId: 3, detail }), [ev({ type: 'run.progress', runId: 3, progress: 70, message: null })], ALL);
    expect(progress.need.detail).toBeFalsy();
    expect(progress.snap.detail?.progress).toBe(70);
    const other = applyEvents(snapshot({ openRunId: 3, detail }),
      [ev({ type: 'run.succeeded', runId: 4, from: 'running', status: 'succeeded', attempt: 1, durationMs: 1, result: null })], ALL);
    expect(other.need.detail).toBeFalsy();
  });
});

it('a prune reads counts and lists again', () => {
  const out = applyEvents(snapshot(), [{ type: 'runs.pruned', seq: ++seq, at: 0, deleted: 10 }], ALL);
  expect(out.need).toMatchObject({ counts: true, page: true, dead: true });
});

describe('seq', () => {
  it('an event reaches only the parts that have not seen it, and every part has seen it after', () => {
    const started = ev({ type: 'run.started', runId: 2, from: 'queued', status: 'running', attempt: 1, kind: 'shell', name: null });
    const before = started.seq - 1;
    const snap = snapshot({
      counts: { lanes: { default: { queued: 1, running: 1 } }, total: { queued: 1, running: 1 } }, lanes: [lane('default', 1, 1)],
      page: { runs: [run(2, 'queued')], more: false }, openRunId: 2, detail: { ...run(2, 'queued'), attempts: [], after: [], dependents: [], moreDependents: false, artifacts: [] },
      // The counts and the open run were read after the event; the lanes and the page before it.
      seq: { counts: started.seq, lanes: before, page: before, dead: before, detail: started.seq + 5 },
    });
    const out = applyEvents(snap, [started], ALL);
    expect(out.snap.counts).toBe(snap.counts);
    expect(out.snap.detail).toBe(snap.detail);
    expect(out.need.detail).toBeFalsy();
    expect(out.snap.lanes[0]).toMatchObject({ running: 2, queued: 0 });
    expect(out.snap.page.runs[0].status).toBe('running');
    expect(out.snap.seq).toEqual({ counts: started.seq, lanes: started.seq, page: started.seq, dead: started.seq, detail: started.seq + 5 });
    expect(applyEvents(out.snap, [started], ALL).snap).toEqual(out.snap); // again: nothing
  });
});

describe('held runs', () => {
  const held = (runId: number, from: RunStatus) => ev({ type: 'run.held', runId, from, status: 'held' });

  it('a hold and its release move the counts, the lane and the page, and read nothing again', () => {
    const active: RunFilter = { status: ['scheduled', 'queued', 'running', 'retrying', 'held'], lane: '', text: '' };
    let snap = snapshot({
      page: { runs: [run(3, 'scheduled'), run(2, 'queued'), run(1, 'queued')], more: false }, lanes: [lane('default', 0, 2)],
      counts: { lanes: { default: { queued: 2, scheduled: 1 } }, total: { queued: 2, scheduled: 1 } },
    });
    let out = applyEvents(snap, [held(2, 'queued'), held(3, 'scheduled')], active);
    expect(out.need).toEqual({});
    snap = out.snap;
    expect(nonZero(snap.counts)).toEqual({ lane: { queued: 1, held: 2 }, total: { queued: 1, held: 2 } });
    expect(snap.lanes[0]).toMatchObject({ queued: 1, running: 0 });
    expect(snap.page.runs.map((r) => [r.id, r.status])).toEqual([[3, 'held'], [2, 'held'], [1, 'queued']]);

    // Released: run 2 to queued, run 3 to scheduled (its time is ahead).
    out = applyEvents(snap, [queued(2, 'held'),
      ev({ type: 'run.queued', runId: 3, from: 'held', status: 'scheduled', kind: 'shell', name: null, priority: 0, runAt: 9_000 })], active);
    expect(out.need).toEqual({});
    snap = out.snap;
    expect(nonZero(snap.counts)).toEqual({ lane: { queued: 2, scheduled: 1 }, total: { queued: 2, scheduled: 1 } });
    expect(snap.lanes[0]).toMatchObject({ queued: 2, running: 0 });
    expect(snap.page.runs.map((r) => [r.id, r.status])).toEqual([[3, 'scheduled'], [2, 'queued'], [1, 'queued']]);
    expect(snap.page.runs[0].runAt).toBe(9_000);
  });

  it("a held run leaves a page filtered to queued; a hold of a scheduled or retrying run leaves the lane's queued as it is", () => {
    const snap = snapshot({
      page: { runs: [run(2, 'queued'), run(1, 'queued')], more: false }, lanes: [lane('default', 0, 2)],
      counts: { lanes: { default: { queued: 2, retrying: 1 } }, total: { queued: 2, retrying: 1 } },
    });
    const out = applyEvents(snap, [held(2, 'queued'), held(7, 'retrying')], { status: ['queued'], lane: '', text: '' });
    expect(out.need).toEqual({});
    expect(out.snap.page.runs.map((r) => r.id)).toEqual([1]);
    expect(out.snap.lanes[0]).toMatchObject({ queued: 1 });
    expect(nonZero(out.snap.counts)).toEqual({ lane: { queued: 1, held: 2 }, total: { queued: 1, held: 2 } });
  });

  it('the open run shows held at once and is read again', () => {
    const detail = { ...run(4, 'queued'), attempts: [], after: [], dependents: [], moreDependents: false, artifacts: [] };
    const out = applyEvents(snapshot({ openRunId: 4, detail, page: { runs: [run(4, 'queued')], more: false }, counts: { lanes: { default: { queued: 1 } }, total: { queued: 1 } }, lanes: [lane('default', 0, 1)] }),
      [held(4, 'queued')], ALL);
    expect(out.snap.detail?.status).toBe('held');
    expect(out.need).toEqual({ detail: true });
  });
});

describe('the whole list: pages loaded after the first, and the total', () => {
  const started = (runId: number, laneName = 'default') =>
    ev({ type: 'run.started', runId, lane: laneName, from: 'queued', status: 'running', attempt: 1, kind: 'shell', name: null });
  const succeeded = (runId: number) => ev({ type: 'run.succeeded', runId, from: 'running', status: 'succeeded', attempt: 1, durationMs: 1, result: null });
  const RUNNING: RunFilter = { status: ['running'], lane: '', text: '' };

  it('the total follows runs into and out of the filter, from events after its answer only', () => {
    const base = snapshot({ page: { runs: [run(10, 'running')], more: false, total: 1, totalSeq: seq } });
    const out = applyEvents(base, [started(3), started(4), succeeded(10), queued(11)], RUNNING);
    expect(out.snap.page.total).toBe(2);
    const all = applyEvents(snapshot({ page: { runs: [], more: true, total: 7, totalSeq: seq } }), [queued(20), ev({ type: 'run.discarded', runId: 2, from: 'dead', status: null })], ALL);
    expect(all.snap.page.total).toBe(7);
    // Already in its answer: not counted again.
    const old = started(5);
    const later = applyEvents(snapshot({ page: { runs: [], more: true, total: 3, totalSeq: seq } }), [old], RUNNING);
    expect(later.snap.page.total).toBe(3);
  });

  it("under a filter of the engine's, a run that leaves from the list counts; one the events cannot tell is read again", () => {
    const kind: RunFilter = { status: ['running'], lane: '', text: '', kind: 'http' };
    const base = snapshot({ page: { runs: [run(10, 'running')], more: false, total: 1, totalSeq: seq } });
    expect(applyEvents(base, [succeeded(10)], kind).snap.page.total).toBe(0);
    const unknown = applyEvents(base, [started(3)], kind);
    expect(unknown.snap.page.total).toBeNull();
    expect(unknown.need.page).toBe(true);
  });

  it('keeps what was loaded; a run that enters below the first page unseen cuts the list there', () => {
    const runs = Array.from({ length: 3 * PAGE }, (_, i) => run(1_000 - 2 * i, 'queued'));
    const base = snapshot({ page: { runs, more: true } });
    const grown = applyEvents(base, [queued(1_001)], ALL);
    expect(grown.snap.page.runs).toHaveLength(3 * PAGE);
    expect(grown.snap.page.runs[0].id).toBe(1_001);
    const at = runs[2 * PAGE].id + 1; // between two rows of the third page
    const cut = applyEvents(base, [queued(at, 'held')], ALL);
    expect(cut.need.page).toBeUndefined();
    expect(cut.snap.page.runs).toHaveLength(2 * PAGE);
    expect(cut.snap.page.more).toBe(true);
  });

  it('a first page read again keeps the rows below it, unless a run entered above them unseen', () => {
    const list = { runs: [run(9, 'queued'), run(7, 'queued'), run(5, 'queued'), run(3, 'queued'), run(1, 'queued')], more: false };
    const first = { runs: [run(10, 'queued'), run(9, 'running'), run(7, 'queued')], more: true };
    expect(mergeFirstPage(list, first, 7).runs.map((r) => r.id)).toEqual([10, 9, 7, 5, 3, 1]);
    expect(mergeFirstPage({ ...list, floor: 6 }, first, 7).runs.map((r) => r.id)).toEqual([10, 9, 7]);
    expect(mergeFirstPage(list, { runs: [run(10, 'queued')], more: false }, null).runs.map((r) => r.id)).toEqual([10]);
  });

  it('a page loaded below gets the events it has not seen, never a run of the list above it', () => {
    const tail = { runs: [run(5, 'running'), run(4, 'running'), run(2, 'running')], more: true };
    const out = applyToTail(tail, [succeeded(4), started(8), queued(30), ev({ type: 'run.progress', runId: 5, progress: 50, message: null })], RUNNING, 6);
    expect(out.runs.map((r) => [r.id, r.progress])).toEqual([[5, 50], [2, null]]);
    const cut = applyToTail(tail, [started(3)], RUNNING, 6);
    expect(cut).toEqual({ runs: tail.runs.slice(0, 2), more: true });
  });
});
