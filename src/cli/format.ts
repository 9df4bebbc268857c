// Small helpers for the command line: durations, tables, times.
import { InvalidArgumentError } from 'commander';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "90s", "10m", "1.5h", "250ms" or a plain number of seconds → milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) throw new InvalidArgumentError(`'${text}' is not a duration (try 30s, 10m, 2h, 1d)`);
  return Math.round(Number(m[1]) * UNITS[m[2] ?? 's']);
}

export function parseInteger(text: string): number {
  if (!/^-?\d+$/.test(text)) throw new InvalidArgumentError(`'${text}' is not a whole number`);
  return Number(text);
}

/** "5/1s" → { max: 5, intervalMs: 1000 }. */
export function parseRate(text: string): { max: number; intervalMs: number } {
  const m = /^(\d+)\/(.+)$/.exec(text.trim());
  if (!m) throw new InvalidArgumentError(`'${text}' is not a rate (try 10/1s or 100/1m)`);
  return { max: Number(m[1]), intervalMs: parseDuration(/^\d/.test(m[2]) ? m[2] : `1${m[2]}`) };
}

export function ids(values: string[]): number[] {
  return values.flatMap((v) => v.split(',')).filter(Boolean).map(parseInteger);
}

export function time(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '-';
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export function table(head: string[], rows: (string | number | null | undefined)[][]): string {
  const cells = [head, ...rows.map((r) => r.map((c) => (c === null || c === undefined ? '-' : String(c))))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return cells.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}
