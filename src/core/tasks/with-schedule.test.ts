// A task and its schedule are saved together or not at all.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createHarness, type Harness } from '../testing/harness';

let h: Harness;
beforeEach(() => { h = createHarness(); });
afterEach(async () => { await h.cleanup(); });
const input = { command: 'true' };

it('a task made with its schedule has it, its next fire computed', () => {
  const t = h.engine.createTask({ name: 'backup', kind: 'shell', input, schedule: { cron: '0 3 * * *', timeZone: 'Europe/Berlin', overlap: 'queue' } });
  expect(t.schedule).toMatchObject({ cron: '0 3 * * *', timeZone: 'Europe/Berlin', overlap: 'queue', enabled: true });
  expect(t.schedule!.nextRunAt).toBeGreaterThan(h.clock.now());
});

it('a schedule refused leaves no task behind, and says which part of the schedule', () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ cron: '0 3 * * *', timeZone: 'Mars/Olympus' }, 'schedule.timeZone'],
    [{ cron: '0 25 * * *' }, 'schedule.cron'],
    [{ runAt: h.clock.now() - 1 }, 'schedule.runAt'],
    [{ cron: '0 3 * * *', runAt: h.clock.now() + 1000 }, 'schedule.cron'],
  ];
  for (const [schedule, field] of cases) {
    expect(() => h.engine.createTask({ name: 'backup', kind: 'shell', input, schedule: schedule as never }), field)
      .toThrowError(expect.objectContaining({ field }));
  }
  expect(h.engine.listTasks()).toEqual([]);
});

it('an edit with a refused schedule changes nothing; null clears the schedule; left out keeps it', () => {
  const t = h.engine.createTask({ name: 'backup', kind: 'shell', input, schedule: { cron: '0 3 * * *', timeZone: 'UTC' } });
  expect(() => h.engine.updateTask({ id: t.id, name: 'renamed', priority: 9, schedule: { cron: 'every day' } }))
    .toThrowError(expect.objectContaining({ code: 'INVALID_SCHEDULE', field: 'schedule.cron' }));
  expect(h.engine.listTasks()[0]).toMatchObject({ name: 'backup', priority: 5, schedule: { cron: '0 3 * * *' } });
  expect(h.engine.updateTask({ id: t.id, priority: 9 }).schedule).toMatchObject({ cron: '0 3 * * *' });
  expect(h.engine.updateTask({ id: t.id, schedule: { cron: '30 2 * * *', timeZone: 'UTC' } }).schedule).toMatchObject({ cron: '30 2 * * *' });
  expect(h.engine.updateTask({ id: t.id, schedule: null }).schedule).toBeNull();
});
