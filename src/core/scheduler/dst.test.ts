// Daylight-saving days, through the engine's public surface: previewSchedule, the scheduler's
// runs, and explainMissed. Each case is a pattern other than "one time a day" (issue 17).
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, query, type Harness } from '../testing/harness';
import { createFakeClock } from '../util/fake-clock';

let h: Harness | undefined;
afterEach(async () => { await h?.cleanup(); h = undefined; });

const at = (iso: string) => Date.parse(iso);
const isoList = (ts: number[]) => ts.map((t) => new Date(t).toISOString().replace(':00.000Z', 'Z'));

/** The preview's fires in [from, until) (a local day given in UTC). */
function previewDay(cron: string, timeZone: string, from: string, until: string) {
  h = createHarness();
  const p = h.engine.previewSchedule({ cron, timeZone, from: at(from) - 1, count: 20 });
  return { preview: p, fires: isoList(p.fires.filter((t) => t < at(until))) };
}

describe('fall back: a fixed time that happens twice fires once, at the first', () => {
  it('Europe/Berlin `33,40 2 * * *`: 02:33 and 02:40 fire once each on 2026-10-25', () => {
    const { fires } = previewDay('33,40 2 * * *', 'Europe/Berlin', '2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z');
    expect(fires).toEqual(['2026-10-25T00:33Z', '2026-10-25T00:40Z']);
  });

  it('Europe/Berlin `34 0,2,23 * * *`: 02:34 fires once on 2026-10-25, 00:34 and 23:34 as usual', () => {
    const { fires } = previewDay('34 0,2,23 * * *', 'Europe/Berlin', '2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z');
    expect(fires).toEqual(['2026-10-24T22:34Z', '2026-10-25T00:34Z', '2026-10-25T22:34Z']);
  });

  it('America/New_York `30 0,1 * * *`: 01:30 fires once on 2026-11-01 (EDT)', () => {
    const { fires } = previewDay('30 0,1 * * *', 'America/New_York', '2026-11-01T04:00:00Z', '2026-11-02T05:00:00Z');
    expect(fires).toEqual(['2026-11-01T04:30Z', '2026-11-01T05:30Z']);
  });
});

describe('spring forward: a fixed time that does not exist fires once, when the gap ends', () => {
  it('Europe/Berlin `30 1,2 * * *`: 02:30 fires at 03:00 on 2026-03-29', () => {
    const { fires } = previewDay('30 1,2 * * *', 'Europe/Berlin', '2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z');
    expect(fires).toEqual(['2026-03-29T00:30Z', '2026-03-29T01:00Z']);
  });

  it('America/New_York `29,33 2,20 * * *`: 02:29 and 02:33 give one fire at 03:00 on 2026-03-08', () => {
    const { fires } = previewDay('29,33 2,20 * * *', 'America/New_York', '2026-03-08T05:00:00Z', '2026-03-09T04:00:00Z');
    expect(fires).toEqual(['2026-03-08T07:00Z', '2026-03-09T00:29Z', '2026-03-09T00:33Z']);
  });

  it('the preview marks the moved fire and says why, in the schedule\'s zone', () => {
    const { preview } = previewDay('30 1,2 * * *', 'Europe/Berlin', '2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z');
    expect(preview.shifted).toEqual([{
      at: at('2026-03-29T01:00:00Z'), shiftedFrom: '02:30', note: '03:00, for 02:30, which does not exist that day',
    }]);
  });

  it('the preview names every missing time that one fire stands for', () => {
    const { preview } = previewDay('29,33 2,20 * * *', 'America/New_York', '2026-03-08T05:00:00Z', '2026-03-09T04:00:00Z');
    expect(preview.shifted?.[0]).toMatchObject({ shiftedFrom: '02:29', note: '03:00, for 02:29 and 02:33, which do not exist that day' });
  });
});

describe('interval patterns follow elapsed time', () => {
  it('Europe/Berlin `*/30 2 * * *` runs in both copies of the repeated hour and skips the missing one', () => {
    expect(previewDay('*/30 2 * * *', 'Europe/Berlin', '2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z').fires)
      .toEqual(['2026-10-25T00:00Z', '2026-10-25T00:30Z', '2026-10-25T01:00Z', '2026-10-25T01:30Z']);
    expect(previewDay('*/30 2 * * *', 'Europe/Berlin', '2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z').fires).toEqual([]);
  });
});

describe('the scheduler and catch-up count by the same rule', () => {
  const firesOf = (dbPath: string, taskId: number) => isoList(query<{ t: number }>(dbPath,
    'SELECT scheduled_for AS t FROM runs WHERE task_id = ? ORDER BY scheduled_for', taskId).map((r) => r.t));

  /** Runs the scheduler hour by hour for `hours` from `start`; returns the runs' scheduledFor. */
  async function scheduled(start: string, cron: string, hours: number) {
    h = createHarness({ clock: createFakeClock(at(start)) });
    const { id } = h.engine.createTask({ name: 'backup', kind: 'noop' });
    h.engine.setSchedule({ taskId: id, cron, timeZone: 'Europe/Berlin' });
    h.engine.start();
    for (let i = 0; i < hours; i++) await h.clock.advance(3_600_000);
    return firesOf(h.dbPath, id);
  }

  it('a running scheduler enqueues the missing 02:30 once, at 03:00 (Europe/Berlin `30 1,2 * * *`)', async () => {
    expect(await scheduled('2026-03-28T22:00:00Z', '30 1,2 * * *', 24)).toEqual(['2026-03-29T00:30Z', '2026-03-29T01:00Z']);
  });

  it('a running scheduler enqueues a repeated 02:33 and 02:40 once each (Europe/Berlin `33,40 2 * * *`)', async () => {
    expect(await scheduled('2026-10-24T12:00:00Z', '33,40 2 * * *', 40))
      .toEqual(['2026-10-25T00:33Z', '2026-10-25T00:40Z', '2026-10-26T01:33Z', '2026-10-26T01:40Z']);
  });

  it('explainMissed counts a repeated 02:33 once (Europe/Berlin `33,40 2 * * *`, closed over 2026-10-25)', async () => {
    h = createHarness({ clock: createFakeClock(at('2026-10-24T12:00:00Z')) });
    const { id } = h.engine.createTask({ name: 'backup', kind: 'noop' });
    h.engine.setSchedule({ taskId: id, cron: '33,40 2 * * *', timeZone: 'Europe/Berlin', catchUp: 'all', catchUpMax: 10 });
    await h.clock.set(at('2026-10-26T12:00:00Z'));
    const e = h.engine.explainMissed({ taskId: id });
    expect(e.missedCount).toBe(4);
    expect(isoList(e.willRun)).toEqual(['2026-10-25T00:33Z', '2026-10-25T00:40Z', '2026-10-26T01:33Z', '2026-10-26T01:40Z']);
  });
});
