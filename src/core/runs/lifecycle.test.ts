import { describe, expect, it } from 'vitest';
import { assertTransition, canTransition, RUN_STATUSES, TRANSITIONS } from './lifecycle';
import { backoffDelay } from './backoff';

describe('run lifecycle table', () => {
  const allowed: [string, string][] = [
    ['scheduled', 'queued'], ['scheduled', 'cancelled'], ['scheduled', 'dead'], ['scheduled', 'held'],
    ['queued', 'running'], ['queued', 'cancelled'], ['queued', 'dead'], ['queued', 'held'],
    ['running', 'succeeded'], ['running', 'retrying'], ['running', 'dead'], ['running', 'failed'],
    ['running', 'cancelled'], ['running', 'queued'], ['running', 'abandoned'],
    ['retrying', 'queued'], ['retrying', 'cancelled'], ['retrying', 'held'],
    ['held', 'queued'], ['held', 'scheduled'], ['held', 'cancelled'], ['held', 'dead'],
    ['abandoned', 'queued'], ['abandoned', 'dead'],
    ['dead', 'queued'], ['failed', 'queued'], ['cancelled', 'queued'],
  ];

  it.each(allowed)('allows %s → %s', (from, to) => {
    expect(() => assertTransition(1, from, to as never)).not.toThrow();
  });

  it('allows exactly the moves of the diagram, nothing more', () => {
    const all = RUN_STATUSES.flatMap((from) => TRANSITIONS[from].map((to) => `${from}>${to}`)).sort();
    expect(all).toEqual(allowed.map(([f, t]) => `${f}>${t}`).sort());
  });

  it.each([
    ['succeeded', 'queued'], ['succeeded', 'running'], ['queued', 'succeeded'], ['scheduled', 'running'],
    ['dead', 'running'], ['cancelled', 'succeeded'], ['retrying', 'running'], ['abandoned', 'running'],
    ['queued', 'failed'], ['failed', 'dead'], ['held', 'running'], ['running', 'held'], ['dead', 'held'],
  ])('refuses %s → %s with a typed error', (from, to) => {
    expect(canTransition(from as never, to as never)).toBe(false);
    expect(() => assertTransition(7, from, to as never)).toThrowError(
      expect.objectContaining({ code: 'INVALID_TRANSITION', message: `run 7 is ${from}; it cannot become ${to}` }),
    );
  });

  it('refuses a status that does not exist', () => {
    expect(() => assertTransition(1, 'paused', 'queued')).toThrowError(expect.objectContaining({ code: 'INVALID_TRANSITION' }));
  });
});

describe('backoff', () => {
  it('doubles from the base delay and stops at the cap', () => {
    const b = { type: 'exponential' as const, delayMs: 1000, maxDelayMs: 10_000, jitter: 0 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(b, n))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('keeps a fixed delay fixed', () => {
    const b = { type: 'fixed' as const, delayMs: 1500, maxDelayMs: 60_000, jitter: 0 };
    expect([1, 2, 9].map((n) => backoffDelay(b, n))).toEqual([1500, 1500, 1500]);
  });

  it('jitter only shortens the delay, by at most its share', () => {
    const b = { type: 'exponential' as const, delayMs: 1000, maxDelayMs: 60_000, jitter: 0.2 };
    expect(backoffDelay(b, 1, () => 0)).toBe(1000);
    expect(backoffDelay(b, 1, () => 0.999999)).toBe(800);
    expect(backoffDelay(b, 20, () => 0.5)).toBe(54_000);
  });
});
