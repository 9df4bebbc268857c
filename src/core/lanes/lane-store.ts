// Lanes as rows (cold path: drizzle's query builder).
import { availableParallelism } from 'node:os';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/open';
import { lanes } from '../db/schema';
import type { LaneConfig } from './lane';

export const DEFAULT_LANE = 'default';
export const SERIAL_LANE = 'serial';

export function createLaneStore(db: Db) {
  const toConfig = (row: typeof lanes.$inferSelect): LaneConfig => ({
    name: row.name,
    concurrency: row.concurrency,
    rateLimit: row.rateMax !== null && row.rateIntervalMs !== null ? { max: row.rateMax, intervalMs: row.rateIntervalMs } : null,
    paused: row.paused,
    createdAt: row.createdAt,
    pauseOnFailure: row.pauseOnFailure,
    pausedReason: row.pausedReason,
  });

  return {
    all: (): LaneConfig[] => db.select().from(lanes).orderBy(lanes.createdAt, lanes.name).all().map(toConfig),

    /** The two lanes every install starts with, written on the very first open. */
    seedIfEmpty(now: number): void {
      if (db.select({ name: lanes.name }).from(lanes).limit(1).all().length) return;
      db.insert(lanes).values([
        { name: DEFAULT_LANE, concurrency: Math.max(availableParallelism(), 1), paused: false, createdAt: now },
        { name: SERIAL_LANE, concurrency: 1, paused: false, createdAt: now + 1 },
      ]).run();
    },

    insert(config: LaneConfig): void {
      db.insert(lanes).values({
        name: config.name, concurrency: config.concurrency, paused: config.paused, createdAt: config.createdAt,
        pauseOnFailure: config.pauseOnFailure, pausedReason: config.pausedReason,
        rateMax: config.rateLimit?.max ?? null, rateIntervalMs: config.rateLimit?.intervalMs ?? null,
      }).run();
    },

    update(config: LaneConfig): void {
      db.update(lanes).set({
        concurrency: config.concurrency, paused: config.paused, pauseOnFailure: config.pauseOnFailure, pausedReason: config.pausedReason,
        rateMax: config.rateLimit?.max ?? null, rateIntervalMs: config.rateLimit?.intervalMs ?? null,
      }).where(eq(lanes.name, config.name)).run();
    },

    delete(name: string): void {
      db.delete(lanes).where(eq(lanes.name, name)).run();
    },
  };
}

export type LaneStore = ReturnType<typeof createLaneStore>;
