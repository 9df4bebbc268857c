// Handlers of the commands on runs: cancel, retry, discard, and the reads of the window and
// the CLI (enqueue's are in enqueue.ts). Their input arrives checked by the command's schema (commands.ts),
// and the engine is open; a command that throws writes nothing.
import type Database from 'better-sqlite3';
import type { Handlers } from '../commands';
import { API_CALL } from '../api/contract';
import type { LogLine } from '../api/types';
import type { RunStore, RunStatusRow } from '../db/run-store';
import { toRun } from '../db/run-store';
import type { EventBus, EventInput } from '../events';
import type { Clock } from '../ports';
import type { WriteLoop } from '../loop';
import { TasklaneError } from '../errors';
import {
  ACTIVE_STATUSES, BULK_ACTION_STATUSES, DEAD_LETTER_STATUSES, HOLDABLE_STATUSES, PROMOTABLE_STATUSES, RETRYABLE_STATUSES, type RunStatus,
} from './lifecycle';
import { createRunQueries } from './queries';
import { cancel, discard, hold, killDependents, promote, release, retry } from './transitions';
import { runEvents as ev } from './run-events';
import { pruneRuns } from './prune';
import { createWhy } from './why';
import type { KindRegistry } from '../kinds';
import { existingRuns, type Artifacts } from '../artifacts/artifacts';
import type { SearchIndex } from '../search/search-index';
import { assertLane } from './enqueue';
import { WAITING_STATUSES } from './lifecycle';

const DAY = 86_400_000;

export interface RunCommandDeps {
  sqlite: Database.Database;
  store: RunStore;
  clock: Clock;
  events: Pick<EventBus, 'emitAll' | 'emit'>;
  loop: Pick<WriteLoop, 'flush' | 'wake' | 'armDue' | 'execution' | 'hasDeps' | 'notePending' | 'lane' | 'hasLane' | 'laneNames'>;
  kinds: Pick<KindRegistry, 'parseInput'>;
  /** The search index: a run edited is indexed again. */
  search: Pick<SearchIndex, 'reindexRun'>;
  /** The files runs kept: listed in a run's detail, removed with their runs. */
  artifacts: Pick<Artifacts, 'list' | 'sweep' | 'remove'>;
}

type RunHandlers = Pick<Handlers, 'bulk' | 'whyWaiting' | 'promote' | 'hold' | 'editRun' | 'release' | 'stats' | 'history' | 'cancel' | 'retry' | 'discard' | 'getRun' | 'listRuns'
  | 'counts' | 'getLogs' | 'tailLogs' | 'prune'>;

export function runCommands(d: RunCommandDeps): RunHandlers {
  const { store, sqlite, loop } = d;
  const queries = createRunQueries(sqlite, () => store.countsNow());
  // The files of runs that are gone (pruned) go too.
  const sweepFiles = () => d.artifacts.sweep((ids) => existingRuns(sqlite, ids));
  const why = createWhy({ sqlite, store, loop, now: () => d.clock.now() });
  const logsAfter = sqlite.prepare<[number, number, number], LogLine>(`SELECT seq, stream, at, text FROM run_logs
    WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?`);
  const logsTail = sqlite.prepare<[number, number], LogLine>(`SELECT seq, stream, at, text FROM run_logs
    WHERE run_id = ? ORDER BY seq DESC LIMIT ?`);
  const mustExist = (id: number, field: string) => {
    if (!store.statusOf(id)) throw new TasklaneError('NOT_FOUND', `run ${id} does not exist`, field);
  };

  /** Checks every id first, so that one bad id leaves all runs as they were. An id given
   *  twice counts once (its error, if any, names its first place). */
  function loadAll(ids: number[], allowed: readonly RunStatus[], rule: string): RunStatusRow[] {
    const first = new Map<number, number>();
    ids.forEach((id, i) => { if (!first.has(id)) first.set(id, i); });
    return [...first].map(([id, i]) => {
      const row = store.statusOf(id);
      if (!row) throw new TasklaneError('NOT_FOUND', `run ${id} does not exist`, `ids.${i}`);
      if (!allowed.includes(row.status)) throw new TasklaneError('INVALID_TRANSITION', `run ${id} is ${row.status}; ${rule}`, `ids.${i}`);
      return row;
    });
  }

  /** One transition for each run, in one transaction; the events go out after it. */
  function moveEach(ids: number[], allowed: readonly RunStatus[], rule: string,
    move: (store: RunStore, row: RunStatusRow, now: number) => EventInput): EventInput[] {
    const now = d.clock.now();
    const events = store.transaction(() => loadAll(ids, allowed, rule).map((row) => move(store, row, now)));
    d.events.emitAll(events);
    return events;
  }

  const BULK_CHUNK = 500;

  const handlers: RunHandlers = {
    /**
     * Every run of the filter that the action applies to, 500 per transaction, oldest first,
     * yielding to the loop between chunks (a million runs do not stop the engine). A run that
     * cannot be moved (it changed meanwhile; a retry whose parent ended badly) is skipped.
     */
    async bulk({ action, filter }) {
      const applies = BULK_ACTION_STATUSES[action];
      const status = (filter.status ?? applies).filter((st) => applies.includes(st));
      let done = 0;
      let skipped = 0;
      let cursor: number | undefined;
      while (status.length) {
        loop.flush();
        const page = queries.listRuns({ ...filter, status, limit: BULK_CHUNK, oldestFirst: true, withTotal: false, ...(cursor !== undefined && { cursor }) });
        const ids = page.runs.map((r) => r.id);
        if (!ids.length) break;
        try {
          handlers[action]({ ids }, API_CALL);
          done += ids.length;
        } catch {
          for (const id of ids) {
            try { handlers[action]({ ids: [id] }, API_CALL); done++; } catch { skipped++; }
          }
        }
        if (page.nextCursor === null) break;
        cursor = page.nextCursor;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      return { action, done, skipped };
    },

    cancel({ ids }) {
      loop.flush();
      const now = d.clock.now();
      const message = 'cancelled by you';
      const events: EventInput[] = [];
      const running = store.transaction(() => {
        const rows = loadAll(ids, ACTIVE_STATUSES, 'only scheduled, queued, retrying or running runs can be cancelled');
        const running = [];
        for (const loaded of rows) {
          // A run that came after one cancelled just before it in this call has died with it.
          const row = store.statusOf(loaded.id)!;
          if (!ACTIVE_STATUSES.includes(row.status)) continue;
          if (row.status === 'running') {
            const exec = loop.execution(row.id);
            if (exec) running.push(exec);
          }
          events.push(...cancel(store, row, now, message));
          if (loop.hasDeps) events.push(...killDependents(store, row.id, 'cancelled', now));
        }
        return running;
      });
      for (const exec of running) {
        exec.abort(new TasklaneError('INVALID_TRANSITION', message));
        exec.settle({ type: 'cancelled' });
      }
      d.events.emitAll(events);
      return { ids };
    },

    retry({ ids }) {
      const now = d.clock.now();
      const events: EventInput[] = [];
      const lanes = store.transaction(() => {
        const rows = loadAll(ids, RETRYABLE_STATUSES, 'only dead, failed or cancelled runs can be retried');
        for (const row of rows) events.push(retry(store, row, now));
        // A run waits for its parents again, so each must be able to succeed: a parent that
        // ended without success has to be retried in the same call (in any order).
        ids.forEach((id, i) => {
          const parent = store.endedParent(id);
          if (parent) {
            throw new TasklaneError('INVALID_TRANSITION', `run ${id} comes after run ${parent.id}, which is ${parent.status}; `
              + `retry run ${parent.id} together with it`, `ids.${i}`);
          }
        });
        return rows.map((r) => r.lane);
      });
      loop.notePending({ deps: store.anyDeps(), waits: store.anyWaiters() });
      d.events.emitAll(events);
      for (const name of lanes) loop.wake(name);
      return { ids };
    },

    /** Waiting runs go to the front of their lanes (priority 10) and run as soon as a slot frees. */
    promote({ ids }) {
      for (const e of moveEach(ids, PROMOTABLE_STATUSES, 'only waiting runs (scheduled, queued, retrying, held) can be promoted', promote)) {
        if ('lane' in e) loop.wake(e.lane);
      }
      return { ids };
    },

    /** Waiting runs are put aside: not started until released (pueue's stash). */
    hold({ ids }) {
      moveEach(ids, HOLDABLE_STATUSES, 'only scheduled, queued or retrying runs can be held', hold);
      return { ids };
    },

    /** A waiting run changed before it starts (pueue's edit): priority, lane, name, input.
     *  Its lanes drop what they read ahead, so the next claim sees it as it is now. */
    editRun({ id, ...change }) {
      const now = d.clock.now();
      const { event, from, to } = store.transaction(() => {
        const row = store.statusOf(id);
        if (!row) throw new TasklaneError('NOT_FOUND', `run ${id} does not exist`, 'id');
        if (!WAITING_STATUSES.includes(row.status)) {
          throw new TasklaneError('INVALID_TRANSITION', `run ${id} is ${row.status}; only a waiting run (scheduled, queued, retrying, held) can be changed`, 'id');
        }
        const run = store.get(id)!;
        if (change.lane !== undefined) assertLane(loop, change.lane);
        const input = change.input !== undefined ? JSON.stringify(d.kinds.parseInput(run.kind, change.input, 'input')) : run.input;
        const next = { priority: change.priority ?? run.priority, lane: change.lane ?? run.lane, name: change.name === undefined ? run.name : change.name, input };
        store.editWaiting(id, next, now);
        if (next.name !== run.name || next.input !== run.input) d.search.reindexRun(id);
        if (next.lane !== run.lane) {
          store.moved(run.lane, row.status, null);
          store.moved(next.lane, null, row.status);
        }
        return { event: ev.edited(id, next.lane, run.lane, row.status, next.priority), from: run.lane, to: next.lane };
      });
      d.events.emitAll([event]);
      loop.wake(from);
      if (to !== from) loop.wake(to);
      return toRun(store.get(id)!);
    },

    release({ ids }) {
      for (const e of moveEach(ids, ['held'], 'only held runs can be released', release)) {
        if (e.type !== 'run.queued') continue;
        if (e.status === 'queued') loop.wake(e.lane); else loop.armDue(e.runAt);
      }
      return { ids };
    },

    /** Why a run is not running: lane full or paused, rate limit, its time, backoff, a run
     *  it comes after, its task's overlap policy, held, runs ahead of it. */
    whyWaiting({ id }) {
      loop.flush();
      return why(id);
    },

    stats(q) {
      loop.flush();
      return store.rollups.stats(q, d.clock.now());
    },

    history(q) {
      loop.flush();
      return store.rollups.history(q, d.clock.now());
    },

    discard({ ids }) {
      const events = store.transaction(() => {
        const rows = loadAll(ids, DEAD_LETTER_STATUSES, 'only dead or failed runs can be discarded');
        return rows.map((row) => discard(store, row));
      });
      d.artifacts.remove(ids);
      d.events.emitAll(events);
      return { ids };
    },

    getRun({ id }) {
      loop.flush();
      const row = store.get(id);
      if (!row) throw new TasklaneError('NOT_FOUND', `run ${id} does not exist`, 'id');
      const attempts = store.attemptsOf(id);
      // The attempt under way, and a successful last attempt, live in the run row itself.
      if (row.status === 'running' && row.startedAt !== null) {
        attempts.push({ n: row.attempt, startedAt: row.startedAt, finishedAt: null, outcome: 'running', error: null, exitCode: null });
      } else if (row.status === 'succeeded' && row.startedAt !== null && !attempts.some((a) => a.outcome === 'succeeded')) {
        // (Databases written before this rule hold a row for the success already.)
        attempts.push({ n: row.attempt, startedAt: row.startedAt, finishedAt: row.finishedAt, outcome: 'succeeded', error: null, exitCode: null });
      }
      return { ...toRun(row), attempts, ...store.links(id), artifacts: d.artifacts.list(id) };
    },

    listRuns(q) {
      loop.flush();
      return queries.listRuns(q);
    },

    counts() {
      loop.flush();
      return store.countsNow();
    },

    /** A page of a run's log, oldest first; follow a live run by passing lastSeq back. */
    getLogs(q) {
      loop.flush();
      mustExist(q.runId, 'runId');
      const lines = logsAfter.all(q.runId, q.afterSeq, q.limit);
      return { runId: q.runId, lines, lastSeq: lines.length ? lines[lines.length - 1].seq : q.afterSeq };
    },

    /** The last N lines of a run's log, oldest first. */
    tailLogs(q) {
      loop.flush();
      mustExist(q.runId, 'runId');
      const lines = logsTail.all(q.runId, q.lines).reverse();
      return { runId: q.runId, lines, lastSeq: lines.length ? lines[lines.length - 1].seq : 0 };
    },

    async prune({ olderThanDays, keepLast }) {
      const deleted = await pruneRuns(sqlite, { before: d.clock.now() - olderThanDays * DAY, keepLast });
      if (deleted) {
        sweepFiles();
        store.forgetCounts();
        d.events.emit(ev.pruned(deleted));
      }
      return { deleted };
    },
  };
  return handlers;
}
