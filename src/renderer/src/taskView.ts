// How the tasks list and a task's page write a task: its schedule with the zone it runs in,
// a fire on the task's clock and the person's, its success over the last 30 days, its
// definition as rows. Pure: the views pass the zone and the numbers.
import type { Schedule, StatsRow, Task } from '../../core/api/types';
import type { Fact } from './runFacts';

export const DAY = 86_400_000;
/** The window of a task's success rate and charts. */
export const TASK_SPAN_MS = 30 * DAY;

/** A schedule in words, naming the zone its times are in: "At 03:00 (Europe/Berlin)". A
 *  one-time schedule is a moment, in no zone. */
export function scheduleText(s: Schedule | null, localZone: string): string {
  if (!s) return 'by hand';
  if (s.cron === null) return s.description;
  return `${s.description} (${s.timeZone ?? localZone})`;
}

/** A moment on a zone's wall clock: "Thu, Dec 3, 03:00". */
export function wallClock(at: number, zone: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone: zone, weekday: 'short', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
}

/** A fire on the task's clock and, when the person's zone is another, on theirs too. */
export function fireText(at: number, taskZone: string, localZone: string): string {
  const there = wallClock(at, taskZone);
  return taskZone === localZone ? there : `${there} ${taskZone} · ${wallClock(at, localZone)} here`;
}

/** "97% of 120 runs" over the window; "no runs" when none ended in it. */
export function successText(row: Pick<StatsRow, 'runs' | 'succeeded'> | undefined): string {
  if (!row || row.runs === 0) return 'no runs';
  const pct = Math.floor((row.succeeded / row.runs) * 1000) / 10;
  return `${pct}% of ${row.runs.toLocaleString('en-US')} run${row.runs === 1 ? '' : 's'}`;
}

/** A set length of time in its largest whole unit: "5 s", "90 s", "1 h" (not a measured
 *  duration: nothing to round). */
export function spanText(ms: number): string {
  for (const [unit, size] of [['d', DAY], ['h', 3_600_000], ['min', 60_000], ['s', 1_000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size} ${unit}`;
  }
  return `${ms} ms`;
}

/** The options every run of the task gets, as rows (after its input's). */
export function optionFacts(t: Pick<Task, 'lane' | 'priority' | 'maxAttempts' | 'backoff' | 'timeoutMs' | 'tags'> & { notify?: Task['notify'] }): Fact[] {
  const b = t.backoff;
  const backoff = b.type === 'fixed' ? `${spanText(b.delayMs)} between attempts`
    : `from ${spanText(b.delayMs)}, doubling${b.maxDelayMs ? ` up to ${spanText(b.maxDelayMs)}` : ''}`;
  return [
    { label: 'lane', value: t.lane },
    { label: 'priority', value: String(t.priority) },
    { label: 'attempts', value: t.maxAttempts === 1 ? '1 (no retry)' : `up to ${t.maxAttempts}` },
    ...(t.maxAttempts > 1 ? [{ label: 'retry', value: backoff }] : []),
    { label: 'time limit', value: t.timeoutMs === null ? 'none' : spanText(t.timeoutMs) },
    ...(t.tags.length ? [{ label: 'tags', value: t.tags.join(', ') }] : []),
    ...(t.notify ? [{ label: 'notifications', value: `its own: ${notifyText(t.notify)}` }] : []),
  ];
}

/** A task's own notification policy in words: "failures not told, successes after 10m told". */
export function notifyText(p: NonNullable<Task['notify']>): string {
  const words: Record<string, string> = { failed: 'failures', dead: 'dead runs', succeeded: 'successes', missed: 'missed fires', longerThanUsual: 'runs past 3× their usual time' };
  const parts = Object.entries(p).map(([k, v]) => {
    if (k === 'slowSuccessMs') return v === null ? 'slow successes not told' : `successes after ${spanText(v as number)} told`;
    if (k === 'runningLongerThanMs') return v === null ? 'long runs not told' : `runs past ${spanText(v as number)} told`;
    return `${words[k] ?? k} ${v ? 'told' : 'not told'}`;
  });
  return parts.length ? parts.join(', ') : 'as everywhere';
}

/** A copy's name: "backup (copy)", then "backup (copy 2)" … the first not taken. */
export function copyName(name: string, taken: ReadonlySet<string>): string {
  const base = name.replace(/ \(copy(?: \d+)?\)$/, '');
  for (let i = 1; ; i++) {
    const candidate = `${base} (copy${i === 1 ? '' : ` ${i}`})`;
    if (!taken.has(candidate)) return candidate;
  }
}
