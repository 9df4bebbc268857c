// How long a failed attempt waits before the next one.
export interface Backoff {
  type: 'fixed' | 'exponential';
  delayMs: number;
  maxDelayMs: number;
  /** 0–1: the share of the delay that is random (0.1 = between 90% and 100% of it). */
  jitter: number;
}

export const DEFAULT_BACKOFF: Backoff = { type: 'exponential', delayMs: 5_000, maxDelayMs: 3_600_000, jitter: 0.1 };

/** Delay after failed attempt number `attempt` (1-based). Never above maxDelayMs. */
export function backoffDelay(backoff: Backoff, attempt: number, random: () => number = Math.random): number {
  const base = backoff.type === 'fixed'
    ? backoff.delayMs
    : backoff.delayMs * 2 ** Math.min(Math.max(attempt - 1, 0), 52);
  const capped = Math.min(base, backoff.maxDelayMs);
  return Math.round(capped * (1 - backoff.jitter * random()));
}
