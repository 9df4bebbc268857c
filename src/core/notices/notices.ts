// Notices: what Tasklane tells the person on its own, by the notification policy (by default:
// failed and dead runs, missed fires and messages to review; the rest when asked, since
// watching running runs takes a timer every 30 s). The policy is global, and a task may
// override any part of it that is about runs (tasks.notify). It says which of these raise a
// notice: a run that failed, went dead, succeeded, succeeded after more than N, a schedule
// that missed fires, a message in the inbox to review, a run still running well past its
// usual time (3× its task's p95 over 30 days, at least a minute) or past a set limit.
//
// Modes of the coalescer (one per engine):
//   quiet     nothing pending, nothing sent lately. A notice → gathering (a 2 s timer).
//   gathering notices pile up until the timer: then one goes out (the notice itself, or a
//             summary of all of them) → resting.
//   resting   for a minute after a send: notices pile up; at the minute's end, any pending
//             go out as one summary (→ resting again), none → quiet.
// So 100 failures in a second give one notification, and a steady stream one a minute.
//
// A notice goes to the Notifier port (the desktop app shows it, and a click opens its run;
// serve shows it in an open window through the `notice` event, or with notify-send when no
// window is open) and as a `notice` event.
import type Database from 'better-sqlite3';
import type { EngineEvent, EventOf, NotifyPolicy, RunStatus, Stats } from '../api/types';
import type { EventBus } from '../events';
import { settingsStore } from '../db/settings';
import type { Clock, Logger, Notifier } from '../ports';
import { duration, title } from '../../shared/words';
import { typedDuration } from '../../shared/duration';

export const DEFAULT_NOTIFY_POLICY: NotifyPolicy = {
  failed: true, dead: true, succeeded: false, slowSuccessMs: null, missed: true, longerThanUsual: false, runningLongerThanMs: null, messages: true,
};
/** Gathering before the first send, and the least time between two sends. */
export const GATHER_MS = 2_000;
export const REST_MS = 60_000;
/** How often running runs are checked against their usual time. */
const CHECK_MS = 30_000;
const MIN_USUAL_MS = 60_000;

interface Notice { title: string; body: string; runId: number | null; urgency: 'low' | 'normal' | 'critical'; what: string; task: string | null }

export interface NoticeDeps {
  sqlite: Database.Database;
  bus: Pick<EventBus, 'on' | 'emit'>;
  clock: Clock;
  notifier: Notifier;
  logger: Logger;
  stats(q: { from: number; groupBy: 'task' }): Stats;
}

export function createNotices(d: NoticeDeps) {
  const settings = settingsStore(d.sqlite);
  const overrides = d.sqlite.prepare<[], { id: number; notify: string }>(`SELECT id, notify FROM tasks WHERE notify IS NOT NULL`);
  const runFacts = d.sqlite.prepare<[number], { taskId: number | null; task: string | null; name: string | null; kind: string; input: string; startedAt: number | null }>(
    `SELECT r.task_id AS taskId, t.name AS task, r.name, r.kind, r.input, r.started_at AS startedAt FROM runs r LEFT JOIN tasks t ON t.id = r.task_id WHERE r.id = ?`);
  const running = d.sqlite.prepare<[], { id: number; taskId: number | null; task: string | null; name: string | null; kind: string; input: string; startedAt: number }>(
    `SELECT r.id, r.task_id AS taskId, t.name AS task, r.name, r.kind, r.input, r.started_at AS startedAt FROM runs r LEFT JOIN tasks t ON t.id = r.task_id
     WHERE r.status = 'running' AND r.status != 'succeeded' AND r.started_at IS NOT NULL`);
  const taskName = d.sqlite.prepare<[number], string>(`SELECT name FROM tasks WHERE id = ?`).pluck();

  let global: NotifyPolicy = { ...DEFAULT_NOTIFY_POLICY, ...settings.read<NotifyPolicy>('notify') };
  let byTask = new Map<number, Partial<NotifyPolicy>>();
  const policyOf = (taskId: number | null): NotifyPolicy => (taskId === null ? global : { ...global, ...byTask.get(taskId) });

  // ---- the coalescer ------------------------------------------------------------------
  let pending: Notice[] = [];
  let timer: ReturnType<Clock['setTimeout']> | null = null;
  let mode: 'quiet' | 'gathering' | 'resting' = 'quiet';

  function send(notices: Notice[]): void {
    const one = notices.length === 1 ? notices[0] : summary(notices);
    d.bus.emit({ type: 'notice', title: one.title, body: one.body, runId: one.runId, count: notices.length });
    void Promise.resolve(d.notifier.notify({ title: one.title, body: one.body, urgency: one.urgency, ...(one.runId !== null && { runId: one.runId }), kind: 'notice' }))
      .catch((e: unknown) => d.logger.warn('a notice could not be shown', e));
  }
  function tick(): void {
    timer = null;
    if (!pending.length) { mode = 'quiet'; return; }
    const out = pending;
    pending = [];
    send(out);
    mode = 'resting';
    timer = d.clock.setTimeout(tick, REST_MS);
  }
  function raise(n: Notice): void {
    pending.push(n);
    if (mode === 'quiet') { mode = 'gathering'; timer = d.clock.setTimeout(tick, GATHER_MS); }
  }

  // ---- what raises one ----------------------------------------------------------------
  // A run as notices name it: its task, else the title every face gives it.
  const label = (f: { task: string | null; name: string | null; kind: string; input: string }) =>
    f.task ?? title({ name: f.name, kind: f.kind, input: JSON.parse(f.input) as unknown });
  function onEnd(e: EngineEvent): void {
    let status: RunStatus;
    if (e.type === 'run.failed' && e.status === 'failed') status = 'failed';
    else if (e.type === 'run.dead') status = 'dead';
    else if (e.type === 'run.succeeded') status = 'succeeded';
    else return;
    const f = runFacts.get(e.runId);
    if (!f) return;
    const p = policyOf(f.taskId);
    const what = label(f);
    if (status === 'failed' && p.failed) {
      const err = (e as EventOf<'run.failed'>).error;
      raise({ title: `${what} failed`, body: `Run ${e.runId}: ${err.code}: ${err.message}`, runId: e.runId, urgency: 'normal', what: 'failed', task: what });
    } else if (status === 'dead' && p.dead) {
      const err = (e as EventOf<'run.dead'>).error;
      raise({ title: `${what} is dead`, body: `Run ${e.runId}: ${err.code}: ${err.message}`, runId: e.runId, urgency: 'critical', what: 'dead', task: what });
    } else if (status === 'succeeded') {
      const took = (e as EventOf<'run.succeeded'>).durationMs;
      if (p.succeeded || (p.slowSuccessMs !== null && took > p.slowSuccessMs)) {
        raise({ title: `${what} succeeded`, body: `Run ${e.runId}, after ${duration(took)}`, runId: e.runId, urgency: 'low', what: 'succeeded', task: what });
      }
    }
  }
  function onFired(e: EventOf<'schedule.fired'>): void {
    if (e.missed <= 0 || !policyOf(e.taskId).missed) return;
    const name = taskName.get(e.taskId) ?? `task ${e.taskId}`;
    raise({ title: `${name} missed ${e.missed} fire${e.missed === 1 ? '' : 's'}`,
      body: e.caughtUp ? `Tasklane was not running; ${e.caughtUp} caught up now.` : 'Tasklane was not running; its catch-up policy skipped them.',
      runId: null, urgency: 'normal', what: 'missed', task: name });
  }

  function onMessage(e: EventOf<'message'>): void {
    if (e.status !== 'pending' || !global.messages) return;
    raise({ title: `A message from ${e.source} to review`, body: `Message ${e.id} is in the Inbox.`, runId: null, urgency: 'normal', what: 'message', task: null });
  }

  // Running runs past their time: checked every 30 s while some policy asks; each run once.
  const told = new Set<number>();
  let checker: ReturnType<Clock['setTimeout']> | null = null;
  function check(): void {
    checker = null;
    const now = d.clock.now();
    const runs = running.all();
    const live = new Set(runs.map((r) => r.id));
    for (const id of told) if (!live.has(id)) told.delete(id);
    let usual: Map<number, number> | null = null;
    for (const r of runs) {
      if (told.has(r.id)) continue;
      const p = policyOf(r.taskId);
      let limit = p.runningLongerThanMs ?? Infinity;
      if (p.longerThanUsual && r.taskId !== null) {
        usual ??= new Map(d.stats({ from: now - 30 * 86_400_000, groupBy: 'task' }).rows
          .filter((row) => row.taskId !== null && row.p95Ms !== null).map((row) => [row.taskId!, Math.max(3 * row.p95Ms!, MIN_USUAL_MS)]));
        limit = Math.min(limit, usual.get(r.taskId) ?? Infinity);
      }
      if (now - r.startedAt > limit) {
        told.add(r.id);
        const what = label(r);
        raise({ title: `${what} is taking long`, body: `Run ${r.id} has run ${duration(now - r.startedAt)} (more than its limit, ${typedDuration(limit)})`,
          runId: r.id, urgency: 'normal', what: 'long', task: what });
      }
    }
    arm();
  }
  const anyLong = () => [global, ...byTask.values()].some((p) => p.longerThanUsual || (p.runningLongerThanMs ?? null) !== null);
  function arm(): void {
    if (checker === null && started && anyLong()) checker = d.clock.setTimeout(check, CHECK_MS);
  }

  // A success listener makes every drain build its events: listen only while some policy asks.
  const offs: (() => void)[] = [];
  let offSuccess: (() => void) | null = null;
  const anySuccess = () => [global, ...byTask.values()].some((p) => p.succeeded || (p.slowSuccessMs ?? null) !== null);
  function listen(): void {
    if (anySuccess() && !offSuccess) offSuccess = d.bus.on('run.succeeded', onEnd);
    else if (!anySuccess() && offSuccess) { offSuccess(); offSuccess = null; }
  }
  let started = false;

  return {
    /** Reads the tasks' overrides again (a task saved or deleted). */
    reload(): void {
      byTask = new Map(overrides.all().map((r) => [r.id, JSON.parse(r.notify) as Partial<NotifyPolicy>]));
      if (started) { listen(); arm(); }
    },
    start(): void {
      started = true;
      offs.push(d.bus.on('run.failed', onEnd), d.bus.on('run.dead', onEnd), d.bus.on('schedule.fired', onFired), d.bus.on('message', onMessage));
      this.reload();
    },
    stop(): void {
      // What was gathered is told now, not lost with the stop.
      if (started && pending.length) { const out = pending; pending = []; send(out); }
      started = false;
      for (const off of offs.splice(0)) off();
      offSuccess?.(); offSuccess = null;
      if (timer) d.clock.clearTimeout(timer);
      if (checker) d.clock.clearTimeout(checker);
      timer = checker = null;
    },
    policy: () => global,
    setPolicy(patch: Partial<NotifyPolicy>): NotifyPolicy {
      global = { ...global, ...patch };
      settings.write('notify', global);
      if (started) { listen(); arm(); }
      return global;
    },
  };

  /** Many notices as one: how many of each, and for which tasks. */
  function summary(notices: Notice[]): Notice {
    const count = (what: string) => notices.filter((n) => n.what === what).length;
    const parts = [['failed', 'failed'], ['dead', 'went dead'], ['succeeded', 'succeeded'], ['long', 'are taking long'], ['missed', 'missed fires'], ['message', 'messages to review']]
      .map(([k, words]) => [count(k), words] as const).filter(([n]) => n > 0).map(([n, words]) => `${n} ${words}`);
    const tasks = new Map<string, number>();
    for (const n of notices) if (n.task) tasks.set(n.task, (tasks.get(n.task) ?? 0) + 1);
    const top = [...tasks].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([t, n]) => (n > 1 ? `${t} ×${n}` : t));
    const worst = notices.some((n) => n.urgency === 'critical') ? 'critical' : 'normal';
    const last = [...notices].reverse().find((n) => n.runId !== null);
    return { title: `Tasklane: ${parts.join(', ')}`, body: top.join(', ') + (tasks.size > 3 ? ', …' : ''),
      runId: last?.runId ?? null, urgency: worst, what: 'summary', task: null };
  }
}
export type Notices = ReturnType<typeof createNotices>;
