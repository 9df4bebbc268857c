import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, query, settle, snapshot, type Harness } from '../testing/harness';
import { createFakeClock } from '../util/fake-clock';

let h: Harness;
afterEach(async () => { await h.cleanup(); });

const at = (iso: string) => Date.parse(iso);
const isoList = (ts: number[]) => ts.map((t) => new Date(t).toISOString());
const DAY = 86_400_000;

/** A harness whose clock starts at `start`; a scheduled task; returns its id. */
function setup(start: string, schedule: Record<string, unknown>, kind = 'noop'): number {
  h = createHarness({ clock: createFakeClock(at(start)) });
  const task = h.engine.createTask({ name: 'job', kind });
  h.engine.setSchedule({ taskId: task.id, ...schedule });
  return task.id;
}
const firesOf = (taskId: number) => query<{ scheduledFor: number; trigger: string; createdAt: number }>(h.dbPath,
  'SELECT scheduled_for AS scheduledFor, trigger, created_at AS createdAt FROM runs WHERE task_id = ? ORDER BY scheduled_for', taskId);

describe('daylight saving', () => {
  it('America/New_York fall-back: 02:30 is not repeated there, the job runs once at 02:30 EST', async () => {
    const id = setup('2026-10-31T12:00:00Z', { cron: '30 2 * * *', timeZone: 'America/New_York' });
    h.engine.start();
    await h.clock.advance(2 * DAY);
    expect(isoList(firesOf(id).map((f) => f.scheduledFor))).toEqual(['2026-11-01T07:30:00.000Z', '2026-11-02T07:30:00.000Z']);
  });

  it.each([
    ['Europe/Berlin', '2026-03-28T12:00:00Z', ['2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z']],
    ['America/New_York', '2026-03-07T12:00:00Z', ['2026-03-08T07:00:00.000Z', '2026-03-09T06:30:00.000Z']],
  ])('%s spring-forward: 02:30 does not exist that day, so the job runs once at 03:00 local', async (zone, from, expected) => {
    const id = setup(from, { cron: '30 2 * * *', timeZone: zone });
    h.engine.start();
    await h.clock.advance(2 * DAY);
    expect(isoList(firesOf(id).map((f) => f.scheduledFor))).toEqual(expected);
  });

  it.each([
    // Berlin repeats 02:00–03:00 on the last Sunday of October.
    ['Europe/Berlin', '30 2 * * *', '2026-10-24T12:00:00Z', ['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']],
    // New York repeats 01:00–02:00 on the first Sunday of November (02:30 happens once there).
    ['America/New_York', '30 1 * * *', '2026-10-31T12:00:00Z', ['2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z']],
  ])('%s fall-back: %s happens twice that day, the job runs once (at the first)', async (zone, cron, from, expected) => {
    const id = setup(from, { cron, timeZone: zone });
    h.engine.start();
    for (let i = 0; i < 48; i++) await h.clock.advance(3_600_000);
    const fires = firesOf(id);
    expect(isoList(fires.map((f) => f.scheduledFor))).toEqual(expected);
    expect(fires.every((f) => f.trigger === 'schedule')).toBe(true);
  });
});

describe('calendar edges', () => {
  it('Feb 29 fires only in leap years', () => {
    h = createHarness();
    const p = h.engine.previewSchedule({ cron: '0 9 29 2 *', timeZone: 'UTC', from: at('2026-01-01T00:00:00Z'), count: 2 });
    expect(isoList(p.fires)).toEqual(['2028-02-29T09:00:00.000Z', '2032-02-29T09:00:00.000Z']);
  });

  it('day 31 skips the months that have no 31st', () => {
    h = createHarness();
    const p = h.engine.previewSchedule({ cron: '0 0 31 * *', timeZone: 'UTC', from: at('2026-01-01T00:00:00Z'), count: 4 });
    expect(isoList(p.fires)).toEqual(['2026-01-31T00:00:00.000Z', '2026-03-31T00:00:00.000Z', '2026-05-31T00:00:00.000Z', '2026-07-31T00:00:00.000Z']);
  });

  it('a sixth field means seconds', async () => {
    const id = setup('2026-01-01T00:00:00Z', { cron: '*/15 * * * * *', timeZone: 'UTC' });
    h.engine.start();
    for (let i = 0; i < 4; i++) await h.clock.advance(15_000);
    expect(firesOf(id).map((f) => f.scheduledFor - at('2026-01-01T00:00:00Z'))).toEqual([15_000, 30_000, 45_000, 60_000]);
  });

  it('describes expressions in words, and says day-of-month OR weekday when both are set', () => {
    h = createHarness();
    expect(h.engine.previewSchedule({ cron: '30 2 * * *', timeZone: 'UTC' }).description).toBe('At 02:30');
    expect(h.engine.previewSchedule({ cron: '0 9 1 * 1', timeZone: 'UTC' }).description).toMatch(/either day matches/);
  });
});

describe('catch-up after a 3-day gap (app closed)', () => {
  async function closedFor3Days(catchUp: string, catchUpMax?: number) {
    const id = setup('2026-05-01T10:00:00Z', { cron: '0 * * * *', timeZone: 'UTC', catchUp, ...(catchUpMax && { catchUpMax }) });
    h.engine.start();
    await h.clock.advance(3_600_000);
    expect(firesOf(id)).toHaveLength(1);
    await h.engine.stop();
    await h.clock.advance(3 * DAY + 30 * 60_000);
    const engine = h.reopen();
    expect(engine.explainMissed({ taskId: id })).toMatchObject({ missedCount: 72, catchUp });
    engine.start();
    await settle();
    return firesOf(id).slice(1);
  }

  it('once: one run now, for the latest missed fire', async () => {
    const fires = await closedFor3Days('once');
    expect(fires).toHaveLength(1);
    expect(fires[0]).toMatchObject({ trigger: 'catch-up', scheduledFor: at('2026-05-04T11:00:00Z') });
    expect(fires[0].createdAt).toBe(at('2026-05-04T11:30:00Z'));
  });

  it('all: one run per missed fire, only the latest N when capped', async () => {
    const fires = await closedFor3Days('all', 10);
    expect(fires).toHaveLength(10);
    expect(isoList([fires[0].scheduledFor, fires[9].scheduledFor])).toEqual(['2026-05-04T02:00:00.000Z', '2026-05-04T11:00:00.000Z']);
    expect(fires.every((f) => f.trigger === 'catch-up')).toBe(true);
  });

  it('says what each due schedule fired, caught up and missed (schedule.fired)', async () => {
    await closedFor3Days('all', 10);
    const said = h.events.filter((e) => e.type === 'schedule.fired');
    expect(said).toMatchObject([
      { taskId: 1, lane: 'default', fired: 1, caughtUp: 0, missed: 0 },
      { taskId: 1, lane: 'default', fired: 10, caughtUp: 10, missed: 72 },
    ]);
  });

  it('skip: nothing for the missed fires; the schedule goes on', async () => {
    const fires = await closedFor3Days('skip');
    expect(fires).toEqual([]);
    await h.clock.advance(30 * 60_000);
    expect(firesOf(1).slice(1).map((f) => [f.trigger, f.scheduledFor])).toEqual([['schedule', at('2026-05-04T12:00:00Z')]]);
  });

  it('explainMissed says what the policy will do', async () => {
    const id = setup('2026-05-01T10:00:00Z', { cron: '0 * * * *', timeZone: 'UTC' });
    await h.clock.advance(3 * DAY + 30 * 60_000);
    const e = h.engine.explainMissed({ taskId: id });
    expect(e).toMatchObject({ missedCount: 72, willRun: [at('2026-05-04T10:00:00Z')] });
    expect(e.summary).toContain("catch-up 'once' runs the task once now");
  });

  it('wake() after the machine slept catches up without a restart', async () => {
    const id = setup('2026-05-01T10:00:00Z', { cron: '0 * * * *', timeZone: 'UTC' });
    h.engine.start();
    // Simulate a suspended machine: wall time jumps, timers did not fire.
    await h.clock.set(at('2026-05-01T10:00:00Z') + DAY + 30 * 60_000);
    expect(firesOf(id).length).toBeGreaterThanOrEqual(1);
    h.engine.wake();
    const last = firesOf(id).at(-1)!;
    expect(last.scheduledFor).toBe(at('2026-05-02T10:00:00Z'));
  });
});

describe('overlap while the previous run is still running', () => {
  async function twoFires(overlap: 'skip' | 'queue' | 'allow') {
    h = createHarness({ clock: createFakeClock(at('2026-01-01T00:00:00Z')) });
    h.engine.createLane({ name: 'wide', concurrency: 5 });
    const id = h.engine.createTask({ name: 'job', kind: 'test.gate', lane: 'wide' }).id;
    h.engine.setSchedule({ taskId: id, cron: '* * * * *', timeZone: 'UTC', overlap });
    h.engine.start();
    await h.clock.advance(60_000);
    expect(h.gate.running).toHaveLength(1);
    await h.clock.advance(60_000);
    await h.clock.advance(60_000);
    return query<{ status: string }>(h.dbPath, 'SELECT status FROM runs WHERE task_id = ? ORDER BY id', id).map((r) => r.status);
  }

  it('skip: no new run while one is running', async () => {
    expect(await twoFires('skip')).toEqual(['running']);
  });

  it('queue: at most one waits behind the running one, and starts when it ends', async () => {
    expect(await twoFires('queue')).toEqual(['running', 'queued']);
    h.gate.releaseAll();
    await settle();
    expect(query<{ status: string }>(h.dbPath, 'SELECT status FROM runs ORDER BY id').map((r) => r.status)).toEqual(['succeeded', 'running']);
  });

  it('queue: the next waiter still waits once an earlier one has started', async () => {
    await twoFires('queue');
    const ids = () => query<{ id: number }>(h.dbPath, 'SELECT id FROM runs ORDER BY id').map((r) => r.id);
    h.gate.releaseAll();
    await settle();
    const [, second] = ids();
    expect(h.gate.running).toEqual([second]);
    await h.clock.advance(60_000);
    await settle();
    const third = ids()[2];
    expect(h.gate.running).toEqual([second]);
    h.gate.release(second);
    await settle();
    expect(h.gate.running).toEqual([third]);
  });

  it('queue: after a restart, the waiting run still starts only once the one before it ended', async () => {
    await twoFires('queue');
    const [first, second] = query<{ id: number }>(h.dbPath, 'SELECT id FROM runs ORDER BY id').map((r) => r.id);
    await h.engine.stop({ timeoutMs: 0 });
    // Both are queued now (the stop put the first one back); the lane has room for both.
    expect(query<{ status: string }>(h.dbPath, 'SELECT status FROM runs ORDER BY id').map((r) => r.status)).toEqual(['queued', 'queued']);
    h.reopen().start();
    await settle();
    expect(h.gate.running).toEqual([first]);
    h.gate.release(first);
    await settle();
    expect(h.gate.running).toEqual([second]);
  });

  it('allow: every fire adds a run', async () => {
    expect(await twoFires('allow')).toEqual(['running', 'running', 'running']);
  });
});

describe('schedule lifecycle', () => {
  it('pause stops fires; resume goes on from now without catching up the pause', async () => {
    const id = setup('2026-01-01T00:00:00Z', { cron: '0 * * * *', timeZone: 'UTC' });
    h.engine.start();
    h.engine.pauseSchedule({ taskId: id });
    await h.clock.advance(5 * 3_600_000);
    expect(firesOf(id)).toEqual([]);
    const resumed = h.engine.resumeSchedule({ taskId: id });
    expect(resumed.schedule).toMatchObject({ enabled: true, nextRunAt: at('2026-01-01T06:00:00Z') });
    await h.clock.advance(3_600_000);
    expect(firesOf(id).map((f) => f.trigger)).toEqual(['schedule']);
  });

  it('a restart between fires keeps nextRunAt', async () => {
    const id = setup('2026-01-01T00:10:00Z', { cron: '0 * * * *', timeZone: 'UTC' });
    const before = h.engine.listTasks()[0].schedule!.nextRunAt;
    await h.engine.stop();
    await h.clock.advance(20 * 60_000);
    const engine = h.reopen();
    engine.start();
    expect(engine.listTasks()[0].schedule!.nextRunAt).toBe(before);
    expect(firesOf(id)).toEqual([]);
    await h.clock.advance(30 * 60_000);
    expect(firesOf(id).map((f) => f.scheduledFor)).toEqual([before]);
  });

  it('runTask runs now and does not move the schedule', async () => {
    const id = setup('2026-01-01T00:10:00Z', { cron: '0 * * * *', timeZone: 'UTC' });
    h.engine.start();
    const next = h.engine.listTasks()[0].schedule!.nextRunAt;
    const run = h.engine.runTask({ id });
    await h.engine.idle();
    expect(h.engine.getRun({ id: run.id })).toMatchObject({ trigger: 'api', status: 'succeeded', scheduledFor: null });
    expect(h.engine.listTasks()[0].schedule!.nextRunAt).toBe(next);
  });

  it('a one-time schedule fires once at its instant', async () => {
    const id = setup('2026-01-01T00:00:00Z', { runAt: at('2026-01-01T08:00:00Z') });
    h.engine.start();
    await h.clock.advance(DAY);
    expect(firesOf(id).map((f) => [f.scheduledFor, f.trigger])).toEqual([[at('2026-01-01T08:00:00Z'), 'schedule']]);
    expect(h.engine.listTasks()[0].schedule).toMatchObject({ nextRunAt: null });
  });

  it('sleeps on one timer, whatever the number of schedules', () => {
    h = createHarness();
    for (let i = 0; i < 50; i++) {
      const t = h.engine.createTask({ name: `t${i}`, kind: 'noop' });
      h.engine.setSchedule({ taskId: t.id, cron: `${i % 60} * * * *`, timeZone: 'UTC' });
    }
    h.engine.start();
    expect(h.clock.pending()).toBe(1);
  });
});

describe('bad schedules', () => {
  const cases: [string, Record<string, unknown>, string, string][] = [
    ['minute 61', { cron: '61 * * * *' }, 'cron', 'minute: 61 is out of range 0–59'],
    ['hour 24', { cron: '0 24 * * *' }, 'cron', 'hour: 24 is out of range 0–23'],
    ['month 13', { cron: '0 0 1 13 *' }, 'cron', 'month: 13 is out of range 1–12'],
    ['weekday FUNDAY', { cron: '0 0 * * FUNDAY' }, 'cron', "day of week: 'FUNDAY' is not a valid value"],
    ['four fields', { cron: '* * * *' }, 'cron', 'a cron expression has 5 fields'],
    ['a zero step', { cron: '*/0 * * * *' }, 'cron', 'minute: \'*/0\' has an invalid step'],
    ['never fires', { cron: '0 0 31 2 *' }, 'cron', 'never fires'],
    ['unknown zone', { cron: '0 * * * *', timeZone: 'Mars/Olympus' }, 'timeZone', "time zone 'Mars/Olympus' is not a known IANA zone"],
    ['both cron and runAt', { cron: '0 * * * *', runAt: Date.UTC(2030, 0, 1) }, 'cron', 'give either cron or runAt'],
    ['runAt in the past', { runAt: Date.UTC(2020, 0, 1) }, 'runAt', 'is in the past'],
  ];

  it.each(cases)('%s → typed error naming the field, nothing written', (_n, schedule, field, message) => {
    h = createHarness();
    const task = h.engine.createTask({ name: 'job', kind: 'noop' });
    const before = snapshot(h.dbPath);
    let error: unknown;
    try { h.engine.setSchedule({ taskId: task.id, ...schedule }); } catch (e) { error = e; }
    expect(error).toMatchObject({ field });
    expect((error as Error).message).toContain(message);
    expect(snapshot(h.dbPath)).toBe(before);
  });

  it('accepts a zone in any letter case and stores its canonical name', () => {
    h = createHarness();
    const task = h.engine.createTask({ name: 'job', kind: 'noop' });
    expect(h.engine.setSchedule({ taskId: task.id, cron: '0 * * * *', timeZone: 'europe/berlin' }).schedule?.timeZone).toBe('Europe/Berlin');
  });
});
