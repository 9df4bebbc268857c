import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { createHarness, query, settle, type Harness } from './testing/harness';

let h: Harness;
beforeEach(() => { h = createHarness(); });
afterEach(async () => { await h.cleanup(); });

const statusOf = (id: number) => h.engine.getRun({ id }).status;

describe('lanes pull work in order', () => {
  it('starts the most urgent run first, then by runAt, then first in first out', async () => {
    const e = h.engine;
    e.updateLane({ name: 'default', concurrency: 1 });
    const a = e.enqueue({ kind: 'test.gate', priority: 1 }).id;
    const b = e.enqueue({ kind: 'test.gate', priority: 9 }).id;
    const c = e.enqueue({ kind: 'test.gate', priority: 5 }).id;
    const d = e.enqueue({ kind: 'test.gate', priority: 9 }).id;
    e.start();
    for (let i = 0; i < 4; i++) {
      await settle();
      h.gate.releaseAll();
    }
    await e.idle();
    expect(h.gate.started).toEqual([b, d, c, a]);
  });

  // The engine reads queued runs ahead (claimFor); these pin down that what it read never
  // goes before newer, more urgent work, and never starts a run cancelled in the meantime.
  /** `n` gated runs at the default priority (5) on a lane of one, started: the first runs. */
  async function backlogOfOne(n: number): Promise<number[]> {
    h.engine.updateLane({ name: 'default', concurrency: 1 });
    const ids = h.engine.enqueueMany({ runs: Array.from({ length: n }, () => ({ kind: 'test.gate' })) }).map((r) => r.id);
    h.engine.start();
    await settle();
    return ids;
  }

  it('an urgent run queued while a long backlog drains starts next, before the backlog', async () => {
    const e = h.engine;
    // Default priority 5; the urgent run 9, the delayed one 7 once its time comes.
    const backlog = await backlogOfOne(10);
    expect(h.gate.running).toEqual([backlog[0]]);
    const urgent = e.enqueue({ kind: 'test.gate', priority: 9 }).id;
    const delayed = e.enqueue({ kind: 'test.gate', priority: 7, delayMs: 1000 }).id;
    h.gate.releaseAll();
    await settle();
    expect(h.gate.running).toEqual([urgent]);
    await h.clock.advance(1000);
    h.gate.releaseAll();
    await settle();
    expect(h.gate.running).toEqual([delayed]);
    h.gate.releaseAll();
    await settle();
    expect(h.gate.running).toEqual([backlog[1]]);
  });

  it('a queued run cancelled while others drain never starts; the rest keep their order', async () => {
    const e = h.engine;
    const ids = await backlogOfOne(5);
    e.cancel({ ids: [ids[2]] });
    for (let i = 0; i < 5; i++) {
      h.gate.releaseAll();
      await settle();
    }
    await e.idle();
    expect(h.gate.started).toEqual([ids[0], ids[1], ids[3], ids[4]]);
    expect(statusOf(ids[2])).toBe('cancelled');
    expect(ids.map(statusOf)).toEqual(['succeeded', 'succeeded', 'cancelled', 'succeeded', 'succeeded']);
  });

  it('the serial lane never runs two at once and keeps priority-then-FIFO order', async () => {
    const e = h.engine;
    e.start();
    const ids = e.enqueueMany({ runs: Array.from({ length: 20 }, (_, i) => ({ kind: 'test.gate', lane: 'serial', priority: i % 2 ? 8 : 2 })) }).map((r) => r.id);
    while (h.gate.started.length < 20) {
      await settle();
      expect(h.gate.inFlight).toBe(1);
      h.gate.releaseAll();
    }
    await e.idle();
    expect(h.gate.maxInFlight).toBe(1);
    const urgent = ids.filter((_, i) => i % 2);
    const rest = ids.filter((_, i) => !(i % 2));
    expect(h.gate.started).toEqual([...urgent, ...rest]);
  });

  it('a lane never exceeds its concurrency under load', async () => {
    const e = h.engine;
    e.createLane({ name: 'wide', concurrency: 4 });
    e.start();
    e.enqueueMany({ runs: Array.from({ length: 200 }, () => ({ kind: 'test.gate', lane: 'wide' })) });
    let done = 0;
    while (done < 200) {
      await settle();
      expect(h.gate.inFlight).toBeLessThanOrEqual(4);
      const running = h.gate.running;
      // Finish a varying share each round so slots free up unevenly.
      for (const id of running.slice(0, 1 + (done % 3))) { h.gate.release(id); done++; }
    }
    await e.idle();
    expect(h.gate.maxInFlight).toBe(4);
    expect(e.counts().lanes.wide).toEqual({ succeeded: 200 });
  });

  it('raising concurrency takes effect live', async () => {
    const e = h.engine;
    e.createLane({ name: 'grow', concurrency: 1 });
    e.start();
    e.enqueueMany({ runs: Array.from({ length: 6 }, () => ({ kind: 'test.gate', lane: 'grow' })) });
    await settle();
    expect(h.gate.inFlight).toBe(1);
    e.updateLane({ name: 'grow', concurrency: 3 });
    await settle();
    expect(h.gate.inFlight).toBe(3);
    expect(e.listLanes().find((l) => l.name === 'grow')).toMatchObject({ concurrency: 3, running: 3, queued: 3 });
  });

  it('respects a rate limit: at most max starts in any window', async () => {
    const e = h.engine;
    e.createLane({ name: 'api', concurrency: 10, rateLimit: { max: 3, intervalMs: 1000 } });
    e.start();
    e.enqueueMany({ runs: Array.from({ length: 10 }, () => ({ kind: 'noop', lane: 'api' })) });
    const starts: number[] = [];
    e.on('run.started', (ev) => starts.push(ev.at));
    await settle();
    for (let t = 0; t < 4000; t += 100) await h.clock.advance(100);
    await e.idle();
    expect(e.counts().lanes.api).toEqual({ succeeded: 10 });
    for (const t of starts) expect(starts.filter((s) => s >= t && s < t + 1000).length).toBeLessThanOrEqual(3);
    // Three start now, then three per second.
    const t0 = starts[0];
    expect(starts.map((s) => s - t0)).toEqual([0, 0, 0, 1000, 1000, 1000, 2000, 2000, 2000, 3000]);
  });

  it('a paused lane claims nothing until resumed; running work goes on', async () => {
    const e = h.engine;
    e.start();
    const first = e.enqueue({ kind: 'test.gate', lane: 'serial' }).id;
    await settle();
    e.pauseLane({ name: 'serial' });
    const second = e.enqueue({ kind: 'test.gate', lane: 'serial' }).id;
    h.gate.release(first);
    await settle();
    expect(statusOf(first)).toBe('succeeded');
    expect(statusOf(second)).toBe('queued');
    e.resumeLane({ name: 'serial' });
    await settle();
    expect(statusOf(second)).toBe('running');
  });

  it('pauseAll and resumeAll switch every lane', async () => {
    const e = h.engine;
    expect(e.pauseAll().every((l) => l.paused)).toBe(true);
    e.start();
    const id = e.enqueue({ kind: 'noop' }).id;
    await settle();
    expect(statusOf(id)).toBe('queued');
    expect(e.resumeAll().every((l) => !l.paused)).toBe(true);
    await e.idle();
    expect(statusOf(id)).toBe('succeeded');
  });
});

describe('retries, timeouts and cancel', () => {
  it('retries on the exact backoff schedule, then goes dead with every attempt recorded', async () => {
    const e = h.engine;
    e.start();
    const t0 = h.clock.now();
    const id = e.enqueue({ kind: 'test.fail', maxAttempts: 4, backoff: { type: 'exponential', delayMs: 1000, maxDelayMs: 3000, jitter: 0 } }).id;
    await e.idle();
    expect(statusOf(id)).toBe('retrying');
    // Attempt 2 is due at +1000, attempt 3 at +1000+2000, attempt 4 at +3000+3000 (capped).
    await h.clock.advance(999);
    expect(e.getRun({ id }).attempt).toBe(1);
    await h.clock.advance(1);
    expect(e.getRun({ id }).attempt).toBe(2);
    await h.clock.advance(2000);
    expect(e.getRun({ id }).attempt).toBe(3);
    await h.clock.advance(2999);
    expect(e.getRun({ id }).attempt).toBe(3);
    await h.clock.advance(1);
    await e.idle();
    const run = e.getRun({ id });
    expect(run.status).toBe('dead');
    expect(run.error).toEqual({ code: 'BOOM', message: 'failed with BOOM' });
    expect(run.attempts.map((a) => [a.n, a.startedAt - t0, a.outcome, a.error?.code])).toEqual([
      [1, 0, 'failed', 'BOOM'], [2, 1000, 'failed', 'BOOM'], [3, 3000, 'failed', 'BOOM'], [4, 6000, 'failed', 'BOOM'],
    ]);
    expect(h.events.filter((ev) => 'runId' in ev && ev.runId === id).map((ev) => ev.type)).toContain('run.dead');
  });

  it('a non-retryable failure ends failed at once', async () => {
    const e = h.engine;
    e.start();
    const id = e.enqueue({ kind: 'test.fail', input: { code: 'BAD_REQUEST', retryable: false }, maxAttempts: 5 }).id;
    await e.idle();
    expect(e.getRun({ id })).toMatchObject({ status: 'failed', attempt: 1, error: { code: 'BAD_REQUEST' } });
  });

  it('a handler that ignores its timeout does not keep the lane slot', async () => {
    const e = h.engine;
    e.start();
    const hung = e.enqueue({ kind: 'test.hang', lane: 'serial', timeoutMs: 5000, maxAttempts: 1 }).id;
    const next = e.enqueue({ kind: 'noop', lane: 'serial' }).id;
    await settle();
    expect(statusOf(hung)).toBe('running');
    expect(statusOf(next)).toBe('queued');
    await h.clock.advance(5000);
    await e.idle();
    expect(e.getRun({ id: hung })).toMatchObject({ status: 'dead', error: { code: 'TIMEOUT' } });
    expect(e.getRun({ id: hung }).attempts[0].outcome).toBe('timeout');
    expect(statusOf(next)).toBe('succeeded');
  });

  it('the handler sees its signal aborted on timeout', async () => {
    const e = h.engine;
    e.start();
    const id = e.enqueue({ kind: 'test.gate', timeoutMs: 100, maxAttempts: 2, backoff: { delayMs: 50, jitter: 0 } }).id;
    await settle();
    expect(h.gate.running).toEqual([id]);
    await h.clock.advance(100);
    expect(h.gate.running).toEqual([]);
    expect(statusOf(id)).toBe('retrying');
  });

  it('cancels a queued run and a running run, and frees the slot', async () => {
    const e = h.engine;
    e.start();
    const running = e.enqueue({ kind: 'test.gate', lane: 'serial' }).id;
    const queued = e.enqueue({ kind: 'test.gate', lane: 'serial' }).id;
    const after = e.enqueue({ kind: 'noop', lane: 'serial' }).id;
    await settle();
    expect(e.cancel({ ids: [queued] })).toEqual({ ids: [queued] });
    expect(statusOf(queued)).toBe('cancelled');
    e.cancel({ ids: [running] });
    expect(statusOf(running)).toBe('cancelled');
    expect(h.gate.running).toEqual([]);
    await e.idle();
    expect(statusOf(after)).toBe('succeeded');
    expect(e.getRun({ id: running }).attempts.map((a) => a.outcome)).toEqual(['cancelled']);
    expect(h.events.filter((ev) => ev.type === 'run.cancelled').map((ev) => ev.runId)).toEqual([queued, running]);
  });

  it('cancelling a finished run is refused and changes nothing', async () => {
    const e = h.engine;
    e.start();
    const done = e.enqueue({ kind: 'noop' }).id;
    const waiting = e.enqueue({ kind: 'noop', delayMs: 60_000 }).id;
    await e.idle();
    expect(() => e.cancel({ ids: [waiting, done] })).toThrowError(expect.objectContaining({ code: 'INVALID_TRANSITION', field: 'ids.1' }));
    expect(statusOf(waiting)).toBe('scheduled');
  });

  it('retry gives a dead run fresh attempts', async () => {
    const e = h.engine;
    e.start();
    const id = e.enqueue({ kind: 'test.fail', maxAttempts: 1 }).id;
    await e.idle();
    expect(statusOf(id)).toBe('dead');
    expect(() => e.retry({ ids: [id + 100] })).toThrowError(expect.objectContaining({ code: 'NOT_FOUND' }));
    e.retry({ ids: [id] });
    await e.idle();
    const run = e.getRun({ id });
    expect(run.status).toBe('dead');
    expect(run.attempts).toHaveLength(2);
  });

  it('attempts keep counting across manual retries (1 2 3 4), each retry with a fresh budget and backoff', async () => {
    const e = h.engine;
    e.start();
    const t0 = h.clock.now();
    const id = e.enqueue({ kind: 'test.fail', maxAttempts: 2, backoff: { type: 'exponential', delayMs: 1000, maxDelayMs: 60_000, jitter: 0 } }).id;
    await e.idle();
    await h.clock.advance(1000);
    await e.idle();
    expect(e.getRun({ id })).toMatchObject({ status: 'dead', attempt: 2, maxAttempts: 2 });
    e.retry({ ids: [id] });
    await e.idle();
    // The retry's first failure waits the first backoff step again (1 s), not the fourth.
    expect(e.getRun({ id })).toMatchObject({ status: 'retrying', attempt: 3, maxAttempts: 4, runAt: h.clock.now() + 1000 });
    await h.clock.advance(1000);
    await e.idle();
    const run = e.getRun({ id });
    expect(run.status).toBe('dead');
    expect(run.attempts.map((a) => [a.n, a.startedAt - t0])).toEqual([[1, 0], [2, 1000], [3, 1000], [4, 2000]]);
  });

  it('discard deletes dead runs only', async () => {
    const e = h.engine;
    e.start();
    const dead = e.enqueue({ kind: 'test.fail', maxAttempts: 1 }).id;
    const ok = e.enqueue({ kind: 'noop' }).id;
    await e.idle();
    expect(() => e.discard({ ids: [ok] })).toThrowError(expect.objectContaining({ code: 'INVALID_TRANSITION' }));
    e.discard({ ids: [dead] });
    expect(() => e.getRun({ id: dead })).toThrowError(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(query(h.dbPath, 'SELECT * FROM attempts WHERE run_id = ?', dead)).toEqual([]);
  });
});

describe('enqueue', () => {
  it('a dedupe key returns the waiting run instead of adding another', async () => {
    const e = h.engine;
    const first = e.enqueue({ kind: 'noop', dedupeKey: 'sync-photos' });
    const again = e.enqueue({ kind: 'noop', dedupeKey: 'sync-photos' });
    expect(again).toEqual({ id: first.id, status: 'queued', deduplicated: true });
    e.start();
    await e.idle();
    const later = e.enqueue({ kind: 'noop', dedupeKey: 'sync-photos' });
    expect(later.deduplicated).toBe(false);
    expect(later.id).not.toBe(first.id);
  });

  it('a delayed run waits as scheduled and starts when its time comes', async () => {
    const e = h.engine;
    e.start();
    const id = e.enqueue({ kind: 'noop', delayMs: 10_000 }).id;
    expect(statusOf(id)).toBe('scheduled');
    await h.clock.advance(9_999);
    expect(statusOf(id)).toBe('scheduled');
    await h.clock.advance(1);
    await e.idle();
    expect(statusOf(id)).toBe('succeeded');
  });

  it('enqueueMany is all or nothing', () => {
    const e = h.engine;
    expect(() => e.enqueueMany({ runs: [{ kind: 'noop' }, { kind: 'noop', lane: 'nope' }] }))
      .toThrowError(expect.objectContaining({ code: 'LANE_NOT_FOUND', field: 'runs.1.lane' }));
    expect(e.listRuns({}).runs).toEqual([]);
  });

  it('stores the input as the kind parsed it and returns the handler result', async () => {
    const e = h.engine;
    e.start();
    const id = e.enqueue({ kind: 'echo', input: { value: { photos: 3 } }, name: 'Echo', tags: ['x'] }).id;
    await e.idle();
    expect(e.getRun({ id })).toMatchObject({ status: 'succeeded', result: { photos: 3 }, name: 'Echo', tags: ['x'] });
  });
});

describe('listing and counting', () => {
  it('pages newest first with filters', async () => {
    const e = h.engine;
    for (let i = 0; i < 7; i++) e.enqueue({ kind: 'noop', name: `backup ${i}`, lane: i % 2 ? 'serial' : 'default' });
    const page1 = e.listRuns({ limit: 3 });
    expect(page1.runs.map((r) => r.name)).toEqual(['backup 6', 'backup 5', 'backup 4']);
    const page2 = e.listRuns({ limit: 3, cursor: page1.nextCursor! });
    expect(page2.runs.map((r) => r.name)).toEqual(['backup 3', 'backup 2', 'backup 1']);
    const page3 = e.listRuns({ limit: 3, cursor: page2.nextCursor! });
    expect(page3).toMatchObject({ nextCursor: null });
    expect(page3.runs).toHaveLength(1);
    expect(e.listRuns({ lane: 'serial' }).runs).toHaveLength(3);
    expect(e.listRuns({ text: 'backup 5' }).runs.map((r) => r.name)).toEqual(['backup 5']);
    expect(e.listRuns({ status: ['succeeded'] }).runs).toEqual([]);
    expect(e.counts()).toEqual({ lanes: { default: { queued: 4 }, serial: { queued: 3 } }, total: { queued: 7 } });
  });

  it('counts and filters succeeded runs beside waiting and dead ones, lane by lane', async () => {
    const e = h.engine;
    e.start();
    for (let i = 0; i < 3; i++) e.enqueue({ kind: 'noop', lane: 'serial' });
    e.enqueue({ kind: 'noop' });
    const dead = e.enqueue({ kind: 'test.fail', maxAttempts: 1 }).id;
    await e.idle();
    e.pauseLane({ name: 'default' });
    const waiting = e.enqueue({ kind: 'noop' }).id;
    expect(e.counts()).toEqual({
      lanes: { default: { succeeded: 1, dead: 1, queued: 1 }, serial: { succeeded: 3 } },
      total: { succeeded: 4, dead: 1, queued: 1 },
    });
    expect(e.listRuns({ status: ['dead'] }).runs.map((r) => r.id)).toEqual([dead]);
    expect(e.listRuns({ status: ['queued', 'dead'] }).runs.map((r) => r.id)).toEqual([waiting, dead]);
    expect(e.listRuns({ status: ['succeeded'], lane: 'serial' }).runs).toHaveLength(3);
    expect(e.listRuns({ status: ['succeeded', 'dead'] }).runs).toHaveLength(5);
    const done = e.getRun({ id: e.listRuns({ status: ['succeeded'], lane: 'default' }).runs[0].id });
    expect(done.attempts.map((a) => [a.n, a.outcome])).toEqual([[1, 'succeeded']]);
    // A database from before successes lived in the run row still lists each success once.
    const sqlite = new Database(h.dbPath);
    sqlite.prepare(`INSERT INTO attempts (run_id, n, started_at, finished_at, outcome) VALUES (?, 1, 0, 0, 'succeeded')`).run(done.id);
    sqlite.close();
    expect(e.getRun({ id: done.id }).attempts.map((a) => a.outcome)).toEqual(['succeeded']);
  });
});

describe('tasks', () => {
  it('saves a definition and runs it on demand', async () => {
    const e = h.engine;
    const task = e.createTask({ name: 'Nightly echo', kind: 'echo', input: { value: 42 }, lane: 'serial', priority: 8 });
    expect(() => e.createTask({ name: 'Nightly echo', kind: 'noop' })).toThrowError(expect.objectContaining({ code: 'TASK_EXISTS' }));
    e.start();
    const run = e.runTask({ id: task.id });
    await e.idle();
    expect(e.getRun({ id: run.id })).toMatchObject({ taskId: task.id, lane: 'serial', priority: 8, result: 42, trigger: 'api', name: 'Nightly echo' });
    const updated = e.updateTask({ id: task.id, input: { value: 7 } });
    expect(updated.input).toEqual({ value: 7 });
    expect(() => e.updateTask({ id: task.id, input: { wrong: 1 } })).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(e.listTasks().map((t) => t.name)).toEqual(['Nightly echo']);
    e.deleteTask({ id: task.id });
    expect(e.listTasks()).toEqual([]);
    expect(e.getRun({ id: run.id }).taskId).toBeNull();
  });

  it('lists each task with its newest run: none yet, then the one that ran last, as it ends', async () => {
    const e = h.engine;
    const task = e.createTask({ name: 'Count', kind: 'echo', input: { value: 1 } });
    const other = e.createTask({ name: 'Other', kind: 'noop' });
    expect(e.listTasks().map((t) => t.lastRun)).toEqual([null, null]);
    e.start();
    const first = e.runTask({ id: task.id });
    await e.idle();
    e.pauseAll();
    const second = e.runTask({ id: task.id });
    const listed = e.listTasks();
    expect(listed.find((t) => t.id === task.id)!.lastRun).toEqual({ id: second.id, status: 'queued', at: e.getRun({ id: second.id }).createdAt });
    expect(listed.find((t) => t.id === other.id)!.lastRun).toBeNull();
    expect(first.id).toBeLessThan(second.id);
    e.resumeAll();
    await e.idle();
    const done = e.getRun({ id: second.id });
    expect(e.listTasks().find((t) => t.id === task.id)!.lastRun).toEqual({ id: second.id, status: 'succeeded', at: done.finishedAt });
  });
});

describe('lanes', () => {
  it('a lane with work or tasks cannot be deleted; the default lane never', () => {
    const e = h.engine;
    e.createLane({ name: 'gpu', concurrency: 1 });
    e.enqueue({ kind: 'noop', lane: 'gpu' });
    expect(() => e.deleteLane({ name: 'gpu' })).toThrowError(expect.objectContaining({ code: 'LANE_NOT_EMPTY' }));
    expect(() => e.deleteLane({ name: 'default' })).toThrowError(expect.objectContaining({ code: 'LANE_PROTECTED' }));
    e.createLane({ name: 'empty' });
    expect(e.deleteLane({ name: 'empty' })).toEqual({ name: 'empty' });
    expect(e.listLanes().map((l) => l.name)).toEqual(['default', 'serial', 'gpu']);
  });

  it('starts with a default lane as wide as the CPU and a serial lane of one', () => {
    const lanes = h.engine.listLanes();
    expect(lanes.map((l) => [l.name, l.concurrency > 0, l.paused])).toEqual([['default', true, false], ['serial', true, false]]);
    expect(lanes[1].concurrency).toBe(1);
  });
});

describe('recovery and shutdown', () => {
  it('runs left running by a dead process are abandoned, then queued or dead', async () => {
    const e = h.engine;
    const retry = e.enqueue({ kind: 'noop', maxAttempts: 2 }).id;
    const last = e.enqueue({ kind: 'noop', maxAttempts: 1 }).id;
    await e.stop();
    // What a crash leaves behind: rows marked running, their attempts never closed.
    const db = new Database(h.dbPath);
    db.prepare(`UPDATE runs SET status = 'running', attempt = 1, started_at = ?`).run(h.clock.now() - 5000);
    db.close();

    const again = h.reopen();
    again.start();
    expect(again.getRun({ id: last })).toMatchObject({ status: 'dead', error: { code: 'ABANDONED' } });
    expect(again.getRun({ id: last }).attempts).toMatchObject([{ n: 1, outcome: 'abandoned', startedAt: h.clock.now() - 5000 }]);
    await again.idle();
    const run = again.getRun({ id: retry });
    expect(run.status).toBe('succeeded');
    expect(run.attempts.map((a) => [a.n, a.outcome])).toEqual([[1, 'abandoned'], [2, 'succeeded']]);
    expect(h.events.filter((ev) => ev.type === 'run.abandoned').map((ev) => ev.runId)).toEqual([retry, last]);
  });

  it('stop waits for running work, then re-queues what did not finish without using an attempt', async () => {
    const e = h.engine;
    e.start();
    const quick = e.enqueue({ kind: 'test.gate', maxAttempts: 1 }).id;
    const slow = e.enqueue({ kind: 'test.hang', maxAttempts: 1 }).id;
    await settle();
    const stopping = e.stop({ timeoutMs: 2000 });
    h.gate.release(quick);
    await settle();
    await h.clock.advance(2000);
    await stopping;
    const rows = query<{ id: number; status: string; attempt: number }>(h.dbPath, 'SELECT id, status, attempt FROM runs ORDER BY id');
    // The interrupted attempt keeps its number (1) but not its cost: attempts go on at 2.
    expect(rows).toEqual([{ id: quick, status: 'succeeded', attempt: 1 }, { id: slow, status: 'queued', attempt: 1 }]);
    expect(() => e.enqueue({ kind: 'noop' })).toThrowError(expect.objectContaining({ code: 'ENGINE_STOPPED' }));
    const again = h.reopen({ kinds: { 'test.hang': { input: z.unknown(), run: () => 'finished' } } });
    again.start();
    await again.idle();
    expect(again.getRun({ id: slow })).toMatchObject({ status: 'succeeded', attempt: 2 });
    expect(again.getRun({ id: slow }).attempts.map((a) => [a.n, a.outcome])).toEqual([[1, 'interrupted'], [2, 'succeeded']]);
  });
});

describe('retention', () => {
  it('prunes old finished runs and their logs, keeps the newest and everything unfinished', async () => {
    const e = h.engine;
    e.start();
    const old = Array.from({ length: 5 }, () => e.enqueue({ kind: 'noop' }).id);
    const dead = e.enqueue({ kind: 'test.fail', maxAttempts: 1 }).id;
    await e.idle();
    await h.clock.advance(40 * 86_400_000);
    const recent = e.enqueue({ kind: 'noop' }).id;
    const waiting = e.enqueue({ kind: 'noop', delayMs: 86_400_000 }).id;
    await e.idle();
    expect(await e.prune({ olderThanDays: 30, keepLast: 2 })).toEqual({ deleted: 4 });
    const left = e.listRuns({}).runs.map((r) => r.id).sort((a, b) => a - b);
    expect(left).toEqual([old[4], dead, recent, waiting]);
    expect(query(h.dbPath, 'SELECT COUNT(*) AS n FROM attempts WHERE run_id IN (?, ?)', old[0], old[1])).toEqual([{ n: 0 }]);
  });
});
