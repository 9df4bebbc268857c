// A fake engine of finished runs for the tests of the Runs list: listRuns by cursor with a
// total, a seq that may start ahead (the engine ran before the window opened), refusals and
// delays on demand, and events delivered when the test says.
import type { CommandName, Outcome } from '../../core/api/contract';
import type { EngineEvent, Run, RunPage, RunStatus } from '../../core/api/types';
import type { Transport } from './api';

export const run = (id: number, status: RunStatus): Run => ({
  id, taskId: null, kind: 'shell', input: null, lane: 'default', priority: 0, status, runAt: 0, createdAt: 0,
  updatedAt: 0, startedAt: null, finishedAt: null, attempt: 0, maxAttempts: 3, backoff: { type: 'fixed', delayMs: 0, maxDelayMs: 0, jitter: 0 },
  timeoutMs: null, dedupeKey: null, name: null, tags: [], progress: null, progressMessage: null, result: null, error: null,
  scheduledFor: null, trigger: 'api',
});
const settle = (ms = 0) => new Promise((r) => setTimeout(r, ms));

interface ListInput { status?: RunStatus[]; cursor?: number; limit: number; withTotal?: boolean; kind?: string }

/** An engine of `n` finished runs whose seq starts at `seq` (it ran before the window opened). */
export function pagedEngine(n: number, opts: { seq?: number; hello?: boolean } = {}) {
  const runs = Array.from({ length: n }, (_, i) => run(i + 1, 'succeeded'));
  const e = {
    seq: opts.seq ?? 0,
    /** How long an answer of listRuns takes to arrive (it is made when asked). */
    delay: 0,
    calls: [] as { name: CommandName; input: ListInput }[],
    /** Commands answered with this error instead. */
    refuse: null as null | ((name: CommandName, input: ListInput) => Outcome<unknown> | null),
    emit: (_: EngineEvent[]) => {},
    reset: (_c: boolean, _s?: number) => {},
    /** A new queued run; its event is returned, not delivered. */
    enqueue(): EngineEvent {
      const id = runs.length + 1;
      runs.push(run(id, 'queued'));
      return { type: 'run.queued', seq: ++e.seq, at: 0, runId: id, lane: 'default', from: null, status: 'queued', kind: 'shell', name: null, priority: 0, runAt: 0 };
    },
    listCalls: () => e.calls.filter((c) => c.name === 'listRuns' && !c.input.status?.includes('dead')),
  };
  const list = (input: ListInput): RunPage => {
    const all = runs.filter((r) => (!input.status?.length || input.status.includes(r.status)) && (!input.cursor || r.id < input.cursor)).sort((a, b) => b.id - a.id);
    const page = all.slice(0, input.limit);
    return { runs: page, nextCursor: all.length > input.limit ? page.at(-1)!.id : null, ...(input.withTotal ? { total: all.length } : {}) };
  };
  const transport: Transport = {
    async call(name, input) {
      const i = input as ListInput;
      e.calls.push({ name, input: i });
      const refused = e.refuse?.(name, i);
      if (refused) return refused;
      const value = name === 'listRuns' ? list(i) : name === 'counts' ? { lanes: {}, total: { succeeded: n } }
        : name === 'listLanes' ? [{ name: 'default', concurrency: 1, rateLimit: null, paused: false, createdAt: 0, running: 0, queued: 0 }]
        : name === 'listTasks' || name === 'listKinds' ? [] : name === 'search' ? { hits: [], more: false, pending: 0, complete: true } : {};
      const outcome = { ok: true as const, value, seq: e.seq };
      if (name === 'listRuns' && e.delay) await settle(e.delay);
      return outcome;
    },
    subscribe(onEvents, onReset) {
      e.emit = onEvents; e.reset = onReset;
      if (opts.hello) onReset(true, e.seq); else onReset(true);
      return () => {};
    },
  };
  return { ...e, e, transport };
}
