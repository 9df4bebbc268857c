// Tasks (saved definitions) as rows: cold path, drizzle's query builder.
import { and, asc, eq, isNotNull, lte, sql } from 'drizzle-orm';
import type { Db } from '../db/open';
import { tasks } from '../db/schema';
import type { CatchUpPolicy, OverlapPolicy, Schedule, Task } from '../api/types';
import { describeCron } from '../scheduler/cron';

export type TaskRow = typeof tasks.$inferSelect;
export type TaskValues = Omit<Task, 'id' | 'createdAt' | 'updatedAt' | 'schedule' | 'secrets'>;

function toSchedule(row: TaskRow): Schedule | null {
  if (row.cron === null && row.runAt === null) return null;
  return {
    cron: row.cron, timeZone: row.timeZone, runAt: row.runAt, enabled: row.scheduleEnabled,
    overlap: row.overlap as OverlapPolicy, catchUp: row.catchUp as CatchUpPolicy, catchUpMax: row.catchUpMax,
    nextRunAt: row.nextRunAt, lastFiredAt: row.lastFiredAt,
    description: row.cron !== null ? describeCron(row.cron) : `once, at ${new Date(row.runAt!).toISOString()}`,
  };
}

export function toTask(row: TaskRow): Task {
  return {
    id: row.id, name: row.name, kind: row.kind, input: JSON.parse(row.input), lane: row.lane,
    priority: row.priority, maxAttempts: row.maxAttempts, backoff: JSON.parse(row.backoff),
    timeoutMs: row.timeoutMs, tags: JSON.parse(row.tags), createdAt: row.createdAt, updatedAt: row.updatedAt,
    schedule: toSchedule(row),
    hooks: JSON.parse(row.hooks) as Task['hooks'],
    notify: row.notify === null ? null : JSON.parse(row.notify) as Task['notify'],
    secrets: row.secrets === null ? [] : Object.keys(JSON.parse(row.secrets) as Record<string, string>).sort(),
  };
}

const toColumns = (v: Partial<TaskValues>) => ({
  ...(v.name !== undefined && { name: v.name }),
  ...(v.kind !== undefined && { kind: v.kind }),
  ...(v.input !== undefined && { input: JSON.stringify(v.input) }),
  ...(v.lane !== undefined && { lane: v.lane }),
  ...(v.priority !== undefined && { priority: v.priority }),
  ...(v.maxAttempts !== undefined && { maxAttempts: v.maxAttempts }),
  ...(v.backoff !== undefined && { backoff: JSON.stringify(v.backoff) }),
  ...(v.timeoutMs !== undefined && { timeoutMs: v.timeoutMs }),
  ...(v.tags !== undefined && { tags: JSON.stringify(v.tags) }),
  ...(v.hooks !== undefined && { hooks: JSON.stringify(v.hooks) }),
  ...(v.notify !== undefined && { notify: v.notify === null ? null : JSON.stringify(v.notify) }),
});

export function createTaskStore(db: Db) {
  // Prepared once: the scheduler reads tasks by id in its catch-up loop.
  const byId = db.select().from(tasks).where(eq(tasks.id, sql.placeholder('id'))).prepare();
  const due = db.select().from(tasks)
    .where(and(eq(tasks.scheduleEnabled, true), isNotNull(tasks.nextRunAt), lte(tasks.nextRunAt, sql.placeholder('now'))))
    .orderBy(asc(tasks.nextRunAt), asc(tasks.id)).limit(sql.placeholder('limit')).prepare();
  return {
    row: (id: number): TaskRow | undefined => byId.get({ id }),
    /** Enabled schedules whose next fire is at or before `now`, soonest first. */
    due: (now: number, limit: number): TaskRow[] => due.all({ now, limit }),
    byName: (name: string): TaskRow | undefined => db.select().from(tasks).where(eq(tasks.name, name)).get(),
    all: (): TaskRow[] => db.select().from(tasks).orderBy(tasks.name).all(),
    /** The task's sealed secrets (name → sealed value): written only by the task commands. */
    sealedSecrets: (id: number): Record<string, string> => {
      const raw = db.select({ s: tasks.secrets }).from(tasks).where(eq(tasks.id, id)).get()?.s ?? null;
      return raw === null ? {} : JSON.parse(raw) as Record<string, string>;
    },
    setSealedSecrets: (id: number, sealed: Record<string, string>): void => {
      db.update(tasks).set({ secrets: Object.keys(sealed).length ? JSON.stringify(sealed) : null }).where(eq(tasks.id, id)).run();
    },
    /** Tasks that have secrets. */
    withSecrets: (): number[] => db.select({ id: tasks.id }).from(tasks).where(isNotNull(tasks.secrets)).all().map((r) => r.id),
    usingLane: (lane: string): number => db.select({ id: tasks.id }).from(tasks).where(eq(tasks.lane, lane)).all().length,
    insert(values: TaskValues, now: number): TaskRow {
      return db.insert(tasks).values({ ...toColumns(values), createdAt: now, updatedAt: now } as typeof tasks.$inferInsert)
        .returning().get();
    },
    update(id: number, values: Partial<TaskValues>, now: number): TaskRow {
      return db.update(tasks).set({ ...toColumns(values), updatedAt: now }).where(eq(tasks.id, id)).returning().get()!;
    },
    setSchedule(id: number, values: Partial<Pick<TaskRow, 'cron' | 'timeZone' | 'runAt' | 'scheduleEnabled' | 'overlap'
      | 'catchUp' | 'catchUpMax' | 'nextRunAt' | 'lastFiredAt'>>, now: number): TaskRow {
      return db.update(tasks).set({ ...values, updatedAt: now }).where(eq(tasks.id, id)).returning().get()!;
    },
    delete(id: number): void {
      db.delete(tasks).where(eq(tasks.id, id)).run();
    },
  };
}

export type TaskStore = ReturnType<typeof createTaskStore>;
