// The daylight-saving rule of fires.ts on the zones that are easy to get wrong: shifts that
// are not one hour, changes at midnight, and 6-field patterns (seconds).
import { describe, expect, it } from 'vitest';
import { compileCron } from './cron';
import { firesBetween, firesIn, latestFires, nextFire } from './fires';

const at = (iso: string) => Date.parse(iso);
const iso = (ts: number[]) => ts.map((t) => new Date(t).toISOString().replace('.000Z', 'Z'));
/** The fires of `cron` in `zone` between two instants (ISO), as ISO strings. */
const fires = (cron: string, zone: string, from: string, until: string) =>
  iso(firesBetween(compileCron(cron, zone), at(from), at(until), 1000));

describe('fixed-time patterns on days the clocks change', () => {
  it('Australia/Lord_Howe jumps 30 minutes: 02:15 fires at 02:30 on 2026-10-04', () => {
    // 02:00 +10:30 becomes 02:30 +11:00 at 15:30Z.
    expect(fires('15 2 * * *', 'Australia/Lord_Howe', '2026-10-03T12:00:00Z', '2026-10-04T12:00:00Z')).toEqual(['2026-10-03T15:30:00Z']);
  });

  it('Australia/Lord_Howe repeats 01:30–02:00: 01:45 fires once on 2026-04-05', () => {
    expect(fires('45 1 * * *', 'Australia/Lord_Howe', '2026-04-04T12:00:00Z', '2026-04-05T12:00:00Z')).toEqual(['2026-04-04T14:45:00Z']);
  });

  it('Pacific/Chatham jumps at 02:45: 03:00 and 03:30 give one fire at 03:45 on 2026-09-27', () => {
    expect(fires('0,30 3 * * *', 'Pacific/Chatham', '2026-09-26T12:00:00Z', '2026-09-27T12:00:00Z')).toEqual(['2026-09-26T14:00:00Z']);
  });

  it('America/Santiago skips midnight: 00:30 fires at 01:00 on 2026-09-06, a Sunday-only pattern included', () => {
    expect(fires('30 0 * * 0', 'America/Santiago', '2026-09-05T12:00:00Z', '2026-09-06T12:00:00Z')).toEqual(['2026-09-06T04:00:00Z']);
  });

  it('America/Santiago repeats 23:00 on Saturday 2026-04-04: 23:30 fires once, on Saturday', () => {
    expect(fires('30 23 * * 6', 'America/Santiago', '2026-04-04T12:00:00Z', '2026-04-06T12:00:00Z')).toEqual(['2026-04-05T02:30:00Z']);
  });

  it('America/Havana repeats 00:00–01:00 on 2026-11-01: 00:10 and 00:50 fire once each', () => {
    expect(fires('10,50 0 * * *', 'America/Havana', '2026-10-31T12:00:00Z', '2026-11-01T12:00:00Z'))
      .toEqual(['2026-11-01T04:10:00Z', '2026-11-01T04:50:00Z']);
  });

  it('a pattern that also matches the end of the gap fires there once (Europe/Berlin `0,30 2,3 * * *`)', () => {
    const s = compileCron('0,30 2,3 * * *', 'Europe/Berlin');
    const [first, second] = firesIn(s, at('2026-03-29T00:00:00Z'), at('2026-03-29T02:00:00Z'), 10);
    expect(first).toEqual({ at: at('2026-03-29T01:00:00Z'), shiftedFrom: [Date.UTC(2026, 2, 29, 2, 0), Date.UTC(2026, 2, 29, 2, 30)], onTime: true });
    expect(second).toEqual({ at: at('2026-03-29T01:30:00Z'), shiftedFrom: [], onTime: true });
  });
});

describe('6-field patterns (seconds)', () => {
  it('fixed seconds: 02:30:00 and 02:30:30 fire once each when 02:30 repeats (Europe/Berlin)', () => {
    expect(fires('0,30 30 2 * * *', 'Europe/Berlin', '2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z'))
      .toEqual(['2026-10-25T00:30:00Z', '2026-10-25T00:30:30Z']);
  });

  it('fixed seconds: 02:30:00 and 02:30:30 give one fire at 03:00:00 when 02:30 does not exist', () => {
    expect(fires('0,30 30 2 * * *', 'Europe/Berlin', '2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z')).toEqual(['2026-03-29T01:00:00Z']);
  });

  it('a wildcard in the seconds makes an interval: both copies of 02:30 fire', () => {
    expect(fires('*/30 30 2 * * *', 'Europe/Berlin', '2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z'))
      .toEqual(['2026-10-25T00:30:00Z', '2026-10-25T00:30:30Z', '2026-10-25T01:30:00Z', '2026-10-25T01:30:30Z']);
  });
});

describe('interval patterns follow elapsed time', () => {
  it('`*/20 * * * *` fires every 20 minutes through the repeated hour, six times in its two copies (America/New_York)', () => {
    const got = fires('*/20 * * * *', 'America/New_York', '2026-11-01T05:00:00Z', '2026-11-01T07:00:00Z');
    expect(got).toEqual(['2026-11-01T05:20:00Z', '2026-11-01T05:40:00Z', '2026-11-01T06:00:00Z', '2026-11-01T06:20:00Z', '2026-11-01T06:40:00Z', '2026-11-01T07:00:00Z']);
  });

  it('`0 */2 * * *` runs at 00:00, skips 02:00, which does not exist, and goes on at 04:00 (Europe/Berlin)', () => {
    expect(fires('0 */2 * * *', 'Europe/Berlin', '2026-03-28T22:30:00Z', '2026-03-29T03:00:00Z')).toEqual(['2026-03-28T23:00:00Z', '2026-03-29T02:00:00Z']);
  });
});

describe('every way in gives the same fires', () => {
  it('nextFire, step by step, walks the same fires as firesBetween and latestFires across a fold', () => {
    const s = compileCron('*/20 1 * * *', 'America/New_York');
    const from = at('2026-11-01T04:00:00Z');
    const until = at('2026-11-01T08:00:00Z');
    const all = firesBetween(s, from, until, 100);
    const walked: number[] = [];
    for (let t = nextFire(s, from); t !== null && t <= until; t = nextFire(s, t)) walked.push(t);
    expect(walked).toEqual(all);
    expect(latestFires(s, from, until, 2)).toEqual(all.slice(-2));
    expect(all).toHaveLength(6);
  });
});
