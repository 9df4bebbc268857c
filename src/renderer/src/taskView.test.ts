import { describe, expect, it } from 'vitest';
import type { Schedule } from '../../core/api/types';
import { copyName, fireText, optionFacts, scheduleText, successText } from './taskView';

const cron = (zone: string | null): Schedule => ({ cron: '0 3 * * *', timeZone: zone, runAt: null, enabled: true, overlap: 'skip', catchUp: 'once',
  catchUpMax: 10, nextRunAt: null, lastFiredAt: null, description: 'At 03:00' });

describe('a task as the tasks list writes it', () => {
  it('names the zone its schedule runs in', () => {
    expect(scheduleText(cron('Europe/Berlin'), 'UTC')).toBe('At 03:00 (Europe/Berlin)');
    expect(scheduleText(cron(null), 'Asia/Tokyo')).toBe('At 03:00 (Asia/Tokyo)');
    expect(scheduleText(null, 'UTC')).toBe('by hand');
  });
  it('writes a fire on the task clock and, when it differs, on the person clock', () => {
    const at = Date.UTC(2026, 11, 3, 2, 0); // 03:00 in Berlin (CET), 02:00 UTC
    expect(fireText(at, 'Europe/Berlin', 'UTC')).toBe('Thu, Dec 3, 03:00 Europe/Berlin · Thu, Dec 3, 02:00 here');
    expect(fireText(at, 'UTC', 'UTC')).toBe('Thu, Dec 3, 02:00');
  });
  it('says its success over the window, or that nothing ended in it', () => {
    expect(successText({ runs: 120, succeeded: 117 })).toBe('97.5% of 120 runs');
    expect(successText({ runs: 3, succeeded: 2 })).toBe('66.6% of 3 runs');
    expect(successText({ runs: 1, succeeded: 1 })).toBe('100% of 1 run');
    expect(successText(undefined)).toBe('no runs');
  });
  it('writes the run options in words', () => {
    const facts = optionFacts({ lane: 'gpu', priority: 5, maxAttempts: 3, backoff: { type: 'exponential', delayMs: 5_000, maxDelayMs: 3_600_000, jitter: 0.1 }, timeoutMs: null, tags: ['nightly'] });
    expect(Object.fromEntries(facts.map((f) => [f.label, f.value]))).toEqual({
      lane: 'gpu', priority: '5', attempts: 'up to 3', retry: 'from 5 s, doubling up to 1 h', 'time limit': 'none', tags: 'nightly',
    });
  });
  it('names a copy after the original, the first name not taken', () => {
    expect(copyName('backup', new Set(['backup']))).toBe('backup (copy)');
    expect(copyName('backup', new Set(['backup', 'backup (copy)']))).toBe('backup (copy 2)');
    expect(copyName('backup (copy)', new Set(['backup', 'backup (copy)']))).toBe('backup (copy 2)');
  });
});

it("a task's own notification policy in words, on its page", async () => {
  const { notifyText, optionFacts } = await import('./taskView');
  expect(notifyText({ failed: false, slowSuccessMs: 600_000 })).toBe('failures not told, successes after 10 min told');
  const base = { lane: 'default', priority: 5, maxAttempts: 1, backoff: { type: 'fixed' as const, delayMs: 1000, maxDelayMs: 1000, jitter: 0 }, timeoutMs: null, tags: [] };
  expect(optionFacts({ ...base, notify: { dead: true } }).at(-1)).toEqual({ label: 'notifications', value: 'its own: dead runs told' });
  expect(optionFacts({ ...base, notify: null }).map((f) => f.label)).not.toContain('notifications');
});
