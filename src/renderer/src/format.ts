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
