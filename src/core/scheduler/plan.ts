// Which runs a due schedule creates at `now`: the pure part of the scheduler.
//
// A fire is "on time" when it is at most GRACE_MS old; older fires were missed (the app was
// closed or the machine asleep) and the task's catch-up policy decides:
//   once  one run now, for the latest missed fire
//   all   one run per missed fire, the latest `catchUpMax` of them
//   skip  none (an on-time fire still runs)
// Fire times, missed or not, all come from fires.ts, so daylight-saving days count the same here.
import type { CatchUpPolicy, Trigger } from '../api/types';
import { compileCron } from './cron';
import { firesBetween, latestFires, nextFire, type CronSchedule } from './fires';

export const GRACE_MS = 60_000;
/** How many missed fires explainMissed counts before it says "more than". */
export const COUNT_LIMIT = 10_000;

export interface ScheduleRow {
  cron: string | null;
  timeZone: string | null;
  runAt: number | null;
  nextRunAt: number | null;
  catchUp: string;
  catchUpMax: number;
}

export interface PlannedFire { scheduledFor: number; trigger: Trigger }
export interface FirePlan {
  fires: PlannedFire[];
  /** The next fire strictly after now, or null when the schedule is used up. */
  nextRunAt: number | null;
  /** The latest fire time that is now behind us (run or skipped). */
  lastFiredAt: number | null;
}

export function cronOf(row: ScheduleRow): CronSchedule | null {
  return row.cron === null ? null : compileCron(row.cron, row.timeZone ?? 'UTC');
}

/** The first fire of a schedule after `after` (for a new, edited or resumed schedule). */
export function firstFire(row: Pick<ScheduleRow, 'cron' | 'timeZone' | 'runAt'>, after: number): number | null {
  if (row.cron !== null) return nextFire(compileCron(row.cron, row.timeZone ?? 'UTC'), after);
  return row.runAt;
}

export function planFires(row: ScheduleRow, now: number): FirePlan {
  const due = row.nextRunAt;
  if (due === null || due > now) return { fires: [], nextRunAt: due, lastFiredAt: null };
  const policy = row.catchUp as CatchUpPolicy;
  const cron = cronOf(row);

  if (cron === null) {
    // A one-time schedule: it fires once, late or not (unless late and told to skip).
    const late = now - due > GRACE_MS;
    const fires: PlannedFire[] = late && policy === 'skip' ? [] : [{ scheduledFor: due, trigger: late ? 'catch-up' : 'schedule' }];
    return { fires, nextRunAt: null, lastFiredAt: due };
  }

  const nextRunAt = nextFire(cron, now);
  const latest = latestFires(cron, due - 1, now, 1)[0] ?? due;
  if (now - due <= GRACE_MS) {
    // Nothing missed: every due fire (normally just one) runs as scheduled.
    const fires = [due, ...firesBetween(cron, due, now, 1000)].map((t) => ({ scheduledFor: t, trigger: 'schedule' as const }));
    return { fires, nextRunAt, lastFiredAt: latest };
  }
  const onTime = now - latest <= GRACE_MS ? latest : null;
  let fires: PlannedFire[];
  switch (policy) {
    case 'once':
      fires = [{ scheduledFor: latest, trigger: 'catch-up' }];
      break;
    case 'all': {
      const times = latestFires(cron, due - 1, now, row.catchUpMax);
      fires = times.map((t) => ({ scheduledFor: t, trigger: t === onTime ? 'schedule' : 'catch-up' }));
      break;
    }
    case 'skip':
      fires = onTime === null ? [] : [{ scheduledFor: onTime, trigger: 'schedule' }];
      break;
  }
  return { fires, nextRunAt, lastFiredAt: latest };
}

/** The fires a schedule missed before `now` (not counting one that is still on time), the
 *  first `limit` of them. */
export function missedFires(row: ScheduleRow, now: number, limit = COUNT_LIMIT): { times: number[]; capped: boolean } {
  const due = row.nextRunAt;
  if (due === null || due > now || now - due <= GRACE_MS) return { times: [], capped: false };
  const cron = cronOf(row);
  if (cron === null) return { times: [due], capped: false };
  const times = [due, ...firesBetween(cron, due, now - GRACE_MS - 1, limit)];
  return { times: times.slice(0, limit), capped: times.length > limit };
}
