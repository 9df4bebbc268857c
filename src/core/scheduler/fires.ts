// The fire times of a cron schedule: the one place that turns a pattern and a zone into
// instants. Next fires, previews, due fires and catch-up counts all come from firesIn().
import type { Cron } from 'croner';
import { instantsOf, offsetAt, wallOf, type WallSlot } from './zone-clock';

// Daylight saving: the rule (Vixie cron's, which people on Task Scheduler and launchd expect).
//
// croner only matches the pattern against WALL times: it runs at UTC offset 0, where no clock
// ever changes. This module then places each matching wall time in the schedule's zone, where
// a wall time happens once, twice (a fall-back fold) or not at all (a spring-forward gap).
//
// A FIXED-TIME pattern names times of day, each meant once a day: none of its minute and hour
// fields (nor its seconds field, with 6 fields) starts with `*` or `?`. `30 2 * * *`,
// `33,40 2 * * *` and `0-30/10 2 * * *` are fixed-time. It fires once per matching wall time:
//   - a wall time that happens twice fires at its first occurrence only;
//   - a wall time that does not happen fires at the first instant after the gap (02:30 in Berlin
//     on 2026-03-29 fires at 03:00). Every missing time of the pattern in one gap folds into that
//     ONE fire, and if the pattern also matches the wall time right after the gap (03:00 itself),
//     that is still one fire: it stands for all of them. No instant ever fires twice.
// An INTERVAL pattern measures elapsed time: its minute or hour field (or seconds field) starts
// with `*`, as in `*/30 * * * *` or `0 */2 * * *`. It fires at every instant whose wall time
// matches: in both copies of a repeated hour (30 minutes did pass), and never for a wall time
// in a gap (that time did not pass).
//
// Either way fires are distinct instants, in increasing order. The day fields (day of month,
// month, weekday) are matched on the wall date, so a change at midnight (America/Santiago,
// America/Havana) belongs to the day the wall clock shows. Shifts of other sizes (30 minutes
// on Australia/Lord_Howe, 02:45 on Pacific/Chatham) need nothing special: zone-clock.ts reads
// them from the tz data.

export interface CronSchedule {
  /** Matches wall times: a paused croner at UTC offset 0 (wall times are read as UTC). */
  wall: Cron;
  zone: string;
  /** Fixed-time (true) or interval (false), by the rule above. */
  fixed: boolean;
}

export interface Fire {
  at: number;
  /** Wall times (read as UTC, ascending) of the pattern that did not exist, fired here instead. */
  shiftedFrom: number[];
  /** The pattern matches this instant's own wall time too (not only the missing ones). */
  onTime: boolean;
}

/** Vixie cron's test: a pattern is an interval when a time field starts with a wildcard. */
export function isFixedTime(fields: string[]): boolean {
  const timeFields = fields.slice(0, fields.length === 6 ? 3 : 2);
  return timeFields.every((f) => !f.startsWith('*') && !f.startsWith('?'));
}

const DAY = 86_400_000;

/**
 * The fires in (after, until], oldest first: the first `limit` of them, or with `latest`
 * the last `limit`. Wall times are visited in order (forward or backward), and the walk stops
 * once no further wall time can place a fire in the answer: a wall time's earliest instant
 * (its gap end, in a gap) never decreases as the wall time grows, and neither does its latest.
 */
export function firesIn(s: CronSchedule, after: number, until: number, limit: number, latest = false): Fire[] {
  const out: Fire[] = [];
  for (const wall of latest ? wallsDown(s, until) : wallsUp(s, after)) {
    const slot = instantsOf(s.zone, wall);
    if (latest ? backwardDone(out, slot, after, limit) : forwardDone(out, slot, until, limit)) break;
    place(out, s.fixed, slot, wall, after, until);
  }
  return latest ? out.slice(Math.max(0, out.length - limit)) : out.slice(0, limit);
}

/** The first fire strictly after `after`, or null. */
export function nextFire(s: CronSchedule, after: number): number | null {
  return firesIn(s, after, Infinity, 1)[0]?.at ?? null;
}

/** Fires in (after, until], oldest first, at most `limit` of them (the earliest). */
export function firesBetween(s: CronSchedule, after: number, until: number, limit: number): number[] {
  return firesIn(s, after, until, limit).map((f) => f.at);
}

/** Fires in (after, until], oldest first, at most `limit` of them (the latest). */
export function latestFires(s: CronSchedule, after: number, until: number, limit: number): number[] {
  return firesIn(s, after, until, limit, true).map((f) => f.at);
}

const lowest = (slot: WallSlot) => slot.instants[0] ?? slot.gapEnd!;
const highest = (slot: WallSlot) => slot.instants.at(-1) ?? slot.gapEnd!;

function forwardDone(out: Fire[], slot: WallSlot, until: number, limit: number): boolean {
  const first = lowest(slot);
  return first > until || (out.length >= limit && out[limit - 1].at < first);
}

function backwardDone(out: Fire[], slot: WallSlot, after: number, limit: number): boolean {
  const last = highest(slot);
  return last <= after || (out.length >= limit && out[out.length - limit].at > last);
}

function* wallsUp(s: CronSchedule, after: number): Generator<number> {
  // A wall time before after's can still happen after it: in the second copy of a fold ahead.
  const back = Math.max(0, offsetAt(s.zone, after) - offsetAt(s.zone, after + DAY));
  for (let d = s.wall.nextRun(new Date(wallOf(s.zone, after) - back - 1)); d; d = s.wall.nextRun(d)) yield d.getTime();
}

function* wallsDown(s: CronSchedule, until: number): Generator<number> {
  // A wall time after until's can still happen before it: in the first copy of a fold behind.
  const ahead = Math.max(0, offsetAt(s.zone, until - DAY) - offsetAt(s.zone, until));
  for (let d = s.wall.previousRuns(1, new Date(wallOf(s.zone, until) + ahead + 1))[0]; d; d = s.wall.previousRuns(1, d)[0]) {
    yield d.getTime();
  }
}

/** Adds the fire(s) of one matching wall time that fall in (after, until]. */
function place(out: Fire[], fixed: boolean, slot: WallSlot, wall: number, after: number, until: number): void {
  const inRange = (t: number) => t > after && t <= until;
  if (!fixed) {
    for (const t of slot.instants) if (inRange(t)) merge(out, t, null);
    return;
  }
  const t = lowest(slot);
  if (inRange(t)) merge(out, t, slot.instants.length ? null : wall);
}

/** Inserts a fire at `at` in order, or folds into the fire already there (one fire per instant). */
function merge(out: Fire[], at: number, shiftedFrom: number | null): void {
  let lo = 0;
  let hi = out.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (out[mid].at < at) lo = mid + 1;
    else hi = mid;
  }
  let fire = out[lo];
  if (fire?.at !== at) {
    fire = { at, shiftedFrom: [], onTime: false };
    out.splice(lo, 0, fire);
  }
  if (shiftedFrom === null) fire.onTime = true;
  else fire.shiftedFrom = [...fire.shiftedFrom, shiftedFrom].sort((a, b) => a - b);
}
