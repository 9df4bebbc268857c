// Every command, given bad input, answers with a typed error naming the field and leaves
// the database exactly as it was.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, snapshot, type Harness } from './testing/harness';
import type { CommandName } from './api/contract';

/** The engine's commands as a caller that ignores the types sees them (bad input on purpose). */
type Loose = { [N in CommandName]: (input?: unknown) => unknown };

let h: Harness;
beforeEach(() => {
  h = createHarness();
  h.engine.createTask({ name: 'existing', kind: 'noop' });
  h.engine.createLane({ name: 'busy' });
  h.engine.enqueue({ kind: 'noop', lane: 'busy', name: 'waiting' });
});
afterEach(async () => { await h.cleanup(); });

type Case = [string, (e: Loose) => unknown, string, string | undefined];

const cases: Case[] = [
  ['enqueue without a kind', (e) => e.enqueue({}), 'INVALID_INPUT', 'kind'],
  ['enqueue with an unknown kind', (e) => e.enqueue({ kind: 'teleport' }), 'UNKNOWN_KIND', 'kind'],
  ['enqueue input that the kind refuses', (e) => e.enqueue({ kind: 'echo', input: { nope: 1 } }), 'INVALID_INPUT', 'input.value'],
  ['enqueue into a missing lane', (e) => e.enqueue({ kind: 'noop', lane: 'gpu' }), 'LANE_NOT_FOUND', 'lane'],
  ['enqueue with priority 11', (e) => e.enqueue({ kind: 'noop', priority: 11 }), 'INVALID_INPUT', 'priority'],
  ['enqueue with runAt and delayMs', (e) => e.enqueue({ kind: 'noop', runAt: 1, delayMs: 5 }), 'INVALID_INPUT', 'delayMs'],
  ['enqueue with a misspelt option', (e) => e.enqueue({ kind: 'noop', retries: 3 }), 'INVALID_INPUT', 'retries'],
  ['enqueue with zero attempts', (e) => e.enqueue({ kind: 'noop', maxAttempts: 0 }), 'INVALID_INPUT', 'maxAttempts'],
  ['enqueue with a bad backoff', (e) => e.enqueue({ kind: 'noop', backoff: { type: 'linear' } }), 'INVALID_INPUT', 'backoff.type'],
  ['enqueue with a negative timeout', (e) => e.enqueue({ kind: 'noop', timeoutMs: -1 }), 'INVALID_INPUT', 'timeoutMs'],
  ['enqueue with no object at all', (e) => e.enqueue('noop'), 'INVALID_INPUT', undefined],
  ['enqueueMany with one bad run', (e) => e.enqueueMany({ runs: [{ kind: 'noop' }, { kind: 'noop', priority: -1 }] }), 'INVALID_INPUT', 'runs.1.priority'],
  ['enqueueMany with nothing', (e) => e.enqueueMany({ runs: [] }), 'INVALID_INPUT', 'runs'],
  ['cancel with a text id', (e) => e.cancel({ ids: ['1'] }), 'INVALID_INPUT', 'ids.0'],
  ['cancel a run that does not exist', (e) => e.cancel({ ids: [1, 999] }), 'NOT_FOUND', 'ids.1'],
  ['retry a queued run', (e) => e.retry({ ids: [1] }), 'INVALID_TRANSITION', 'ids.0'],
  ['discard a queued run', (e) => e.discard({ ids: [1] }), 'INVALID_TRANSITION', 'ids.0'],
  ['getRun without an id', (e) => e.getRun({}), 'INVALID_INPUT', 'id'],
  ['getRun of a missing run', (e) => e.getRun({ id: 404 }), 'NOT_FOUND', 'id'],
  ['listRuns with an unknown status', (e) => e.listRuns({ status: ['done'] }), 'INVALID_INPUT', 'status.0'],
  ['listRuns with limit 0', (e) => e.listRuns({ limit: 0 }), 'INVALID_INPUT', 'limit'],
  ['counts with an argument', (e) => e.counts({ lane: 'x' }), 'INVALID_INPUT', 'lane'],
  ['exportConfig with an option whose name is empty', (e) => e.exportConfig({ '': 'x' }), 'INVALID_INPUT', '""'],
  ['createLane with a bad name', (e) => e.createLane({ name: 'has space' }), 'INVALID_INPUT', 'name'],
  ['createLane that exists', (e) => e.createLane({ name: 'serial' }), 'LANE_EXISTS', 'name'],
  ['createLane with zero concurrency', (e) => e.createLane({ name: 'x', concurrency: 0 }), 'INVALID_INPUT', 'concurrency'],
  ['updateLane of a missing lane', (e) => e.updateLane({ name: 'gpu', concurrency: 2 }), 'LANE_NOT_FOUND', 'name'],
  ['updateLane with a bad rate limit', (e) => e.updateLane({ name: 'serial', rateLimit: { max: 0, intervalMs: 10 } }), 'INVALID_INPUT', 'rateLimit.max'],
  ['pauseLane of a missing lane', (e) => e.pauseLane({ name: 'gpu' }), 'LANE_NOT_FOUND', 'name'],
  ['resumeLane without a name', (e) => e.resumeLane({}), 'INVALID_INPUT', 'name'],
  ['pauseAll with an argument', (e) => e.pauseAll({ lane: 'x' }), 'INVALID_INPUT', 'lane'],
  ['deleteLane with runs waiting', (e) => e.deleteLane({ name: 'busy' }), 'LANE_NOT_EMPTY', 'name'],
  ['createTask without a name', (e) => e.createTask({ kind: 'noop' }), 'INVALID_INPUT', 'name'],
  ['createTask with a taken name', (e) => e.createTask({ name: 'existing', kind: 'noop' }), 'TASK_EXISTS', 'name'],
  ['createTask with an unknown kind', (e) => e.createTask({ name: 'n', kind: 'x' }), 'UNKNOWN_KIND', 'kind'],
  ['createTask in a missing lane', (e) => e.createTask({ name: 'n', kind: 'noop', lane: 'gpu' }), 'LANE_NOT_FOUND', 'lane'],
  ['updateTask of a missing task', (e) => e.updateTask({ id: 99, name: 'x' }), 'NOT_FOUND', 'id'],
  ['updateTask with a bad priority', (e) => e.updateTask({ id: 1, priority: 50 }), 'INVALID_INPUT', 'priority'],
  ['deleteTask of a missing task', (e) => e.deleteTask({ id: 99 }), 'NOT_FOUND', 'id'],
  ['runTask of a missing task', (e) => e.runTask({ id: 99 }), 'NOT_FOUND', 'id'],
  ['runTask with a bad override', (e) => e.runTask({ id: 1, overrides: { lane: 'gpu' } }), 'LANE_NOT_FOUND', 'lane'],
];

describe('bad input', () => {
  it.each(cases)('%s → typed error, nothing written', (_name, call, code, field) => {
    const before = snapshot(h.dbPath);
    let thrown: unknown;
    try { call(h.engine as unknown as Loose); } catch (e) { thrown = e; }
    expect(thrown).toMatchObject({ code });
    const shape = (thrown as { toJSON(): object }).toJSON();
    expect(shape).toEqual(field === undefined ? { code, message: expect.any(String) } : { code, message: expect.any(String), field });
    expect((shape as { message: string }).message).not.toMatch(/at .*\.ts:\d+/);
    expect(snapshot(h.dbPath)).toBe(before);
  });

  it('prune with a negative age → typed error, nothing deleted', async () => {
    const before = snapshot(h.dbPath);
    // Checked before the handler runs: the call throws at once, nothing is awaited.
    expect(() => h.engine.prune({ olderThanDays: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', field: 'olderThanDays' }));
    expect(snapshot(h.dbPath)).toBe(before);
  });
});
