// The Overview's numbers and reads: history as chart series, lanes from the counts, the latest
// failures, and reads that follow the events (paced) and the next fire's time.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EngineEvent, History, HistoryPoint, Lane, Stats, UpcomingFire } from '../../core/api/types';
import { endsRuns, laneLines, latestFailures, overviewReads, seriesOf, spanQuery, totalsOf, TRENDS_GAP_MS, type OverviewReads } from './overview';
import { run } from './pagedEngine.testing';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 11, 2, 10);
const point = (at: number, p: Partial<HistoryPoint>): HistoryPoint => ({ at, runs: 0, succeeded: 0, failed: 0, dead: 0, cancelled: 0, p50Ms: null, p95Ms: null, ...p });

describe('history as chart series', () => {
  it('has one entry per bucket of the range, a missing bucket counting zero, failures being failed and dead', () => {
    const h: History = { from: T0, to: T0 + 4 * HOUR, bucket: 'hour', points: [
      point(T0, { runs: 5, succeeded: 3, failed: 1, dead: 1, p50Ms: 200, p95Ms: 1_500 }),
      point(T0 + 2 * HOUR, { runs: 2, succeeded: 1, cancelled: 1, p50Ms: 100, p95Ms: 100 }),
    ] };
    const s = seriesOf(h);
    expect(s.at).toEqual([T0, T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR]);
    expect(s.runs).toEqual([5, 0, 2, 0]);
    expect(s.failed).toEqual([2, 0, 0, 0]);
    expect(s.p95).toEqual([1_500, null, 100, null]);
    expect(totalsOf(s)).toEqual({ runs: 7, succeeded: 4, failed: 2, cancelled: 1 });
  });

  it('an answer with no points (an engine without history yet) is a range of zeros', () => {
    const s = seriesOf({ from: T0, to: T0 + 86_400_000, bucket: 'day', points: [] });
    expect(s.at).toEqual([T0 - 10 * HOUR, T0 + 14 * HOUR]); // UTC days
    expect(s.runs).toEqual([0, 0]);
    expect(s.p50).toEqual([null, null]);
  });

  it('each window asks for its span, by hour up to a day and by day for 30 days', () => {
    expect(spanQuery('hour', T0).history).toEqual({ from: T0 - HOUR, bucket: 'hour' });
    expect(spanQuery('day', T0).stats).toEqual({ from: T0 - 24 * HOUR, groupBy: 'task' });
    expect(spanQuery('month', T0).history).toEqual({ from: T0 - 30 * 24 * HOUR, bucket: 'day' });
  });
});

describe('lanes and failures from the snapshot', () => {
  const lane = (name: string, over: Partial<Lane> = {}): Lane => ({ name, concurrency: 2, rateLimit: null, paused: false, createdAt: 0, running: 0, queued: 0, pauseOnFailure: false, pausedReason: null, ...over });

  it('a lane is running, waiting (queued, scheduled, retrying, held) and failing (failed, dead) by its counts', () => {
    const lines = laneLines([lane('default', { paused: true }), lane('gpu', { running: 1, queued: 4 })], {
      default: { running: 2, queued: 3, scheduled: 1, retrying: 1, held: 1, failed: 2, dead: 5, succeeded: 9 },
    });
    expect(lines[0]).toMatchObject({ name: 'default', running: 2, waiting: 6, failing: 7, paused: true });
    // No counts for it yet: the lane's own running and queued.
    expect(lines[1]).toMatchObject({ name: 'gpu', running: 1, waiting: 4, failing: 0 });
  });

  it('the latest failures are the last to end, ten at most', () => {
    const dead = Array.from({ length: 14 }, (_, i) => ({ ...run(100 - i, 'dead'), finishedAt: 1_000 + i }));
    dead.push({ ...run(5, 'failed'), finishedAt: 5_000 }); // an old run that failed just now
    const latest = latestFailures(dead);
    expect(latest).toHaveLength(10);
    expect(latest.map((r) => r.id).slice(0, 3)).toEqual([5, 87, 88]);
  });
});

describe('which events change the history', () => {
  const base = { seq: 1, at: 0, runId: 1, lane: 'default' };
  it('a run that ended does; an attempt that will be retried, a start or a log line does not', () => {
    expect(endsRuns([{ ...base, type: 'run.failed', attempt: 1, error: { code: 'X', message: '' }, from: 'running', status: 'dead' }])).toBe(true);
    expect(endsRuns([{ ...base, type: 'run.succeeded', attempt: 1, durationMs: 1, result: null, from: 'running', status: 'succeeded' }])).toBe(true);
    expect(endsRuns([{ ...base, type: 'run.failed', attempt: 1, error: { code: 'X', message: '' }, from: 'running', status: 'retrying' }])).toBe(false);
    expect(endsRuns([{ ...base, type: 'run.started', attempt: 1, kind: 'shell', name: null, from: 'queued', status: 'running' },
      { ...base, type: 'run.log', logSeq: 1, stream: 'stdout', text: 'hi' }])).toBe(false);
  });
});

describe('the reads while the Overview is shown', () => {
  beforeEach(() => { vi.useFakeTimers(); vi.setSystemTime(T0); });
  afterEach(() => { vi.useRealTimers(); });

  function fake(fires: UpcomingFire[] = []) {
    const calls: string[] = [];
    const shown: OverviewReads[] = [];
    const history = vi.fn(async (q: { from: number; bucket: 'hour' | 'day' }): Promise<History> => {
      calls.push(`history ${q.bucket}`);
      return { from: q.from, to: Date.now(), bucket: q.bucket, points: [] };
    });
    const stats = vi.fn(async (q: { from: number }): Promise<Stats> => { calls.push('stats'); return { from: q.from, to: Date.now(), groupBy: 'task', rows: [] }; });
    const upcomingFires = vi.fn(async () => { calls.push('fires'); return fires; });
    const reads = overviewReads({ history, stats, upcomingFires, now: () => Date.now(), show: (r) => shown.push(r), fail: (e) => { throw e; } }, 'day');
    return { reads, calls, shown, history };
  }
  const ended: EngineEvent = { seq: 2, at: 0, runId: 1, lane: 'default', type: 'run.failed', attempt: 1, error: { code: 'X', message: '' }, from: 'running', status: 'dead' };

  it('reads everything once at the start, and history and stats again when a run ends', async () => {
    const { reads, calls, shown } = fake();
    reads.start();
    await vi.advanceTimersByTimeAsync(TRENDS_GAP_MS);
    expect(calls.sort()).toEqual(['fires', 'history hour', 'stats']);
    expect(shown.at(-1)).toMatchObject({ span: 'day', fires: [], history: { bucket: 'hour' } });
    calls.length = 0;
    reads.see([ended]);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.sort()).toEqual(['history hour', 'stats']);
    reads.stop();
  });

  it('a burst of ends reads once more per TRENDS_GAP_MS, not once per batch', async () => {
    const { reads, history } = fake();
    reads.start();
    await vi.advanceTimersByTimeAsync(0);
    history.mockClear();
    for (let i = 0; i < 50; i++) {
      reads.see([{ ...ended, seq: 10 + i }]);
      await vi.advanceTimersByTimeAsync(TRENDS_GAP_MS / 10);
    }
    await vi.advanceTimersByTimeAsync(TRENDS_GAP_MS);
    // 5 s of ends: about one read a second, and one after the last.
    expect(history.mock.calls.length).toBeGreaterThanOrEqual(4);
    expect(history.mock.calls.length).toBeLessThanOrEqual(7);
    reads.stop();
  });

  it('another window reads at once, by day for 30 days', async () => {
    const { reads, history, shown } = fake();
    reads.start();
    await vi.advanceTimersByTimeAsync(0);
    reads.setSpan('month');
    expect(shown.at(-1)).toMatchObject({ span: 'month', history: null, stats: null });
    await vi.advanceTimersByTimeAsync(0);
    expect(history).toHaveBeenLastCalledWith({ from: T0 - 30 * 24 * HOUR, bucket: 'day' });
    expect(shown.at(-1)).toMatchObject({ span: 'month', history: { bucket: 'day' } });
    reads.stop();
  });

  it('the next fires are read again once the soonest is due, and when a schedule fired', async () => {
    const { reads, calls } = fake([{ taskId: 1, task: 'backup', lane: 'default', at: T0 + 60_000, timeZone: 'Europe/Berlin' }]);
    reads.start();
    await vi.advanceTimersByTimeAsync(0);
    calls.length = 0;
    await vi.advanceTimersByTimeAsync(59_000);
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(calls).toEqual(['fires']);
    calls.length = 0;
    reads.see([{ type: 'schedule.fired', seq: 9, at: 0, taskId: 1, lane: 'default', fired: 1, caughtUp: 0, missed: 0 }]);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toEqual(['fires']);
    reads.stop();
    calls.length = 0;
    await vi.advanceTimersByTimeAsync(10 * HOUR);
    expect(calls).toEqual([]);
  });
});
