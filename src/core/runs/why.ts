// Why a run is not running: every reason that holds it back right now, in words, each with
// the time or the run it waits for. The window's run detail and `tasklane why` show them.
import type Database from 'better-sqlite3';
import type { WaitExplanation, WaitReason } from '../api/types';
import type { RunStore } from '../db/run-store';
import type { WriteLoop } from '../loop';
import { TasklaneError } from '../errors';
import { ACTIVE_STATUSES, sqlSet } from './lifecycle';
import { clockTime, rateText } from '../../shared/words';

/** A moment as the CLI writes it (this machine's clock, with its offset). */
const when = clockTime;

export function createWhy(d: { sqlite: Database.Database; store: Pick<RunStore, 'get' | 'statusOf'>; loop: Pick<WriteLoop, 'lane'>; now(): number }) {
  const parents = d.sqlite.prepare<[number], { id: number; status: string }>(`SELECT p.id, p.status FROM run_deps x
    JOIN runs p ON p.id = x.after_id WHERE x.run_id = ? AND p.status != 'succeeded' ORDER BY p.id`);
  const waitFor = d.sqlite.prepare<[number], { id: number; status: string }>(`SELECT w.id, w.status FROM runs r
    JOIN runs w ON w.id = r.wait_for WHERE r.id = ? AND w.status IN ${sqlSet(ACTIVE_STATUSES)}`);
  // Queued runs of the lane that a claim takes first (claim order: priority, run_at, id).
  const ahead = d.sqlite.prepare<[string, number, number, number, number, number], number>(`SELECT COUNT(*) FROM runs
    WHERE status = 'queued' AND lane = ? AND status != 'succeeded'
      AND (priority > ? OR (priority = ? AND (run_at < ? OR (run_at = ? AND id < ?))))`).pluck();

  return function whyWaiting(id: number): WaitExplanation {
    const run = d.store.get(id);
    if (!run) throw new TasklaneError('NOT_FOUND', `run ${id} does not exist`, 'id');
    const now = d.now();
    const reasons: WaitReason[] = [];
    const lane = d.loop.lane(run.lane);
    switch (run.status) {
      case 'running':
        reasons.push({ code: 'not-waiting', message: `run ${id} is running (attempt ${run.attempt})` });
        break;
      case 'succeeded': case 'failed': case 'dead': case 'cancelled': case 'abandoned':
        reasons.push({ code: 'not-waiting', message: `run ${id} has ended: it is ${run.status}` });
        break;
      case 'held':
        reasons.push({ code: 'held', message: 'held by you: it starts only once released' });
        break;
      case 'scheduled':
        reasons.push({ code: 'scheduled', message: `scheduled for ${when(run.runAt)}`, until: run.runAt });
        break;
      case 'retrying':
        reasons.push({ code: 'backoff', message: `attempt ${run.attempt} failed${run.errorCode ? ` (${run.errorCode})` : ''}; `
          + `the next one starts after its backoff, at ${when(run.runAt)}`, until: run.runAt });
        break;
      case 'queued': {
        for (const p of parents.all(id)) {
          reasons.push({ code: 'after', message: `waiting for run ${p.id} to succeed (it is ${p.status})`, runId: p.id });
        }
        const w = waitFor.get(id);
        if (w) reasons.push({ code: 'overlap', message: `its task's overlap policy is "queue": waiting for run ${w.id} to end (it is ${w.status})`, runId: w.id });
        if (!lane) {
          reasons.push({ code: 'lane-missing', message: `its lane '${run.lane}' does not exist` });
          break;
        }
        if (lane.paused) reasons.push({ code: 'lane-paused', message: `lane ${lane.name} is paused: resume it to let runs start` });
        if (lane.running >= lane.concurrency) {
          reasons.push({ code: 'lane-full', message: `lane ${lane.name} is full: ${lane.running} of ${lane.concurrency} running` });
        }
        const opening = lane.nextRateOpening(now);
        if (opening !== null) {
          reasons.push({ code: 'rate-limited', message: `lane ${lane.name} is at its rate limit (${rateText(lane.rateLimit)}) until ${when(opening)}`, until: opening });
        }
        const before = ahead.get(run.lane, run.priority, run.priority, run.runAt, run.runAt, id) ?? 0;
        if (before) reasons.push({ code: 'queued-behind', message: `${before} run(s) of lane ${lane.name} go first (higher priority or older)` });
        if (!reasons.length) reasons.push({ code: 'starting', message: 'nothing holds it back: it starts at the next claim' });
        break;
      }
    }
    return { runId: id, status: run.status, now, reasons };
  };
}
