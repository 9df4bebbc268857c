// Cron expressions: validation with messages that name the wrong field, compiling to a
// schedule for fires.ts (which owns the fire times), and a human description (cronstrue).
import { Cron } from 'croner';
import cronstrue from 'cronstrue';
import { TasklaneError } from '../errors';
import { isFixedTime, type CronSchedule } from './fires';

const FIELDS_5 = ['minute', 'hour', 'day of month', 'month', 'day of week'] as const;
const FIELDS_6 = ['second', ...FIELDS_5] as const;
const RANGES: Record<string, [number, number]> = {
  second: [0, 59], minute: [0, 59], hour: [0, 23], 'day of month': [1, 31], month: [1, 12], 'day of week': [0, 7],
};
const NAMES: Record<string, string[]> = {
  month: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  'day of week': ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'],
};

const invalid = (message: string, field = 'cron') => new TasklaneError('INVALID_SCHEDULE', message, field);

export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** The canonical name of an IANA zone ("europe/berlin" → "Europe/Berlin"); unknown zones throw. */
const zones = new Map<string, string>();
export function normalizeTimeZone(zone: string, field = 'timeZone'): string {
  const known = zones.get(zone);
  if (known) return known;
  try {
    const canonical = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
    zones.set(zone, canonical);
    return canonical;
  } catch {
    throw invalid(`time zone '${zone}' is not a known IANA zone (for example Europe/Berlin, America/New_York, UTC)`, field);
  }
}

function checkValue(field: string, value: string, original: string): void {
  const [min, max] = RANGES[field];
  if (/^\d+$/.test(value)) {
    const n = Number(value);
    if (n < min || n > max) throw invalid(`${field}: ${n} is out of range ${min}–${max}`);
    return;
  }
  const names = NAMES[field];
  if (/^[a-z]+$/i.test(value)) {
    if (names?.includes(value.toUpperCase())) return;
    if (value.toUpperCase() === 'L' && (field === 'day of month' || field === 'day of week')) return;
    throw invalid(`${field}: '${value}' is not a valid value${names ? ` (use ${min}–${max} or ${names[0]}–${names[names.length - 1]})` : ` (use ${min}–${max})`}`);
  }
  // L, W and # forms (5L, 15W, 1#2) are checked by croner below.
  if (!/^[\dLW#]+$/i.test(value)) throw invalid(`${field}: '${original}' is not a valid value`);
}

function checkField(field: string, text: string): void {
  for (const item of text.split(',')) {
    if (item === '') throw invalid(`${field}: empty value in '${text}'`);
    const [base, step, extra] = item.split('/');
    if (extra !== undefined || (step !== undefined && !/^[1-9]\d*$/.test(step))) {
      throw invalid(`${field}: '${item}' has an invalid step (write */5 or 0-30/10)`);
    }
    if (base === '*' || base === '?') continue;
    const ends = base.split('-');
    if (ends.length > 2 || ends.some((e) => e === '')) throw invalid(`${field}: '${item}' is not a valid range`);
    for (const end of ends) checkValue(field, end, item);
  }
}

/**
 * A cron expression in a time zone (the system's when none is given), checked and compiled:
 * what setSchedule, previewSchedule and an import each need. `prefix` places the fields an
 * error names (`config.tasks.0.schedule` + `.cron` / `.timeZone`).
 */
export function compileInZone(cron: string, zone: string | undefined, prefix?: string): { timeZone: string; schedule: CronSchedule } {
  const at = (field: string) => (prefix ? `${prefix}.${field}` : field);
  const timeZone = normalizeTimeZone(zone ?? systemTimeZone(), at('timeZone'));
  try {
    return { timeZone, schedule: compileCron(cron, timeZone) };
  } catch (e) {
    if (prefix && e instanceof TasklaneError) throw new TasklaneError(e.code, e.message, at(e.field ?? 'cron'));
    throw e;
  }
}

const cache = new Map<string, CronSchedule>();

/** Validates `expr` and compiles it for fire times in `zone` (an IANA name, already checked). */
export function compileCron(expr: string, zone: string): CronSchedule {
  const key = `${zone}\u0000${expr}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 5 && parts.length !== 6) {
    throw invalid(`a cron expression has 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first; '${expr}' has ${parts.length}`);
  }
  const names = parts.length === 6 ? FIELDS_6 : FIELDS_5;
  parts.forEach((p, i) => checkField(names[i], p));
  let wall: Cron;
  try {
    // Offset 0, not the zone: croner matches wall times, fires.ts places them in the zone.
    wall = new Cron(parts.join(' '), { utcOffset: 0, paused: true });
  } catch (e) {
    throw invalid(String((e as Error).message).replace(/^CronPattern:\s*/, ''));
  }
  if (wall.nextRun(new Date(0)) === null && wall.nextRun() === null) {
    throw invalid(`'${expr}' never fires (for example, the 31st of February)`);
  }
  const schedule: CronSchedule = { wall, zone, fixed: isFixedTime(parts) };
  if (cache.size > 10_000) cache.clear();
  cache.set(key, schedule);
  return schedule;
}

export function describeCron(expr: string): string {
  const parts = expr.trim().split(/\s+/);
  let text: string;
  try {
    text = cronstrue.toString(expr, { use24HourTimeFormat: true, verbose: false });
  } catch {
    return expr;
  }
  const [dom, , dow] = parts.length === 6 ? parts.slice(3) : parts.slice(2);
  const restricted = (f: string) => f !== '*' && f !== '?';
  // Standard cron runs when EITHER the day of month OR the weekday matches; cronstrue says "and".
  if (restricted(dom) && restricted(dow)) text += ' (either day matches: day of month or weekday)';
  return text;
}
