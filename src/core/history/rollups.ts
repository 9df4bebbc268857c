// History that outlives the runs: rollups per (hour, task, lane, kind) of the runs that
// ended, with a duration histogram, written in the same transaction as the ends they count
// (the run store calls `record` before each commit with the ids of the runs that ended in
// it). `stats` and `history` read only the rollups: a month is ~720 rows per task, not a
// scan of the runs, and prune (which deletes runs) leaves them.
//
// Granularity is the hour (UTC): a range is widened to whole hours, and the answer says the
// range it counted. Percentiles come from the histogram: the upper bound of the bucket that
// holds them (a 1-1.5-2-3-5-7 series from 1 ms to a day).
import type Database from 'better-sqlite3';
import { statementCache } from '../db/statements';
import type { z } from 'zod';
import type { History, HistoryPoint, OutcomeCounts, Percentiles, Stats, StatsRow } from '../api/types';
import type { historyInput, statsInput } from '../api/schemas';
import { sqlSet, TERMINAL_STATUSES } from '../runs/lifecycle';
import type { RunStatus } from '../api/statuses';
import { TasklaneError } from '../errors';
import { runConditions } from '../runs/queries';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** Upper bounds (ms, inclusive) of the duration buckets; the last bucket holds the rest. */
export const DURATION_BUCKETS_MS: readonly number[] = (() => {
  const out = [0];
  for (let decade = 1; decade <= 10_000_000; decade *= 10) for (const m of [1, 1.5, 2, 3, 5, 7]) out.push(decade * m);
  return out.filter((b) => b <= DAY && Number.isInteger(b));
})();

/** The bucket of a duration `ms` (a SQL expression): the first bound it does not exceed. */
const bucketOf = (ms: string) => `CASE ${DURATION_BUCKETS_MS.map((b, i) => `WHEN ${ms} <= ${b} THEN ${i}`).join(' ')} ELSE ${DURATION_BUCKETS_MS.length} END`;

/** The same bucket, in JS (the live path counts in memory): the first bound `ms` does not
 *  exceed, or the last bucket. */
export function bucketIndex(ms: number): number {
  let lo = 0;
  let hi = DURATION_BUCKETS_MS.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ms <= DURATION_BUCKETS_MS[mid]) hi = mid; else lo = mid + 1;
  }
  return lo;
}

interface Group {
  hour: number; taskId: number; lane: string; kind: string;
  runs: number; succeeded: number; failed: number; dead: number; cancelled: number; ran: number; msSum: number;
  buckets: Map<number, number>;
}

const hourOf = (t: string) => `(${t} - ${t} % ${HOUR})`;
const ENDED = sqlSet(TERMINAL_STATUSES);
const DURATION = `(r.finished_at - r.started_at)`;
const RAN = `(r.started_at IS NOT NULL AND r.started_at <= r.finished_at)`;

/**
 * Adds the runs selected by `from` (a FROM … WHERE over runs r) to the rollups. The live
 * path selects the ids that ended in this transaction; the migration that created the
 * tables ran the same statements over every run that had ended (drizzle/0010).
 */
export function rollupSql(from: string): string[] {
  return [
    `INSERT INTO run_rollups (hour, task_id, lane, kind, runs, succeeded, failed, dead, cancelled, ran, ms_sum)
      SELECT ${hourOf('r.finished_at')}, COALESCE(r.task_id, 0), r.lane, r.kind, COUNT(*),
        SUM(r.status = 'succeeded'), SUM(r.status = 'failed'), SUM(r.status = 'dead'), SUM(r.status = 'cancelled'),
        SUM(${RAN}), COALESCE(SUM(CASE WHEN ${RAN} THEN ${DURATION} END), 0)
      ${from} AND r.status IN ${ENDED} AND r.finished_at IS NOT NULL
      GROUP BY 1, 2, 3, 4
      ON CONFLICT (hour, task_id, lane, kind) DO UPDATE SET runs = runs + excluded.runs,
        succeeded = succeeded + excluded.succeeded, failed = failed + excluded.failed, dead = dead + excluded.dead,
        cancelled = cancelled + excluded.cancelled, ran = ran + excluded.ran, ms_sum = ms_sum + excluded.ms_sum`,
    `INSERT INTO run_rollup_durations (hour, task_id, lane, kind, bucket, n)
      SELECT ${hourOf('r.finished_at')}, COALESCE(r.task_id, 0), r.lane, r.kind, ${bucketOf(DURATION)}, COUNT(*)
      ${from} AND r.status IN ${ENDED} AND r.finished_at IS NOT NULL AND ${RAN}
      GROUP BY 1, 2, 3, 4, 5
      ON CONFLICT (hour, task_id, lane, kind, bucket) DO UPDATE SET n = n + excluded.n`,
  ];
}

/** The bucket's bound at which `p` of `total` runs are reached (histogram: bucket → n). */
function percentile(hist: Map<number, number>, total: number, p: number): number | null {
  if (!total) return null;
  const want = Math.ceil(p * total);
  let seen = 0;
  for (const bucket of [...hist.keys()].sort((a, b) => a - b)) {
    seen += hist.get(bucket)!;
    if (seen >= want) return DURATION_BUCKETS_MS[bucket] ?? DAY;
  }
  return null;
}

type StatsQuery = z.output<typeof statsInput>;
type HistoryQuery = z.output<typeof historyInput>;

/** At most this many points in one history answer (a year of days; 100 days of hours). */
const MAX_POINTS = 2_400;

export function createRollups(db: Database.Database) {
  // Positional parameters: these run at every commit that ended runs. The daily tables take
  // an hour counted after its day was compacted (a clock set back).
  const upsertCounts = (table: string, at: string) => db.prepare<unknown[]>(`INSERT INTO ${table} (${at}, task_id, lane, kind, runs, succeeded, failed, dead, cancelled, ran, ms_sum)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (${at}, task_id, lane, kind) DO UPDATE SET runs = runs + excluded.runs,
      succeeded = succeeded + excluded.succeeded, failed = failed + excluded.failed, dead = dead + excluded.dead,
      cancelled = cancelled + excluded.cancelled, ran = ran + excluded.ran, ms_sum = ms_sum + excluded.ms_sum`);
  const upsertDurations = (table: string, at: string) => db.prepare<unknown[]>(`INSERT INTO ${table} (${at}, task_id, lane, kind, bucket, n)
    VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (${at}, task_id, lane, kind, bucket) DO UPDATE SET n = n + excluded.n`);
  const hourly = { counts: upsertCounts('run_rollups', 'hour'), durations: upsertDurations('run_rollup_durations', 'hour') };
  const daily = { counts: upsertCounts('run_rollups_daily', 'day'), durations: upsertDurations('run_rollup_durations_daily', 'day') };
  const daysDone = db.prepare<[], number>(`SELECT days_done FROM rollup_state WHERE id = 1`).pluck();
  const setDaysDone = db.prepare<[number]>(`UPDATE rollup_state SET days_done = ? WHERE id = 1`);
  const firstHour = db.prepare<[number], number | null>(`SELECT MIN(hour) FROM run_rollups WHERE hour >= ?`).pluck();
  const dayCounts = db.prepare<[number, number, number]>(`INSERT INTO run_rollups_daily (day, task_id, lane, kind, runs, succeeded, failed, dead, cancelled, ran, ms_sum)
    SELECT ?, task_id, lane, kind, SUM(runs), SUM(succeeded), SUM(failed), SUM(dead), SUM(cancelled), SUM(ran), SUM(ms_sum)
    FROM run_rollups WHERE hour >= ? AND hour < ? GROUP BY task_id, lane, kind`);
  const dayDurations = db.prepare<[number, number, number]>(`INSERT INTO run_rollup_durations_daily (day, task_id, lane, kind, bucket, n)
    SELECT ?, task_id, lane, kind, bucket, SUM(n) FROM run_rollup_durations WHERE hour >= ? AND hour < ?
    GROUP BY task_id, lane, kind, bucket`);
  const compactDay = db.transaction((day: number) => {
    dayCounts.run(day, day, day + DAY);
    dayDurations.run(day, day, day + DAY);
    setDaysDone.run(day + DAY);
  });
  /** Days compacted into the daily rollups: every day before this one (read once). */
  let compactedTo: number | null = null;
  const compacted = () => (compactedTo ??= daysDone.get()!);

  /**
   * Sums the days that have ended (by `now`) into the daily rollups, a day per transaction,
   * for at most `ms`; returns the first day not compacted. A day is compacted once, after it
   * ended; an hour of it counted later (a clock set back) is added to both (record).
   */
  function compact(now: number, ms = 20): number {
    let done = compacted();
    const today = now - (now % DAY);
    const until = performance.now() + ms;
    while (done < today && performance.now() < until) {
      const first: number | null = firstHour.get(done) ?? null;
      if (first === null || first >= today) {
        // Nothing counted between here and today: skip the empty days in one move.
        setDaysDone.run(today);
        done = today;
        break;
      }
      const day: number = first - (first % DAY);
      compactDay(day);
      done = day + DAY;
    }
    compactedTo = done;
    return done;
  }

  /** The groups of the runs that ended in the transaction under way (add, commit). */
  const pending = new Map<string, Group>();
  /** The group added to last: consecutive ends mostly share it (no key to build). */
  let last: Group | null = null;
  function discard(): void {
    pending.clear();
    last = null;
  }

  const prepared = statementCache(db);
  const taskNames = db.prepare<[], { id: number; name: string }>(`SELECT id, name FROM tasks`);

  /** The range, widened to whole hours; default: the last 24 hours (up to now included). */
  const range = (q: { from?: number; to?: number }, now: number) => {
    const toRaw = q.to ?? now + 1;
    const to = Math.ceil(toRaw / HOUR) * HOUR;
    // Without a start: the 24 whole hours that end with the one under way.
    const from = q.from !== undefined ? Math.floor(q.from / HOUR) * HOUR : to - DAY;
    return { from, to };
  };

  /**
   * The rollups of [from, to) that match `where`, summed per group (`key`: an SQL expression
   * over hour, task_id, lane, kind), with the percentiles of their durations. Whole days
   * already compacted are read from the daily rollups, the hours around them from the
   * hourly ones (`hourly`: read only hours, for keys finer than a day).
   */
  function grouped(key: string, from: number, to: number, where: string[], params: unknown[], now: number, hourly = false)
    : Map<string | number, OutcomeCounts & Percentiles> {
    const done = compact(now);
    const dayFrom = Math.ceil(from / DAY) * DAY;
    const dayTo = Math.min(Math.floor(to / DAY) * DAY, done);
    const days = !hourly && dayFrom < dayTo;
    const source = (columns: string, hourTable: string, dayTable: string) => days
      ? `(SELECT hour, ${columns} FROM ${hourTable} WHERE (hour >= ? AND hour < ?) OR (hour >= ? AND hour < ?)
          UNION ALL SELECT day AS hour, ${columns} FROM ${dayTable} WHERE day >= ? AND day < ?)`
      : `(SELECT hour, ${columns} FROM ${hourTable} WHERE hour >= ? AND hour < ?)`;
    const range = days ? [from, dayFrom, dayTo, to, dayFrom, dayTo] : [from, to];
    const cond = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const sums = prepared(`SELECT ${key} AS key, SUM(runs) AS runs, SUM(succeeded) AS succeeded, SUM(failed) AS failed,
        SUM(dead) AS dead, SUM(cancelled) AS cancelled
      FROM ${source('task_id, lane, kind, runs, succeeded, failed, dead, cancelled', 'run_rollups', 'run_rollups_daily')} ${cond} GROUP BY 1`)
      .all(...range, ...params) as (OutcomeCounts & { key: string | number })[];
    const hists = prepared(`SELECT ${key} AS key, bucket, SUM(n) AS n
      FROM ${source('task_id, lane, kind, bucket, n', 'run_rollup_durations', 'run_rollup_durations_daily')} ${cond} GROUP BY 1, 2`)
      .all(...range, ...params) as { key: string | number; bucket: number; n: number }[];
    const byKey = new Map<string | number, Map<number, number>>();
    for (const h of hists) {
      let m = byKey.get(h.key);
      if (!m) byKey.set(h.key, (m = new Map()));
      m.set(h.bucket, h.n);
    }
    return new Map(sums.map(({ key: k, ...counts }) => {
      const hist = byKey.get(k) ?? new Map<number, number>();
      const ran = [...hist.values()].reduce((a, b) => a + b, 0);
      return [k, { ...counts, p50Ms: percentile(hist, ran, 0.5), p95Ms: percentile(hist, ran, 0.95) }];
    }));
  }

  return {
    /** Compacts for at most `ms`; true when every day that has ended is compacted (the
     *  engine's background work: search-index.ts's Indexer). */
    catchUp: (now: number, ms: number): boolean => compact(now, ms) >= now - (now % DAY),

    /** A run has just ended in the transaction under way: it is summed into its group in
     *  memory (a flush's runs mostly share one hour, task, lane and kind), and `commit`
     *  writes the groups, a row or two, before the transaction commits. Nothing per run is
     *  kept: the drain calls this for every run. */
    add(taskId: number | null, lane: string, kind: string, status: RunStatus, startedAt: number | null, finishedAt: number): void {
      const hour = finishedAt - (finishedAt % HOUR);
      const task = taskId ?? 0;
      let g = last;
      if (g === null || g.hour !== hour || g.taskId !== task || g.lane !== lane || g.kind !== kind) {
        const key = `${hour}\u0000${task}\u0000${lane}\u0000${kind}`;
        g = pending.get(key) ?? null;
        if (g === null) {
          g = { hour, taskId: task, lane, kind, runs: 0, succeeded: 0, failed: 0, dead: 0, cancelled: 0, ran: 0, msSum: 0, buckets: new Map() };
          pending.set(key, g);
        }
        last = g;
      }
      g.runs++;
      if (status === 'succeeded') g.succeeded++;
      else if (status === 'failed') g.failed++;
      else if (status === 'dead') g.dead++;
      else if (status === 'cancelled') g.cancelled++;
      if (startedAt !== null && startedAt <= finishedAt) {
        const ms = finishedAt - startedAt;
        g.ran++;
        g.msSum += ms;
        const b = bucketIndex(ms);
        g.buckets.set(b, (g.buckets.get(b) ?? 0) + 1);
      }
    },

    /** Writes the groups summed since the last commit (inside the transaction, before it
     *  commits). */
    commit(): void {
      if (pending.size === 0) return;
      const done = compacted();
      const write = (to: typeof hourly, at: number, g: Group) => {
        to.counts.run(at, g.taskId, g.lane, g.kind, g.runs, g.succeeded, g.failed, g.dead, g.cancelled, g.ran, g.msSum);
        for (const [b, n] of g.buckets) to.durations.run(at, g.taskId, g.lane, g.kind, b, n);
      };
      for (const g of pending.values()) {
        write(hourly, g.hour, g);
        if (g.hour < done) write(daily, g.hour - (g.hour % DAY), g);
      }
      discard();
    },

    /** The transaction rolled back: what it summed is forgotten. */
    discard,

    stats(q: StatsQuery, now: number): Stats {
      const { from, to } = range(q, now);
      const groups = grouped({ task: 'task_id', lane: 'lane', kind: 'kind' }[q.groupBy], from, to, [], [], now);
      const names = q.groupBy === 'task' ? new Map(taskNames.all().map((t) => [t.id, t.name])) : null;
      const out: StatsRow[] = [...groups].map(([key, g]) => {
        const id = names ? (key as number) : null;
        return {
          key: names ? (id === 0 ? '(no task)' : names.get(id!) ?? `(task ${id}, deleted)`) : String(key),
          taskId: names ? (id === 0 ? null : id) : null,
          ...g,
        };
      });
      out.sort((a, b) => b.runs - a.runs || a.key.localeCompare(b.key));
      return { from, to, groupBy: q.groupBy, rows: out };
    },

    history(q: HistoryQuery, now: number): History {
      const size = q.bucket === 'day' ? DAY : HOUR;
      const hours = range(q, now);
      const from = Math.floor(hours.from / size) * size;
      const to = Math.ceil(hours.to / size) * size;
      if ((to - from) / size > MAX_POINTS) {
        throw new TasklaneError('INVALID_INPUT', `that range has ${Math.round((to - from) / size)} ${q.bucket}s; at most ${MAX_POINTS} at a time (use bucket 'day' or a shorter range)`, 'from');
      }
      const { where, params } = runConditions(q);
      const groups = grouped(`(hour - hour % ${size})`, from, to, where, params, now, q.bucket === 'hour');
      const points: HistoryPoint[] = [];
      for (let t = from; t < to; t += size) {
        points.push({ at: t, ...(groups.get(t) ?? { runs: 0, succeeded: 0, failed: 0, dead: 0, cancelled: 0, p50Ms: null, p95Ms: null }) });
      }
      return { from, to, bucket: q.bucket, points };
    },
  };
}

export type Rollups = ReturnType<typeof createRollups>;
