import { expect, it } from 'vitest';
import { parseDuration, typedDuration } from './duration';

it('writes a length of time as it is typed, in its largest whole unit, and reads it back exactly', () => {
  expect([30_000, 600_000, 3_600_000, 86_400_000, 90_000, 1_500].map(typedDuration)).toEqual(['30s', '10m', '1h', '1d', '90s', '1500ms']);
  for (const ms of [1, 999, 5_000, 61_000, 7_200_000, 172_800_000]) expect(parseDuration(typedDuration(ms))).toBe(ms);
});
