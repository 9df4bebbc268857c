// Scheduler: 10,000 enabled schedules (idle CPU while nothing is due, one timer), the time
// to compute and enqueue all fires due after a 1-day gap, and fire drift on the real clock.
import { z } from 'zod';
import { createEngine } from '../../src/core/index';
import { createFakeClock } from '../../src/core/util/fake-clock';
import { percentile, record, withTempDir } from '../lib';
import { quick } from '../engine';

const SCHEDULES = quick ? 500 : 10_000;
const kinds = { noop: { input: z.unknown(), run: () => null } };

await withTempDir(async (dir) => {
  // Idle: all schedules fire at the top of the next hour; measure CPU over 2 s before then.
  const hourAhead = new Date(); hourAhead.setUTCMinutes(0, 0, 0); hourAhead.setUTCHours(hourAhead.getUTCHours() + 1);
  let engine = createEngine({ dataDir: `${dir}/idle`, kinds });
  for (let i = 0; i < SCHEDULES; i++) {
    const t = engine.createTask({ name: `t${i}`, kind: 'noop' });
    engine.setSchedule({ taskId: t.id, cron: `${i % 60} ${(i >> 6) % 24} * * *`, timeZone: 'UTC', catchUp: 'once' });
  }
  engine.start();
  const cpu0 = process.cpuUsage();
  await new Promise((r) => setTimeout(r, 2000));
  const cpu = process.cpuUsage(cpu0);
  record({ scenario: 'scheduler', system: 'tasklane', metric: `CPU while idle, ${SCHEDULES.toLocaleString('en-US')} schedules (2 s)`, value: Math.round((cpu.user + cpu.system) / 1000), unit: 'ms CPU' });
  await engine.stop();

  // Catch-up: the same schedules (each fires once a day), the app closed for a day.
  const clock = createFakeClock(Date.now());
  await clock.advance(86_400_000 + 60_000);
  engine = createEngine({ dataDir: `${dir}/idle`, kinds, clock });
  engine.pauseAll();
  const t0 = performance.now();
  engine.start();
  const ms = performance.now() - t0;
  const queued = engine.counts().total.queued ?? 0;
  record({ scenario: 'scheduler', system: 'tasklane', metric: `catch up ${queued.toLocaleString('en-US')} due fires after a 1-day gap`, value: Math.round(ms), unit: 'ms' });
  await engine.stop({ timeoutMs: 0 });

  // Drift: 20 schedules firing every second for 5 s on the real clock.
  engine = createEngine({ dataDir: `${dir}/drift`, kinds });
  const drift: number[] = [];
  engine.on('run.queued', (e) => { drift.push(e.at - Math.floor(e.at / 1000) * 1000); });
  for (let i = 0; i < 20; i++) {
    const t = engine.createTask({ name: `d${i}`, kind: 'noop' });
    engine.setSchedule({ taskId: t.id, cron: '* * * * * *', timeZone: 'UTC', overlap: 'allow' });
  }
  engine.start();
  await new Promise((r) => setTimeout(r, quick ? 1500 : 5500));
  await engine.stop();
  drift.sort((a, b) => a - b);
  record({ scenario: 'scheduler', system: 'tasklane', metric: 'fire drift p50 (20 schedules, every second)', value: percentile(drift, 50), unit: 'ms' });
  record({ scenario: 'scheduler', system: 'tasklane', metric: 'fire drift p99', value: percentile(drift, 99), unit: 'ms', target: '≤ 50' });
});
