// editRun: a waiting run changed before it starts (pueue's edit). Its priority decides its
// place, its lane where it runs (counts follow, and the lane it left does not start it from
// what it read ahead), its input is checked by its kind; a running run cannot be changed,
// and a refused change changes nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, settle, snapshot, type Harness } from '../testing/harness';

let h: Harness;
beforeEach(() => { h = createHarness(); });
afterEach(async () => { await h.cleanup(); });

describe('editRun', () => {
  it('a higher priority runs it sooner; the event says what changed', async () => {
    const e = h.engine;
    e.updateLane({ name: 'default', concurrency: 1 });
    const first = e.enqueue({ kind: 'test.gate', priority: 5 });
    e.start();
    await settle();
    const b = e.enqueue({ kind: 'test.gate', priority: 5 });
    const c = e.enqueue({ kind: 'test.gate', priority: 5 });
    await settle();
    expect(e.editRun({ id: c.id, priority: 9 })).toMatchObject({ id: c.id, priority: 9, status: 'queued' });
    expect(h.events.find((ev) => ev.type === 'run.edited')).toMatchObject({ runId: c.id, lane: 'default', fromLane: 'default', status: 'queued', priority: 9 });
    h.gate.release(first.id);
    await settle();
    expect(h.gate.started).toEqual([first.id, c.id]);
    h.gate.releaseAll();
    await settle();
    h.gate.releaseAll();
    await e.idle();
    expect(h.gate.started).toEqual([first.id, c.id, b.id]);
  });

  it('moved to another lane, it runs there and the counts follow; the lane it left does not start it', async () => {
    const e = h.engine;
    e.updateLane({ name: 'default', concurrency: 1 });
    e.pauseLane({ name: 'serial' });
    // All queued before the start: the first claim reads the others ahead (in memory).
    const busy = e.enqueue({ kind: 'test.gate' });
    const waiting = e.enqueue({ kind: 'test.gate' });
    const moved = e.enqueue({ kind: 'test.gate' });
    e.start();
    await settle();
    expect(h.gate.started).toEqual([busy.id]);
    e.counts();
    const run = e.editRun({ id: moved.id, lane: 'serial' });
    expect(run.lane).toBe('serial');
    expect(e.counts().lanes.serial?.queued).toBe(1);
    expect(e.counts().lanes.default?.queued).toBe(1);
    // The default lane frees its slot twice: only its own waiting run starts there.
    h.gate.release(busy.id);
    await settle();
    h.gate.release(waiting.id);
    await settle();
    expect(h.gate.started).toEqual([busy.id, waiting.id]);
    expect(e.getRun({ id: moved.id }).status).toBe('queued');
    e.resumeLane({ name: 'serial' });
    await settle();
    expect(h.gate.started).toEqual([busy.id, waiting.id, moved.id]);
    expect(h.events.find((ev) => ev.type === 'run.started' && ev.runId === moved.id)).toMatchObject({ lane: 'serial' });
    h.gate.releaseAll();
    await e.idle();
  });

  it('a new input is checked by the run\'s kind; a refused change, a running run or an unknown lane change nothing', async () => {
    const e = h.engine;
    e.pauseAll();
    const run = e.enqueue({ kind: 'echo', input: { value: 1 }, name: 'before' });
    // Indexed for search under its first name, then found by its new one only.
    expect(e.search({ query: 'before' }).hits.map((x) => x.run.id)).toEqual([run.id]);
    const edited = e.editRun({ id: run.id, input: { value: 2 }, name: 'after' });
    expect(edited.name).toBe('after');
    expect(e.search({ query: 'after' }).hits.map((x) => x.run.id)).toEqual([run.id]);
    expect(e.search({ query: 'before' }).hits).toEqual([]);
    const before = snapshot(h.dbPath);
    expect(() => e.editRun({ id: run.id, input: { wrong: true } })).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => e.editRun({ id: run.id, lane: 'nosuch' })).toThrowError(expect.objectContaining({ code: 'LANE_NOT_FOUND', field: 'lane' }));
    expect(() => e.editRun({ id: 999, priority: 1 })).toThrowError(expect.objectContaining({ code: 'NOT_FOUND', field: 'id' }));
    expect(() => e.editRun({ id: run.id })).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(snapshot(h.dbPath)).toBe(before);
    e.resumeAll();
    e.start();
    await e.idle();
    expect(e.getRun({ id: run.id })).toMatchObject({ status: 'succeeded', result: 2, name: 'after' });
    expect(() => e.editRun({ id: run.id, priority: 1 })).toThrowError(expect.objectContaining({ code: 'INVALID_TRANSITION' }));
  });
});
