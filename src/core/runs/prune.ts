// Retention: deletes old finished runs (with their attempts and logs, by cascade) in small
// chunks, yielding to the event loop between chunks so the app stays responsive.
// Dead and failed runs are kept: they wait in Dead letter until the person discards them.
import type Database from 'better-sqlite3';
import { sqlSet } from './lifecycle';

const CHUNK = 250;
const PRUNABLE = `status IN ${sqlSet(['succeeded', 'cancelled'])}`;

export async function pruneRuns(
  db: Database.Database,
  opts: { before: number; keepLast: number },
): Promise<number> {
  // Runs with an id at or above this one are among the newest `keepLast` finished runs.
  const keepFrom = opts.keepLast > 0
    ? (db.prepare(`SELECT id FROM runs WHERE ${PRUNABLE} ORDER BY id DESC LIMIT 1 OFFSET ?`)
      .get(opts.keepLast - 1) as { id: number } | undefined)?.id ?? 0
    : Number.MAX_SAFE_INTEGER;
  const chunk = db.prepare(`DELETE FROM runs WHERE id IN (
      SELECT id FROM runs WHERE id > @after AND id < @keepFrom AND ${PRUNABLE} AND finished_at < @before
      ORDER BY id LIMIT ${CHUNK})
    RETURNING id`).pluck();
  let after = 0;
  let deleted = 0;
  for (;;) {
    const ids = chunk.all({ after, keepFrom, before: opts.before }) as number[];
    if (!ids.length) {
      // Give the freed pages back to the disk (databases made since auto_vacuum=INCREMENTAL;
      // a no-op on older ones), a few MB per step so the engine keeps its turn.
      if (deleted) await vacuumInSteps(db);
      return deleted;
    }
    deleted += ids.length;
    after = Math.max(...ids);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

async function vacuumInSteps(db: Database.Database): Promise<void> {
  const free = db.prepare('PRAGMA freelist_count').pluck();
  for (let left = free.get() as number; left > 0; left = free.get() as number) {
    db.pragma('incremental_vacuum(1000)');
    if ((free.get() as number) >= left) return; // not an incremental-vacuum database
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
