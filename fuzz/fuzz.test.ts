// `npm run fuzz`'s property (property.ts) on 2,000 inputs, plus the cases it found, each
// kept as a test of its own (they fail until the engine is fixed: see RELIABILITY.md).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSummary, runFuzz } from './property';
import { DbView, startTarget, type Target } from './target';

describe('fuzz: every contract command over HTTP against a real serve', () => {
  it('holds for 2,000 inputs: no 5xx, stays up, typed errors naming a field, a rejection changes nothing', async () => {
    const summary = await runFuzz({ runs: 2000 });
    const report = formatSummary(summary);
    expect(summary.fatal, report).toBeUndefined();
    expect(summary.violations.length, report).toBe(0);
    expect(summary.sent).toBeGreaterThanOrEqual(2000);
    // Every command was reached, and past the schema for most of them.
    expect(Object.keys(summary.perCommand).length).toBeGreaterThanOrEqual(32);
  }, 180_000);
});

describe('fuzz findings', () => {
  let t: Target;
  let view: DbView;
  beforeAll(async () => {
    t = await startTarget('tasklane-findings-');
    expect((await t.api('pauseAll', {})).status).toBe(200);
    view = new DbView(t.dbPath);
  }, 90_000);
  afterAll(async () => {
    view?.close();
    await t?.stop();
  });

  it('an unknown key "" is named (INVALID_INPUT with a non-empty field), on every strict object', async () => {
    for (const [command, body] of [['counts', { '': 1 }], ['cancel', { ids: [1], '': 1 }], ['enqueue', { kind: 'notify', input: { title: 'x', '': 1 } }]] as const) {
      const { status, body: answer } = await t.api(command, body);
      expect(status).toBe(400);
      expect(answer.error?.code).toBe('INVALID_INPUT');
      expect(answer.error?.field, `${command} ${JSON.stringify(answer.error)}`).toMatch(/./);
    }
  });

  it('previewSchedule from the last representable instant is a typed 4xx, not 500 INTERNAL', async () => {
    for (const body of [
      { cron: '30 2 * * *', timeZone: 'Pacific/Chatham', from: 8.64e15 },
      { cron: '0 0 1 * *', timeZone: 'Etc/GMT-14', from: 8_639_999_913_600_000 },
    ]) {
      const answer = await t.post('previewSchedule', JSON.stringify(body));
      expect(answer.status, answer.text).toBeLessThan(500);
    }
  });

  it('a rejected importConfig leaves the engine\'s lanes as they were (no lane only in memory, unpaused)', async () => {
    const lanes = async () => ((await t.api<{ name: string; concurrency: number }[]>('listLanes', {})).body.value ?? [])
      .map((l) => `${l.name}:${l.concurrency}`).sort();
    const before = await lanes();
    const digest = view.snapshot().digest;
    const answer = await t.api('importConfig', { config: { version: 1, lanes: [{ name: 'ghost', concurrency: 3 }, { name: 'serial', concurrency: 7 }],
      tasks: [{ name: 'x', kind: 'notify', input: { title: 't' }, lane: 'default', schedule: { cron: '61 * * * *' } }] } });
    const digestAfter = view.snapshot().digest;
    // SAFETY: whatever the import left in memory is paused before anything else is sent.
    expect((await t.api('pauseAll', {})).status).toBe(200);
    expect(answer.status).toBe(400);
    expect(answer.body.error?.code).toBe('INVALID_SCHEDULE');
    expect(digestAfter).toBe(digest);
    // Today: a lane 'ghost' (unpaused until the pauseAll above, and running what is queued in
    // it) and serial at concurrency 7, in memory only, until a lane command writes them out.
    expect(await lanes()).toEqual(before);
    // And the field says where in the file the bad schedule is.
    expect(answer.body.error?.field).toMatch(/^config\.tasks\.0\.schedule/);
  });
});
