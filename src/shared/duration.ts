// Durations and rates as people type them, read the same way by the CLI and the window:
// "90s", "10m", "1.5h", "250ms", "1d" or a plain number of seconds; a rate is
// runs/interval ("10/1m", "100/s"). Pure functions: no engine, no DOM, no Node.

const UNITS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export const DURATION_EXAMPLES = '30s, 10m, 2h, 1d';
export const RATE_EXAMPLES = '10/1s or 100/1m';

/** A length of time as it is typed, in its largest whole unit: 30000 → "30s", 600000 → "10m"
 *  (parseDuration reads it back exactly). */
export function typedDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) if (ms > 0 && ms % UNITS[unit] === 0) return `${ms / UNITS[unit]}${unit}`;
  return `${ms}ms`;
}

/** Milliseconds, or null when the text is not a duration. */
export function parseDuration(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) return null;
  return Math.round(Number(m[1]) * UNITS[(m[2] ?? 's') as keyof typeof UNITS]);
}

/** "5/1s" → { max: 5, intervalMs: 1000 } ("5/s" too), or null when it is not a rate. */
export function parseRate(text: string): { max: number; intervalMs: number } | null {
  const m = /^(\d+)\s*\/\s*(.+)$/.exec(text.trim());
  if (!m) return null;
  const intervalMs = parseDuration(/^\d/.test(m[2]) ? m[2] : `1${m[2]}`);
  return intervalMs === null ? null : { max: Number(m[1]), intervalMs };
}
