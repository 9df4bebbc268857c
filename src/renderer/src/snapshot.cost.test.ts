// What a batch of events costs with many rows loaded: the list's id → position map is kept
// with its rows, not built again for every batch.
import { afterEach, expect, it, vi } from 'vitest';
import type { EngineEvent, Run, RunStatus } from '../../core/api/types';
import { applyEvents, type Snapshot } from './snapshot';

const run = (id: number, status: RunStatus): Run => ({
  id, taskId: null, kind: 'shell', input: null, lane: 'default', priority: 0, status, runAt: 0, createdAt: 0,
  updatedAt: 0, startedAt: null, finishedAt: null, attempt: 0, maxAttempts: 3, backoff: { type: 'fixed', delayMs: 0, maxDelayMs: 0, jitter: 0 },
  timeoutMs: null, dedupeKey: null, name: null, tags: [], progress: null, progressMessage: null, result: null, error: null,
  scheduledFor: null, trigger: 'api',
});

afterEach(() => { vi.restoreAllMocks(); });

it('batches that only change rows in place do not index the rows loaded again', () => {
  const n = 10_000;
  const runs = Array.from({ length: n }, (_, i) => run(n - i, 'queued'));
  let snap: Snapshot = {
    counts: { lanes: { default: { queued: n } }, total: { queued: n } }, lanes: [], page: { runs, more: true, total: n, totalSeq: 0 },
    dead: { runs: [], more: false }, openRunId: null, detail: null, seq: { counts: 0, lanes: 0, page: 0, dead: 0, detail: 0 },
  };
  const start = (seq: number, runId: number): EngineEvent => (
    { type: 'run.started', seq, at: 0, runId, lane: 'default', from: 'queued', status: 'running', attempt: 1, kind: 'shell', name: null });
  const filter = { status: [], lane: '', text: '' };
  snap = applyEvents(snap, [start(1, n)], filter).snap; // the first batch indexes them
  const sets = vi.spyOn(Map.prototype, 'set');
  for (let b = 2; b <= 50; b++) snap = applyEvents(snap, [start(b, n - b)], filter).snap;
  expect(sets.mock.calls.length).toBeLessThan(100);
  expect(snap.page.runs.filter((r) => r.status === 'running')).toHaveLength(50);
  expect(snap.page.runs[n - 50].id).toBe(50);
});
