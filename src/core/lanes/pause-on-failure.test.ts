// Pause on failure: a lane set so stops at its first run that fails or goes dead, before it
// starts the next of its runs, says why, keeps that across a restart, and runs again when
// resumed. Other lanes go on.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { createHarness, type Harness } from '../testing/harness';

let h: Harness;
beforeEach(() => { h = createHarness(); });
afterEach(async () => { await h.cleanup(); });

describe('pause on failure', () => {
  it('a run that fails pauses its lane before the next run starts; the lane says why, across a restart', async () => {
    const e = h.engine;
    e.createLane({ name: 'backups', concurrency: 1, pauseOnFailure: true });
    const bad = e.enqueue({ kind: 'test.fail', input: { code: 'DISK_FULL', retryable: false }, lane: 'backups' });
    const next = e.enqueue({ kind: 'echo', input: { value: 1 }, lane: 'backups' });
    const elsewhere = e.enqueue({ kind: 'echo', input: { value: 2 } });
    e.start();
    await e.idle();
    expect(e.getRun({ id: bad.id }).status).toBe('failed');
    expect(e.getRun({ id: next.id }).status).toBe('queued');
    expect(e.getRun({ id: elsewhere.id }).status).toBe('succeeded');
    const lane = e.listLanes().find((l) => l.name === 'backups')!;
    expect(lane).toMatchObject({ paused: true, pauseOnFailure: true });
    expect(lane.pausedReason).toBe(`run ${bad.id} failed (DISK_FULL: failed with DISK_FULL)`);
    expect(h.events.some((ev) => ev.type === 'lane.changed' && ev.lane === 'backups')).toBe(true);

    await e.stop();
    const again = h.reopen();
    expect(again.listLanes().find((l) => l.name === 'backups')).toMatchObject({ paused: true, pausedReason: lane.pausedReason });
    // Resumed: the next run goes, and the reason is gone.
    again.start();
    again.resumeLane({ name: 'backups' });
    await again.idle();
    expect(again.getRun({ id: next.id }).status).toBe('succeeded');
    expect(again.listLanes().find((l) => l.name === 'backups')).toMatchObject({ paused: false, pausedReason: null });
  });

  it('a retry is not a failure; a lane without the setting goes on; the setting can be changed', async () => {
    const e = h.engine;
    e.createLane({ name: 'flaky', concurrency: 1, pauseOnFailure: true });
    const retried = e.enqueue({ kind: 'test.fail', input: { code: 'FLAKE' }, lane: 'flaky', maxAttempts: 2, backoff: { type: 'fixed', delayMs: 60_000 } });
    e.start();
    await e.idle();
    expect(e.getRun({ id: retried.id }).status).toBe('retrying');
    expect(e.listLanes().find((l) => l.name === 'flaky')!.paused).toBe(false);
    // Turned off before the last attempt fails: the lane goes on.
    e.updateLane({ name: 'flaky', pauseOnFailure: false });
    await h.clock.advance(60_000);
    await e.idle();
    expect(e.getRun({ id: retried.id }).status).toBe('dead');
    expect(e.listLanes().find((l) => l.name === 'flaky')).toMatchObject({ paused: false, pauseOnFailure: false });
    // A person's pause has no reason.
    e.pauseLane({ name: 'flaky' });
    expect(e.listLanes().find((l) => l.name === 'flaky')).toMatchObject({ paused: true, pausedReason: null });
  });

  it('a run found dead after a crash pauses its lane before the lane starts anything; pause all keeps the reason', async () => {
    const e = h.engine;
    e.createLane({ name: 'backups', concurrency: 1, pauseOnFailure: true });
    const lost = e.enqueue({ kind: 'noop', lane: 'backups', maxAttempts: 1 });
    const next = e.enqueue({ kind: 'noop', lane: 'backups' });
    await e.stop();
    // What a crash leaves behind: the run marked running, its attempt never closed.
    const db = new Database(h.dbPath);
    db.prepare(`UPDATE runs SET status = 'running', attempt = 1, started_at = ? WHERE id = ?`).run(h.clock.now() - 5000, lost.id);
    db.close();
    const again = h.reopen();
    again.start();
    await again.idle();
    expect(again.getRun({ id: lost.id }).status).toBe('dead');
    expect(again.getRun({ id: next.id }).status).toBe('queued');
    const reason = `run ${lost.id} went dead (ABANDONED: `;
    expect(again.listLanes().find((l) => l.name === 'backups')!.pausedReason).toContain(reason);
    again.pauseAll();
    expect(again.listLanes().find((l) => l.name === 'backups')!.pausedReason).toContain(reason);
  });
});
