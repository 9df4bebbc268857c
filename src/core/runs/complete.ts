// Writes the end of an attempt: the attempt row and the run's next status, chosen by the
// lifecycle table. Called inside the engine's batched write transaction.
import type { RunStore } from '../db/run-store';
import type { EventInput } from '../events';
import type { Backoff } from './backoff';
import { backoffDelay } from './backoff';
import { assertTransition } from './lifecycle';
import type { Execution, Outcome } from './execute';

export interface Completion { exec: Execution; outcome: Outcome; finishedAt: number }

export interface CompleteResult { events: EventInput[]; retryAt: number | null }

function resultJson(value: unknown): string | null {
  if (value === undefined) return null;
  try {
    return JSON.stringify(value) ?? null;
  } catch {
    return JSON.stringify(String(value));
  }
}

const NOTHING: CompleteResult = Object.freeze({ events: Object.freeze([]) as unknown as EventInput[], retryAt: null });

/** `announceSuccess`: build the run.succeeded event (someone listens, or dependents wait).
 *  A success is the hot path of a drain, so it allocates nothing it does not need. */
export function completeAttempt(store: RunStore, c: Completion, random: () => number, announceSuccess = true): CompleteResult {
  const { row, lane, startedAt } = c.exec;
  const now = c.finishedAt;
  const outcome = c.outcome;
  if (outcome.type === 'succeeded') {
    assertTransition(row.id, 'running', 'succeeded');
    // No attempts row: the run row holds its successful last attempt (getRun shows it).
    store.succeed(row.id, now, resultJson(outcome.result));
    if (!announceSuccess) return NOTHING;
    return {
      events: [{ type: 'run.succeeded', runId: row.id, lane, attempt: row.attempt,
        durationMs: now - startedAt, result: outcome.result ?? null }],
      retryAt: null,
    };
  }
  const base = { runId: row.id, lane };
  const attempt = { runId: row.id, n: row.attempt, startedAt, finishedAt: now };

  switch (outcome.type) {
    case 'interrupted': {
      // A graceful stop does not count against the run's attempts.
      assertTransition(row.id, 'running', 'queued');
      store.requeueInterrupted(row.id, now);
      const { name, priority, runAt } = store.details(row.id);
      store.insertAttempt({ ...attempt, outcome: 'interrupted', errorCode: 'INTERRUPTED',
        errorMessage: 'Tasklane stopped during this attempt; the run was queued again', exitCode: null });
      return {
        events: [{ type: 'run.queued', ...base, status: 'queued', kind: row.kind, name, priority, runAt }],
        retryAt: null,
      };
    }
    case 'cancelled':
      // The cancel command writes its own transition; nothing is left to record.
      return { events: [], retryAt: null };
    case 'failed': {
      store.insertAttempt({ ...attempt, outcome: outcome.attemptOutcome, errorCode: outcome.code,
        errorMessage: outcome.message, exitCode: outcome.exitCode });
      const error = { code: outcome.code, message: outcome.message };
      if (!outcome.retryable) {
        assertTransition(row.id, 'running', 'failed');
        store.finishWithError(row.id, 'failed', now, outcome.code, outcome.message);
        return { events: [{ type: 'run.failed', ...base, attempt: row.attempt, error, status: 'failed' }], retryAt: null };
      }
      if (row.attempt < row.maxAttempts) {
        assertTransition(row.id, 'running', 'retrying');
        // Backoff grows within this try: a manual retry starts it from the beginning again.
        const { backoff, attemptBase } = store.details(row.id);
        const runAt = now + backoffDelay(JSON.parse(backoff) as Backoff, row.attempt - attemptBase, random);
        store.retryLater(row.id, runAt, now, outcome.code, outcome.message);
        return {
          events: [
            { type: 'run.failed', ...base, attempt: row.attempt, error, status: 'retrying' },
            { type: 'run.retrying', ...base, attempt: row.attempt, runAt },
          ],
          retryAt: runAt,
        };
      }
      assertTransition(row.id, 'running', 'dead');
      store.finishWithError(row.id, 'dead', now, outcome.code, outcome.message);
      return {
        events: [
          { type: 'run.failed', ...base, attempt: row.attempt, error, status: 'dead' },
          { type: 'run.dead', ...base, error },
        ],
        retryAt: null,
      };
    }
  }
}
