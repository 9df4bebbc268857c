// The scheduler: one timer for the soonest `nextRunAt` of all enabled schedules. When it
// fires (or on start / wake after sleep) each due task gets its runs and its next fire time
// in ONE transaction, so a crash can neither lose a fire nor enqueue it twice.
import type Database from 'better-sqlite3';
import type { EventInput } from '../events';
import type { NewRun, RunStore } from '../db/run-store';
import type { Enqueuer } from '../runs/enqueue';
import type { TaskRow, TaskStore } from '../tasks/task-store';
import type { Clock, Logger } from '../ports';
import type { WriteLoop } from '../loop';
import { ACTIVE_STATUSES, sqlSet, WAITING_STATUSES } from '../runs/lifecycle';
import { missedFires, planFires, type PlannedFire } from './plan';

const CHUNK = 200;
/** How many missed fires a schedule.fired event counts at most. Counting walks the fire
 *  times (~10 µs each on the 2-core machine), and only a schedule that missed some does. */
export const MISSED_COUNT_LIMIT = 1000;

export interface SchedulerDeps {
  sqlite: Database.Database;
  taskStore: Pick<TaskStore, 'due' | 'setSchedule'>;
  /** Its transactions: a rollback makes the run counts count again. */
  store: Pick<RunStore, 'transaction'>;
  clock: Clock;
  logger: Logger;
  loop: Pick<WriteLoop, 'mode'>;
  enqueuer: Pick<Enqueuer, 'insertRows' | 'afterInsert' | 'buildRow'>;
}

export class Scheduler {
  private timer: unknown;
  private timerAt: number | null = null;
  private readonly nextDue;
  private readonly activeOfTask;
  private readonly fireExists;
  private readonly runningOfTask;
  private readonly moveNext;

  constructor(private readonly d: SchedulerDeps) {
    const db = d.sqlite;
    this.nextDue = db.prepare<[], number | null>(
      `SELECT MIN(next_run_at) FROM tasks WHERE schedule_enabled = 1 AND next_run_at IS NOT NULL`).pluck();
    this.activeOfTask = db.prepare<[number], { running: number; waiting: number }>(`SELECT
        COALESCE(SUM(status = 'running'), 0) AS running,
        COALESCE(SUM(status IN ${sqlSet(WAITING_STATUSES.filter((st) => st !== 'held'))}), 0) AS waiting
      FROM runs WHERE task_id = ? AND status IN ${sqlSet(ACTIVE_STATUSES)}`);
    this.runningOfTask = db.prepare<[number], number>(
      `SELECT id FROM runs WHERE task_id = ? AND status = 'running' ORDER BY id DESC LIMIT 1`).pluck();
    this.fireExists = db.prepare<[number, number], number>(
      `SELECT 1 FROM runs WHERE task_id = ? AND scheduled_for = ?`).pluck();
    this.moveNext = db.prepare<[number | null, number | null, number]>(
      `UPDATE tasks SET next_run_at = ?, last_fired_at = COALESCE(?, last_fired_at) WHERE id = ?`);
  }

  /** Enqueues every due fire, then sleeps until the next one. */
  tick(): void {
    if (this.d.loop.mode !== 'running') return;
    const now = this.d.clock.now();
    for (;;) {
      const due = this.d.taskStore.due(now, CHUNK);
      if (!due.length) break;
      const inserted: NewRun[] = [];
      const events: EventInput[] = [];
      this.d.store.transaction(() => {
        for (const row of due) this.fireTask(row, now, inserted, events);
      });
      this.d.enqueuer.afterInsert(inserted, events);
      if (due.length < CHUNK) break;
    }
    this.arm();
  }

  /** Re-arms the one timer for the soonest fire (call after any schedule change). */
  arm(): void {
    if (this.d.loop.mode !== 'running') return;
    const at = this.nextDue.get() ?? null;
    if (at === this.timerAt) return;
    if (this.timer !== undefined) this.d.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = at;
    if (at !== null) {
      this.timer = this.d.clock.setTimeout(() => {
        this.timer = undefined;
        this.timerAt = null;
        this.tick();
      }, at - this.d.clock.now());
    }
  }

  stop(): void {
    if (this.timer !== undefined) this.d.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = null;
  }

  private fireTask(row: TaskRow, now: number, inserted: NewRun[], events: EventInput[]): void {
    let plan;
    try {
      plan = planFires(row, now);
    } catch (error) {
      // A schedule that no longer compiles (edited database?) is switched off, not retried forever.
      this.d.logger.error(`task ${row.id}: schedule switched off`, error, { taskId: row.id, lane: row.lane });
      this.d.taskStore.setSchedule(row.id, { scheduleEnabled: false, nextRunAt: null }, now);
      return;
    }
    // A run the person holds is put aside: it does not count as the previous run still going.
    const before = this.activeOfTask.get(row.id) ?? { running: 0, waiting: 0 };
    let fired = 0;
    let caughtUp = 0;
    for (const fire of plan.fires) {
      if (this.fireExists.get(row.id, fire.scheduledFor)) continue;
      // Overlap looks at runs that existed before this tick: a catch-up of several fires
      // is what the person asked for, so its runs do not block each other.
      if (row.overlap === 'skip' && before.running + before.waiting > 0) continue;
      if (row.overlap === 'queue' && before.waiting > 0) continue;
      const newRun = this.buildRun(row, fire);
      if (!newRun) continue;
      // 'queue': the new run waits until the running one has ended.
      if (row.overlap === 'queue' && before.running > 0) newRun.waitFor = this.runningOfTask.get(row.id) ?? null;
      const result = this.d.enqueuer.insertRows([newRun]);
      inserted.push(newRun);
      events.push(...result.events);
      fired++;
      if (fire.trigger === 'catch-up') caughtUp++;
    }
    this.moveNext.run(plan.nextRunAt, plan.lastFiredAt, row.id);
    const missed = missedFires(row, now, MISSED_COUNT_LIMIT).times.length;
    events.push({ type: 'schedule.fired', taskId: row.id, lane: row.lane, fired, caughtUp, missed });
  }

  private buildRun(row: TaskRow, fire: PlannedFire): NewRun | null {
    try {
      return this.d.enqueuer.buildRow({
        kind: row.kind, input: JSON.parse(row.input), lane: row.lane, priority: row.priority, maxAttempts: row.maxAttempts,
        backoff: JSON.parse(row.backoff), timeoutMs: row.timeoutMs, name: row.name, tags: JSON.parse(row.tags),
      }, { taskId: row.id, trigger: fire.trigger, scheduledFor: fire.scheduledFor });
    } catch (error) {
      // The kind was unregistered or the lane deleted since the task was saved.
      this.d.logger.warn(`task '${row.name}': the fire at ${new Date(fire.scheduledFor).toISOString()} was not enqueued`, error, { taskId: row.id, lane: row.lane });
      return null;
    }
  }
}
