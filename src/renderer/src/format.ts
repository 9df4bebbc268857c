// Times and durations as a person reads them.
import type { Run } from '../../core/api/types';
import { duration } from '../../shared/words';

export { duration, rateText, title, originText } from '../../shared/words';

export function clock(at: number | null): string {
  if (at === null) return '';
  const d = new Date(at);
  const sameDay = new Date().toDateString() === d.toDateString();
  return sameDay ? d.toLocaleTimeString() : d.toLocaleString();
}

/** How long the run ran, or has been running. */
export function runTime(run: Run, now: number): string {
  if (run.startedAt === null) return '';
  return duration((run.finishedAt ?? now) - run.startedAt);
}

/** A whole number typed in a field, within [min, max]; null for anything else (empty too). */
export function wholeNumber(text: string, min: number, max: number): number | null {
  if (!/^\s*-?\d+\s*$/.test(text)) return null;
  const n = Number(text);
  return n >= min && n <= max ? n : null;
}
