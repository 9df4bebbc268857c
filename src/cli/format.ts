// Small helpers for the command line: durations, tables, times.
import { clockTime } from '../shared/words';
import { InvalidArgumentError } from 'commander';

import * as read from '../shared/duration';

/** "90s", "10m", "1.5h", "250ms" or a plain number of seconds → milliseconds (shared/duration.ts). */
export function parseDuration(text: string): number {
  const ms = read.parseDuration(text);
  if (ms === null) throw new InvalidArgumentError(`'${text}' is not a duration (try ${read.DURATION_EXAMPLES})`);
  return ms;
}

export function parseInteger(text: string): number {
  if (!/^-?\d+$/.test(text)) throw new InvalidArgumentError(`'${text}' is not a whole number`);
  return Number(text);
}

/** "5/1s" → { max: 5, intervalMs: 1000 }. */
export function parseRate(text: string): { max: number; intervalMs: number } {
  const rate = read.parseRate(text);
  if (rate === null) throw new InvalidArgumentError(`'${text}' is not a rate (try ${read.RATE_EXAMPLES})`);
  return rate;
}

export function ids(values: string[]): number[] {
  return values.flatMap((v) => v.split(',')).filter(Boolean).map(parseInteger);
}

/** A time in this machine's zone, with its offset: 2026-12-02 03:00:00 +01:00. */
export const time = clockTime;

/** A time as a clock in `zone` shows it, with the zone: 2026-12-02 03:00:00 Europe/Berlin. */
export function timeIn(ms: number | null | undefined, zone: string | null | undefined): string {
  if (ms === null || ms === undefined) return '-';
  if (!zone) return time(ms);
  const wall = new Intl.DateTimeFormat('sv-SE', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(ms);
  return `${wall} ${zone}`;
}

/** One line of a table cell: a multi-line text is joined with ⏎. */
export const oneLine = (text: string) => text.replace(/\r?\n+/g, ' ⏎ ');

export function table(head: string[], rows: (string | number | null | undefined)[][]): string {
  const cells = [head, ...rows.map((r) => r.map((c) => (c === null || c === undefined ? '-' : oneLine(String(c)))))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return cells.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}
