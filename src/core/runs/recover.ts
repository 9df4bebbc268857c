// Crash recovery, run once at start-up before any claim: a run still marked running was
// being worked on by a process that died. It is abandoned, then queued again if it has
// attempts left, else dead. Accepted work is never dropped.
import type Database from 'better-sqlite3';
import type { RunStore } from '../db/run-store';
import type { EventInput } from '../events';
import { assertTransition } from './lifecycle';

/** `notes`: per run, what was done to a process tree it left running (engine.endLeftovers). */
export function recoverAbandoned(db: Database.Database, store: RunStore, now: number,
  notes: ReadonlyMap<number, string> = new Map()): EventInput[] {
  const events: EventInput[] = [];
  db.transaction(() => {
    for (const run of store.running()) {
      const base = { runId: run.id, lane: run.lane };
      assertTransition(run.id, 'running', 'abandoned');
      store.setStatus(run.id, 'abandoned', now);
      const note = notes.get(run.id);
      const message = `Tasklane was not running when this attempt should have ended (crash, kill or power loss)${note ? `; ${note}` : ''}`;
      store.insertAttempt({ runId: run.id, n: run.attempt, startedAt: run.startedAt ?? now, finishedAt: now,
        outcome: 'abandoned', errorCode: 'ABANDONED', errorMessage: message, exitCode: null });
      events.push({ type: 'run.abandoned', ...base, attempt: run.attempt });
      if (run.attempt < run.maxAttempts) {
        assertTransition(run.id, 'abandoned', 'queued');
        store.setStatus(run.id, 'queued', now);
        const row = store.get(run.id)!;
        events.push({ type: 'run.queued', ...base, status: 'queued', kind: row.kind, name: row.name,
          priority: row.priority, runAt: row.runAt });
      } else {
        assertTransition(run.id, 'abandoned', 'dead');
        store.finishWithError(run.id, 'dead', now, 'ABANDONED', message);
        events.push({ type: 'run.dead', ...base, error: { code: 'ABANDONED', message } });
      }
    }
  })();
  return events;
}
