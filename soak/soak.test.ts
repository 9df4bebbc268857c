// The soak suite, short: 3 SIGKILLs of a real `tasklane serve` under the mixed workload, then a
// clean start drains it and the whole history is checked (soak/soak.ts). `npm run soak` runs 50.
// SOAK_SEED=<n> replays a seed the suite printed.
import { afterAll, expect, it } from 'vitest';
import { abortSoaks, formatReport, runSoak } from './soak';

afterAll(abortSoaks);

it('3 SIGKILLs under load: nothing accepted lost, nothing stuck, no run twice at once, integrity ok', async () => {
  const seed = process.env.SOAK_SEED ? Number(process.env.SOAK_SEED) : 12;
  const report = await runSoak({ cycles: 3, seed, timeLimitMs: 110_000 });
  const summary = formatReport(report);
  console.log(summary);
  expect(report.violations, summary).toEqual([]);
  expect(report.cyclesDone).toBe(3);
  expect(report.accepted).toBeGreaterThan(0);
  expect(report.executions).toBeGreaterThan(0);
}, 120_000);
