// `counts` is kept in memory as runs move (runs/counts.ts), and the events' moves (`from` →
// `status`, api/types.ts) are what a window keeps its counts by: after any sequence of
// enqueues, starts, successes, failures, retries by backoff and by the person, cancels,
// discards, holds, pauses, stops, restarts and crash recoveries, both equal a full count of
// the database.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { Counts, EngineEvent, RunStatus } from '../api/types';
import { createHarness, query, settle, type Harness } from '../testing/harness';

type Op =
  | { op: 'enqueue'; kind: 'test.gate' | 'test.fail'; lane: 'default' | 'wide'; delayMs: number; attempts: number; after: number | null; retryable: boolean }
  | { op: 'release' | 'fail'; pick: number }
  | { op: 'advance'; ms: number }
  | { op: 'cancel' | 'retry' | 'discard' | 'hold' | 'unhold' | 'promote'; pick: number }
  | { op: 'prune' }
  | { op: 'pause' | 'resume'; lane: 'default' | 'wide' }
  | { op: 'restart' };

const lane = fc.constantFrom<'default' | 'wide'>('default', 'wide');
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('enqueue' as const), kind: fc.constantFrom<'test.gate' | 'test.fail'>('test.gate', 'test.fail'), lane,
    delayMs: fc.constantFrom(0, 0, 5_000), attempts: fc.integer({ min: 1, max: 3 }), after: fc.option(fc.integer({ min: 1, max: 40 })), retryable: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constantFrom('release' as const, 'fail' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('advance' as const), ms: fc.constantFrom(1_000, 10_000, 60_000) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('cancel' as const, 'retry' as const, 'discard' as const), pick: fc.integer({ min: 1, max: 40 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('hold' as const, 'unhold' as const, 'promote' as const), pick: fc.integer({ min: 1, max: 40 }) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'prune' as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constantFrom('pause' as const, 'resume' as const), lane }) },
  { weight: 1, arbitrary: fc.constant({ op: 'restart' as const }) },
);

/** Counts kept only from the events' moves, as a window keeps them. */
function countMoves(events: EngineEvent[], base: Counts = { lanes: {}, total: {} }): Counts {
  const counts: Counts = structuredClone(base);
  const add = (lane: string, status: string, n: number) => {
    const byLane = (counts.lanes[lane] ??= {}) as Record<string, number>;
    byLane[status] = (byLane[status] ?? 0) + n;
    const total = counts.total as Record<string, number>;
    total[status] = (total[status] ?? 0) + n;
  };
  for (const e of events) {
    if (!('from' in e) || e.from === undefined) continue;
    if (e.from !== null) add(e.lane, e.from, -1);
    if (e.status !== null) add(e.lane, e.status, 1);
  }
  // `counts` leaves out what is zero.
  for (const [name, byLane] of Object.entries(counts.lanes)) {
    for (const [s, n] of Object.entries(byLane)) if (n === 0) delete (byLane as Record<string, number>)[s];
    if (!Object.keys(byLane).length) delete counts.lanes[name];
  }
  for (const [s, n] of Object.entries(counts.total)) if (n === 0) delete (counts.total as Record<string, number>)[s];
  return counts;
}

function pick(h: Harness, status: RunStatus[], n: number): number {
  const runs = h.engine.listRuns({ status, limit: 500 }).runs;
  return runs.length ? runs[n % runs.length].id : 1;
}

/** Counts read from the database file itself, as another process would. */
function fullCount(h: Harness): Counts {
  const counts: Counts = { lanes: {}, total: {} };
  for (const { lane, status, n } of query<{ lane: string; status: RunStatus; n: number }>(h.dbPath, 'SELECT lane, status, COUNT(*) AS n FROM runs GROUP BY lane, status')) {
    (counts.lanes[lane] ??= {})[status] = n;
    counts.total[status] = (counts.total[status] ?? 0) + n;
  }
  return counts;
}

async function apply(h: Harness, o: Op): Promise<void> {
  const e = h.engine;
  const attempt = (fn: () => unknown) => { try { return fn(); } catch { return undefined; } };
  switch (o.op) {
    case 'enqueue':
      attempt(() => e.enqueue({ kind: o.kind, lane: o.lane, delayMs: o.delayMs, maxAttempts: o.attempts,
        input: o.kind === 'test.fail' ? { retryable: o.retryable } : {}, ...(o.after !== null && { after: [o.after] }) }));
      break;
    case 'release': case 'fail': {
      const running = h.gate.running;
      if (!running.length) break;
      const id = running[o.pick % running.length];
      if (o.op === 'release') h.gate.release(id); else h.gate.fail(id);
      break;
    }
    case 'advance': await h.clock.advance(o.ms); break;
    // Each picks among the runs it applies to, so that most picks do something.
    // Two at once: a run and one it comes after may go in the same call.
    case 'cancel': attempt(() => e.cancel({ ids: [...new Set([pick(h, ['scheduled', 'queued', 'running', 'retrying', 'held'], o.pick),
      pick(h, ['scheduled', 'queued', 'held'], o.pick + 1)])] })); break;
    case 'retry': attempt(() => e.retry({ ids: [pick(h, ['dead', 'failed', 'cancelled'], o.pick)] })); break;
    case 'discard': attempt(() => e.discard({ ids: [pick(h, ['dead', 'failed'], o.pick)] })); break;
    case 'hold': attempt(() => e.hold({ ids: [pick(h, ['scheduled', 'queued', 'retrying'], o.pick)] })); break;
    case 'unhold': attempt(() => e.release({ ids: [pick(h, ['held'], o.pick)] })); break;
    case 'promote': attempt(() => e.promote({ ids: [pick(h, ['scheduled', 'queued', 'retrying', 'held'], o.pick)] })); break;
    case 'prune':
      await h.clock.advance(1000);
      await e.prune({ olderThanDays: 0, keepLast: 2 });
      break;
    case 'pause': e.pauseLane({ name: o.lane }); break;
    case 'resume': e.resumeLane({ name: o.lane }); break;
    case 'restart':
      await e.stop({ timeoutMs: 0 });
      await h.reopen().start();
      break;
  }
  await settle();
}

it('counting the events\' moves always gives what counts reads', async () => {
  await fc.assert(fc.asyncProperty(fc.array(opArb, { minLength: 10, maxLength: 60 }), async (ops) => {
    const h = createHarness();
    try {
      h.engine.createLane({ name: 'wide', concurrency: 3 });
      await h.engine.start();
      // A window's counts: moves applied to what it read last (it reads again after a prune).
      let base: Counts = { lanes: {}, total: {} };
      let from = 0;
      for (const o of ops) {
        await apply(h, o);
        // The engine's counts (kept in memory as runs move) are the database's, and the
        // events' moves say the same.
        expect(h.engine.counts()).toEqual(fullCount(h));
        const pruned = h.events.findLastIndex((e) => e.type === 'runs.pruned');
        if (pruned >= from) { base = h.engine.counts(); from = h.events.length; }
        expect(countMoves(h.events.slice(from), base)).toEqual(h.engine.counts());
      }
    } finally {
      await h.cleanup();
    }
  }), { numRuns: 40 });
});

it('a run found running at start-up moves running → abandoned → queued (or dead) in the events', async () => {
  const h = createHarness();
  try {
    await h.engine.start();
    const { id } = h.engine.enqueue({ kind: 'test.gate' });
    const last = h.engine.enqueue({ kind: 'test.gate', maxAttempts: 1 });
    await settle();
    expect(h.gate.running).toEqual([id, last.id]);
    // The host dies: its engine is left as it was (runs marked running), another opens the file.
    h.reopen();
    await h.engine.start();
    await settle();
    expect(countMoves(h.events)).toEqual(h.engine.counts());
    expect(h.engine.counts()).toEqual(fullCount(h));
    expect(h.events.filter((e) => e.type === 'run.abandoned').map((e) => e.runId)).toEqual([id, last.id]);
    expect(h.engine.counts().total).toMatchObject({ dead: 1 });
  } finally {
    await h.cleanup();
  }
});

it('cancelling a run and one that comes after it in one call moves each once', async () => {
  const h = createHarness();
  try {
    await h.engine.start();
    const parent = h.engine.enqueue({ kind: 'test.gate', delayMs: 60_000 }).id;
    const child = h.engine.enqueue({ kind: 'noop', after: [parent] }).id;
    h.engine.counts(); // loaded before the cancel: from here on the moves keep them
    h.engine.cancel({ ids: [parent, child] });
    expect(h.engine.counts()).toEqual(fullCount(h));
    expect(countMoves(h.events)).toEqual(h.engine.counts());
    expect(h.events.filter((e) => 'runId' in e && e.runId === child && 'from' in e && e.from !== undefined).map((e) => e.type)).toEqual(['run.queued', 'run.dead']);
  } finally {
    await h.cleanup();
  }
});

it('counts stay those of the database across a prune (it deletes in bulk)', async () => {
  const h = createHarness();
  try {
    await h.engine.start();
    for (let i = 0; i < 5; i++) h.engine.enqueue({ kind: 'echo', input: { value: i } });
    await h.engine.idle();
    expect(h.engine.counts().total).toEqual({ succeeded: 5 });
    await h.clock.advance(1000);
    expect(await h.engine.prune({ olderThanDays: 0, keepLast: 1 })).toEqual({ deleted: 4 });
    expect(h.engine.counts()).toEqual(fullCount(h));
    expect(h.engine.counts().total).toEqual({ succeeded: 1 });
  } finally {
    await h.cleanup();
  }
});
