// Commands on runs: enqueue, cancel, retry, discard, and the reads of the UI and CLI.
// Each validates its input with its schema first; a rejected command writes nothing.
import {
  cancelInput, discardInput, emptyInput, enqueueInput, enqueueManyInput, getRunInput, listRunsInput,
  pruneInput, retryInput, getLogsInput, tailLogsInput,
} from '../api/schemas';
import type { Counts, EnqueueResult, LogLine, LogPage, RunDetail, RunPage } from '../api/types';
import type { EngineCore } from '../engine';
import type { EventInput } from '../events';
import type { NewRun } from '../db/run-store';
import { toRun } from '../db/run-store';
import { TasklaneError, fromZodError } from '../errors';
import { parseInput } from '../util/validate';
import { API_SOURCE, newRunRow, type RunSource } from './enqueue';
import { ACTIVE_STATUSES, assertTransition, DEAD_LETTER_STATUSES, RETRYABLE_STATUSES, type RunStatus } from './lifecycle';
import { createRunQueries } from './queries';
import { failDependents, killDependent, linkParents } from './deps';
import { pruneRuns } from './prune';

const DAY = 86_400_000;

export function runCommands(core: EngineCore) {
  const { store, sqlite, kinds, lanes } = core;
  const queries = createRunQueries(sqlite);
  const logsAfter = sqlite.prepare<[number, number, number], LogLine>(`SELECT seq, stream, at, text FROM run_logs
    WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?`);
  const logsTail = sqlite.prepare<[number, number], LogLine>(`SELECT seq, stream, at, text FROM run_logs
    WHERE run_id = ? ORDER BY seq DESC LIMIT ?`);
  const mustExist = (id: number, field: string) => {
    if (!store.statusOf(id)) throw new TasklaneError('NOT_FOUND', `run ${id} does not exist`, field);
  };

  /** Inserts validated rows (dedupe included); returns results and the events to emit. */
  function insertRows(rows: NewRun[]): { results: EnqueueResult[]; events: EventInput[] } {
    const results: EnqueueResult[] = [];
    const out: EventInput[] = [];
    const wantsQueued = core.events.wants('run.queued');
    for (const row of rows) {
      if (row.dedupeKey !== null) {
        const existing = store.findActiveByDedupe(row.dedupeKey);
        if (existing) { results.push({ id: existing.id, status: existing.status, deduplicated: true }); continue; }
      }
      const id = store.insert(row);
      if (row.waitFor != null) core.hasWaiters = true;
      if (row.after) {
        core.hasDeps = true;
        const ended = linkParents(store, id, row.after, rows.length > 1 ? `runs.${results.length}.after` : 'after');
        if (ended) {
          out.push(killDependent(store, { id, lane: row.lane, status: row.status }, ended.id, ended.status, row.now));
          results.push({ id, status: 'dead', deduplicated: false });
          continue;
        }
      }
      results.push({ id, status: row.status, deduplicated: false });
      if (wantsQueued) out.push({ type: 'run.queued', runId: id, lane: row.lane, status: row.status as 'queued' | 'scheduled',
        kind: row.kind, name: row.name, priority: row.priority, runAt: row.runAt });
    }
    return { results, events: out };
  }

  function afterInsert(rows: NewRun[], emitted: EventInput[]): void {
    core.emit(emitted);
    for (const row of rows) {
      if (row.status === 'queued') {
        core.wakeLane(lanes.get(row.lane)!);
      } else core.armDue(row.runAt);
    }
  }

  const insertInTransaction = sqlite.transaction(insertRows);

  /** Enqueues runs in one transaction (a lone INSERT is one already). */
  function enqueueRows(rows: NewRun[]): EnqueueResult[] {
    core.assertOpen();
    const single = rows.length === 1 && rows[0].dedupeKey === null && !rows[0].after;
    const { results, events: emitted } = single ? insertRows(rows) : insertInTransaction(rows);
    afterInsert(rows, emitted);
    return results;
  }

  function buildRow(input: unknown, source: RunSource, field?: string): NewRun {
    const parsed = enqueueInput.safeParse(input ?? {});
    if (!parsed.success) throw fromZodError(parsed.error, field);
    return newRunRow(parsed.data, { kinds, lanes, now: core.clock.now(), source, field });
  }

  /** Checks every id first, so that one bad id leaves all runs as they were. */
  function loadAll(ids: number[], allowed: (status: RunStatus) => boolean, to: RunStatus, rule: string) {
    return ids.map((id, i) => {
      const row = store.statusOf(id);
      if (!row) throw new TasklaneError('NOT_FOUND', `run ${id} does not exist`, `ids.${i}`);
      if (!allowed(row.status)) {
        throw new TasklaneError('INVALID_TRANSITION', `run ${id} is ${row.status}; ${rule}`, `ids.${i}`);
      }
      assertTransition(id, row.status, to);
      return row;
    });
  }

  return {
    enqueue(input: unknown): EnqueueResult {
      return enqueueRows([buildRow(input, API_SOURCE)])[0];
    },

    enqueueMany(input: unknown): EnqueueResult[] {
      const { runs } = parseInput(enqueueManyInput, input);
      return enqueueRows(runs.map((r, i) => buildRow(r, API_SOURCE, `runs.${i}`)));
    },

    cancel(input: unknown): { ids: number[] } {
      core.assertOpen();
      const { ids } = parseInput(cancelInput, input);
      core.flush();
      const now = core.clock.now();
      const message = 'cancelled by you';
      const emitted: EventInput[] = [];
      const running = sqlite.transaction(() => {
        const rows = loadAll(ids, (s) => ACTIVE_STATUSES.includes(s),
          'cancelled', 'only scheduled, queued, retrying or running runs can be cancelled');
        const running = [];
        for (const row of rows) {
          if (row.status === 'running') {
            store.insertAttempt({ runId: row.id, n: row.attempt, startedAt: row.startedAt ?? now, finishedAt: now,
              outcome: 'cancelled', errorCode: 'CANCELLED', errorMessage: message, exitCode: null });
            const exec = core.inflight.get(row.id);
            if (exec) running.push(exec);
          }
          store.finishWithError(row.id, 'cancelled', now, 'CANCELLED', message);
          emitted.push({ type: 'run.cancelled', runId: row.id, lane: row.lane });
          if (core.hasDeps) emitted.push(...failDependents(store, row.id, 'cancelled', now));
        }
        return running;
      })();
      for (const exec of running) {
        exec.abort(new TasklaneError('INVALID_TRANSITION', message));
        exec.settle({ type: 'cancelled' });
      }
      core.emit(emitted);
      return { ids };
    },

    retry(input: unknown): { ids: number[] } {
      core.assertOpen();
      const { ids } = parseInput(retryInput, input);
      const now = core.clock.now();
      const emitted: EventInput[] = [];
      const woken = sqlite.transaction(() => {
        const rows = loadAll(ids, (s) => RETRYABLE_STATUSES.includes(s), 'queued',
          'only dead, failed or cancelled runs can be retried');
        for (const row of rows) {
          store.retryByPerson(row.id, now);
          const run = store.get(row.id)!;
          emitted.push({ type: 'run.queued', runId: row.id, lane: row.lane, status: 'queued', kind: run.kind,
            name: run.name, priority: run.priority, runAt: now });
        }
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
      })();
      core.hasDeps ||= store.anyDeps();
      core.hasWaiters ||= store.anyWaiters();
      core.emit(emitted);
      for (const name of woken) {
        const lane = lanes.get(name);
        if (lane) core.wakeLane(lane);
      }
      return { ids };
    },

    discard(input: unknown): { ids: number[] } {
      core.assertOpen();
      const { ids } = parseInput(discardInput, input);
      sqlite.transaction(() => {
        ids.forEach((id, i) => {
          const row = store.statusOf(id);
          if (!row) throw new TasklaneError('NOT_FOUND', `run ${id} does not exist`, `ids.${i}`);
          if (!DEAD_LETTER_STATUSES.includes(row.status)) {
            throw new TasklaneError('INVALID_TRANSITION', `run ${id} is ${row.status}; only dead or failed runs can be discarded`, `ids.${i}`);
          }
          store.delete(id);
        });
      })();
      return { ids };
    },

    getRun(input: unknown): RunDetail {
      core.assertOpen();
      const { id } = parseInput(getRunInput, input);
      core.flush();
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
      return { ...toRun(row), attempts };
    },

    listRuns(input: unknown): RunPage {
      core.assertOpen();
      const q = parseInput(listRunsInput, input);
      core.flush();
      return queries.listRuns(q);
    },

    counts(input?: unknown): Counts {
      core.assertOpen();
      parseInput(emptyInput, input);
      core.flush();
      return queries.counts(store.counts());
    },

    /** A page of a run's log, oldest first; follow a live run by passing lastSeq back. */
    getLogs(input: unknown): LogPage {
      core.assertOpen();
      const q = parseInput(getLogsInput, input);
      core.flush();
      mustExist(q.runId, 'runId');
      const lines = logsAfter.all(q.runId, q.afterSeq, q.limit);
      return { runId: q.runId, lines, lastSeq: lines.length ? lines[lines.length - 1].seq : q.afterSeq };
    },

    /** The last N lines of a run's log, oldest first. */
    tailLogs(input: unknown): LogPage {
      core.assertOpen();
      const q = parseInput(tailLogsInput, input);
      core.flush();
      mustExist(q.runId, 'runId');
      const lines = logsTail.all(q.runId, q.lines).reverse();
      return { runId: q.runId, lines, lastSeq: lines.length ? lines[lines.length - 1].seq : 0 };
    },

    async prune(input?: unknown): Promise<{ deleted: number }> {
      core.assertOpen();
      const { olderThanDays, keepLast } = parseInput(pruneInput, input);
      const deleted = await pruneRuns(sqlite, { before: core.clock.now() - olderThanDays * DAY, keepLast });
      return { deleted };
    },

    /** For tasks and schedules: enqueue from a definition, with its source recorded. */
    enqueueFrom(input: unknown, source: RunSource): EnqueueResult {
      return enqueueRows([buildRow(input, source)])[0];
    },
    enqueueRows,
    insertRows,
    afterInsert,
    buildRow,
  };
}

export type RunCommands = ReturnType<typeof runCommands>;
