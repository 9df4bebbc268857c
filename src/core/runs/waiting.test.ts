// What a person can do with runs that have not started: hold them (put aside until
// released), release them, promote them (run next); and the reads the CLI's verbs use
// (a kind filter, stats), and the origin each run records.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatch } from '../commands';
import { createHarness, settle, type Harness } from '../testing/harness';

let h: Harness;
beforeEach(() => { h = createHarness(); });
afterEach(async () => { await h.cleanup(); });

describe('hold, release, promote', () => {
  it('a held run is not started until released, and keeps its place in the counts as held', async () => {
    h.engine.createLane({ name: 'one', concurrency: 1 });
    await h.engine.start();
    const a = h.engine.enqueue({ kind: 'test.gate', lane: 'one' }).id;
    const b = h.engine.enqueue({ kind: 'test.gate', lane: 'one' }).id;
    const c = h.engine.enqueue({ kind: 'test.gate', lane: 'one' }).id;
    await settle();
    h.engine.hold({ ids: [b] });
    expect(h.engine.counts().lanes.one).toEqual({ running: 1, queued: 1, held: 1 });
    h.gate.release(a);
    await settle();
    expect(h.gate.running).toEqual([c]);
    h.gate.release(c);
    await settle();
    expect(h.gate.running).toEqual([]);
    expect(h.engine.getRun({ id: b }).status).toBe('held');
    h.engine.release({ ids: [b] });
    await settle();
    expect(h.gate.running).toEqual([b]);
    expect(h.events.filter((e) => 'runId' in e && e.runId === b && 'from' in e).map((e) => `${e.type}:${(e as { from: string }).from}`))
      .toEqual(['run.queued:null', 'run.held:queued', 'run.queued:held', 'run.started:queued']);
  });

  it('a held run whose time is ahead is released as scheduled, and starts at its time', async () => {
    await h.engine.start();
    const id = h.engine.enqueue({ kind: 'test.gate', delayMs: 60_000 }).id;
    h.engine.hold({ ids: [id] });
    await h.clock.advance(30_000);
    h.engine.release({ ids: [id] });
    expect(h.engine.getRun({ id }).status).toBe('scheduled');
    await h.clock.advance(30_000);
    await settle();
    expect(h.gate.running).toEqual([id]);
  });

  it('a held run past its time does not start when the time comes', async () => {
    await h.engine.start();
    const id = h.engine.enqueue({ kind: 'test.gate', delayMs: 10_000 }).id;
    h.engine.hold({ ids: [id] });
    await h.clock.advance(60_000);
    await settle();
    expect(h.gate.running).toEqual([]);
    expect(h.engine.getRun({ id }).status).toBe('held');
  });

  it('promote runs a waiting run next in its lane, ahead of older and scheduled ones', async () => {
    h.engine.createLane({ name: 'one', concurrency: 1 });
    await h.engine.start();
    const first = h.engine.enqueue({ kind: 'test.gate', lane: 'one' }).id;
    const older = h.engine.enqueue({ kind: 'test.gate', lane: 'one' }).id;
    const later = h.engine.enqueue({ kind: 'test.gate', lane: 'one', delayMs: 3_600_000 }).id;
    await settle();
    h.engine.promote({ ids: [later] });
    expect(h.engine.getRun({ id: later })).toMatchObject({ status: 'queued', priority: 10 });
    h.gate.release(first);
    await settle();
    expect(h.gate.running).toEqual([later]);
    expect(h.engine.getRun({ id: older }).status).toBe('queued');
  });

  it('refuses running and ended runs with a typed error naming the run, and changes nothing', async () => {
    await h.engine.start();
    const running = h.engine.enqueue({ kind: 'test.gate' }).id;
    await settle();
    expect(() => h.engine.hold({ ids: [running] })).toThrow(expect.objectContaining({ code: 'INVALID_TRANSITION', field: 'ids.0' }));
    expect(() => h.engine.release({ ids: [running] })).toThrow(expect.objectContaining({ code: 'INVALID_TRANSITION' }));
    h.gate.release(running);
    await settle();
    expect(() => h.engine.promote({ ids: [running] })).toThrow(expect.objectContaining({ code: 'INVALID_TRANSITION' }));
    expect(h.engine.getRun({ id: running }).status).toBe('succeeded');
  });

  it('a held run can be cancelled, and dies with a run it comes after', async () => {
    await h.engine.start();
    const parent = h.engine.enqueue({ kind: 'test.gate' }).id;
    const child = h.engine.enqueue({ kind: 'noop', after: [parent] }).id;
    const other = h.engine.enqueue({ kind: 'noop', delayMs: 60_000 }).id;
    h.engine.hold({ ids: [child, other] });
    h.engine.cancel({ ids: [other] });
    await settle();
    h.gate.fail(parent, new Error('no'));
    await h.clock.advance(3_600_000);
    await settle();
    h.engine.cancel({ ids: [parent] });
    await settle();
    expect(h.engine.getRun({ id: other }).status).toBe('cancelled');
    expect(h.engine.getRun({ id: child })).toMatchObject({ status: 'dead', error: { code: 'DEPENDENCY_FAILED' } });
  });
});

describe('what the CLI reads', () => {
  it('listRuns counts every run of the filter when asked, whatever the page', async () => {
    for (let i = 0; i < 7; i++) h.engine.enqueue({ kind: i % 2 ? 'noop' : 'echo', input: i % 2 ? {} : { value: i } });
    const first = h.engine.listRuns({ kind: 'echo', limit: 2, withTotal: true });
    expect(first).toMatchObject({ total: 4, nextCursor: expect.any(Number) });
    expect(first.runs).toHaveLength(2);
    expect(h.engine.listRuns({ kind: 'echo', limit: 2, cursor: first.nextCursor!, withTotal: true }).total).toBe(4);
    expect(h.engine.listRuns({ limit: 1 }).total).toBeUndefined();
  });

  it('listRuns filters by kind', async () => {
    h.engine.enqueue({ kind: 'noop' });
    h.engine.enqueue({ kind: 'echo', input: { value: 1 } });
    expect(h.engine.listRuns({ kind: 'echo' }).runs.map((r) => r.kind)).toEqual(['echo']);
  });

  it('stats counts the runs that ended in the range (whole hours) by task, lane or kind, with duration percentiles', async () => {
    h.engine.createLane({ name: 'wide', concurrency: 10 });
    const task = h.engine.createTask({ name: 'nightly', kind: 'test.gate', lane: 'wide', maxAttempts: 1 });
    await h.engine.start();
    const ids = [1, 2, 3, 4].map(() => h.engine.runTask({ id: task.id }).id);
    h.engine.enqueue({ kind: 'test.fail', input: { retryable: false } });
    await settle();
    await h.clock.advance(1_000);
    h.gate.release(ids[0]);
    h.gate.release(ids[1]);
    await settle();
    await h.clock.advance(3_000);
    h.gate.fail(ids[2], new Error('x'));
    h.engine.cancel({ ids: [ids[3]] });
    await settle();
    const byTask = h.engine.stats({});
    expect(byTask.rows).toEqual([
      // Percentiles are the upper bounds of their histogram buckets (4 s falls in the bucket up to 5 s).
      { key: 'nightly', taskId: task.id, runs: 4, succeeded: 2, failed: 0, dead: 1, cancelled: 1, p50Ms: 1_000, p95Ms: 5_000 },
      { key: '(no task)', taskId: null, runs: 1, succeeded: 0, failed: 1, dead: 0, cancelled: 0, p50Ms: 0, p95Ms: 0 },
    ]);
    expect(h.engine.stats({ groupBy: 'lane' }).rows.map((r) => [r.key, r.runs])).toEqual([['wide', 4], ['default', 1]]);
    const nextHour = Math.ceil((h.clock.now() + 1) / 3_600_000) * 3_600_000;
    expect(h.engine.stats({ groupBy: 'kind', from: nextHour, to: nextHour + 1 }).rows).toEqual([]);
    expect(byTask.from % 3_600_000).toBe(0);
    expect(byTask.to).toBeGreaterThan(h.clock.now());
  });

  it('each run records who asked for it: the window, the CLI, the API', async () => {
    const via = async (origin: 'window' | 'cli' | 'api') => {
      const outcome = await dispatch(h.engine, 'enqueue', { kind: 'noop' }, { origin });
      return h.engine.getRun({ id: (outcome as { value: { id: number } }).value.id }).trigger;
    };
    expect([await via('window'), await via('cli'), await via('api')]).toEqual(['window', 'cli', 'api']);
    const task = h.engine.createTask({ name: 't', kind: 'noop' });
    const ran = await dispatch(h.engine, 'runTask', { id: task.id }, { origin: 'window' });
    expect(h.engine.getRun({ id: (ran as { value: { id: number } }).value.id })).toMatchObject({ trigger: 'window', taskId: task.id });
  });
});

describe('held runs and the rest of the engine', () => {
  it('an id given twice moves its run once', async () => {
    await h.engine.start();
    const id = h.engine.enqueue({ kind: 'noop', delayMs: 60_000 }).id;
    h.engine.hold({ ids: [id, id] });
    h.engine.release({ ids: [id, id] });
    h.engine.promote({ ids: [id, id] });
    const moves = h.events.filter((e) => 'runId' in e && e.runId === id && 'from' in e).map((e) => `${e.type}:${(e as { from: string }).from}`);
    expect(moves).toEqual(['run.queued:null', 'run.held:scheduled', 'run.queued:held', 'run.queued:scheduled']);
    expect(() => h.engine.cancel({ ids: [id, id, 999] })).toThrow(expect.objectContaining({ code: 'NOT_FOUND', field: 'ids.2' }));
  });

  it('a held run of a task does not stop its schedule (it is not the previous run still going)', async () => {
    h.engine.createLane({ name: 'stopped' });
    h.engine.pauseLane({ name: 'stopped' });
    const task = h.engine.createTask({ name: 'minutely', kind: 'noop', lane: 'stopped' });
    h.engine.setSchedule({ taskId: task.id, cron: '* * * * *', timeZone: 'UTC', overlap: 'skip' });
    await h.engine.start();
    await h.clock.advance(60_000);
    const [first] = h.engine.listRuns({ taskId: task.id }).runs;
    h.engine.hold({ ids: [first.id] });
    await h.clock.advance(60_000);
    expect(h.engine.listRuns({ taskId: task.id }).runs.map((r) => r.status)).toEqual(['queued', 'held']);
    await h.clock.advance(60_000);
    // The queued one is the previous run still waiting: overlap 'skip' skips this fire.
    expect(h.engine.listRuns({ taskId: task.id }).runs).toHaveLength(2);
  });
});

describe('reminders', () => {
  it('a reminder that no notification service can show succeeds, says so in its log, and is not "delivered"', async () => {
    const shown: string[] = [];
    await h.cleanup();
    h = createHarness({ notifier: { notify: (n) => { shown.push(n.title); return false; } } });
    await h.engine.start();
    const { id } = h.engine.enqueue({ kind: 'notify', input: { title: 'Stand up' } });
    await h.engine.idle();
    expect(shown).toEqual(['Stand up']);
    expect(h.engine.getRun({ id })).toMatchObject({ status: 'succeeded', result: { delivered: false } });
    expect(h.engine.getLogs({ runId: id }).lines.map((l) => l.text).join('\n')).toContain('No desktop notification could be shown here');
  });
});

describe('bulk actions', () => {
  it('retry, cancel and discard every run of a filter, in chunks, leaving the rest', async () => {
    h.engine.createLane({ name: 'x', concurrency: 50 });
    await h.engine.start();
    h.engine.enqueueMany({ runs: Array.from({ length: 1_200 }, () => ({ kind: 'test.fail', lane: 'x', maxAttempts: 1 })) });
    h.engine.enqueueMany({ runs: Array.from({ length: 3 }, () => ({ kind: 'test.fail', maxAttempts: 1 })) });
    await h.engine.idle();
    expect(h.engine.counts().lanes).toEqual({ x: { dead: 1_200 }, default: { dead: 3 } });
    h.engine.pauseLane({ name: 'x' });
    expect(await h.engine.bulk({ action: 'retry', filter: { lane: 'x' } })).toEqual({ action: 'retry', done: 1_200, skipped: 0 });
    expect(h.engine.counts().lanes).toEqual({ x: { queued: 1_200 }, default: { dead: 3 } });
    // Only the runs the action applies to: queued ones cannot be discarded.
    expect(await h.engine.bulk({ action: 'discard', filter: { lane: 'x' } })).toEqual({ action: 'discard', done: 0, skipped: 0 });
    expect(await h.engine.bulk({ action: 'cancel', filter: { lane: 'x', status: ['queued', 'succeeded'] } })).toEqual({ action: 'cancel', done: 1_200, skipped: 0 });
    expect(await h.engine.bulk({ action: 'discard', filter: {} })).toEqual({ action: 'discard', done: 3, skipped: 0 });
    expect(h.engine.counts().lanes).toEqual({ x: { cancelled: 1_200 } });
  });

  it('a retry whose parent ended badly (and is not retried with it) is skipped; the others go on', async () => {
    await h.engine.start();
    const parent = h.engine.enqueue({ kind: 'test.gate', delayMs: 60_000 }).id;
    const child = h.engine.enqueue({ kind: 'noop', after: [parent] }).id;
    h.engine.cancel({ ids: [parent] });
    const other = h.engine.enqueue({ kind: 'test.fail', maxAttempts: 1 }).id;
    await h.engine.idle();
    expect([h.engine.getRun({ id: child }).status, h.engine.getRun({ id: other }).status]).toEqual(['dead', 'dead']);
    h.engine.pauseLane({ name: 'default' });
    expect(await h.engine.bulk({ action: 'retry', filter: { status: ['dead'] } })).toEqual({ action: 'retry', done: 1, skipped: 1 });
    expect([h.engine.getRun({ id: child }).status, h.engine.getRun({ id: other }).status]).toEqual(['dead', 'queued']);
  });
});
