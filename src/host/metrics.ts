// Prometheus metrics (`tasklane serve --metrics`, or "metrics": true in settings.json): runs
// by lane × status, attempts, failures, run durations, queue depth, the age of the oldest
// waiting run, the wait from enqueue to start, and the scheduler's fires. Everything here
// comes from the engine's events and reads; the engine knows nothing of Prometheus.
// resources/grafana-dashboard.json and resources/prometheus-alerts.yml use these names
// (metrics.test.ts checks them against a real /metrics).
import client from 'prom-client';
import type { Engine } from '../core/index';
import type { EventOf } from '../core/api/types';

/** Queued runs whose ready time is kept for the wait histogram (~100 bytes each). A longer
 *  backlog is not held in memory (SQLite is the truth): runs queued while this many wait
 *  start unmeasured. */
export const MAX_TRACKED_WAITING = 100_000;

export function createMetrics(engine: Engine) {
  const registry = new client.Registry();
  const runs = new client.Gauge({ name: 'tasklane_runs', help: 'Runs by lane and status', labelNames: ['lane', 'status'], registers: [registry] });
  const depth = new client.Gauge({ name: 'tasklane_queue_depth', help: 'Queued runs by lane', labelNames: ['lane'], registers: [registry] });
  const oldest = new client.Gauge({ name: 'tasklane_oldest_waiting_seconds', help: 'Age of the oldest queued run', registers: [registry] });
  const attempts = new client.Counter({ name: 'tasklane_attempts_total', help: 'Attempts started', labelNames: ['lane'], registers: [registry] });
  const failures = new client.Counter({ name: 'tasklane_failures_total', help: 'Failed attempts', labelNames: ['lane', 'code'], registers: [registry] });
  const durations = new client.Histogram({
    name: 'tasklane_run_duration_seconds', help: 'Duration of succeeded attempts', labelNames: ['lane'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1800, 3600], registers: [registry],
  });
  const waits = new client.Histogram({
    name: 'tasklane_run_wait_seconds',
    help: 'Seconds from when a run could start (its runAt, or when it was queued) to its start',
    labelNames: ['lane'], buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1800, 3600, 21600, 86400], registers: [registry],
  });
  const fires = new client.Counter({
    name: 'tasklane_schedule_fires_total', help: 'Runs enqueued by schedules, on time or for missed fires',
    labelNames: ['lane'], registers: [registry],
  });
  const caughtUp = new client.Counter({
    name: 'tasklane_schedule_caught_up_fires_total', help: 'Runs enqueued by schedules for fires they had missed (catch-up)',
    labelNames: ['lane'], registers: [registry],
  });
  const missed = new client.Counter({
    name: 'tasklane_schedule_missed_fires_total',
    help: 'Schedule fire times more than a minute late when the scheduler looked (app closed, machine asleep), run or not; at most 1,000 per schedule at a time',
    labelNames: ['lane'], registers: [registry],
  });
  const wait = waitTracker((lane, seconds) => waits.observe({ lane }, seconds));
  // Every lane's counters start at 0, so the first increase after a scrape is one
  // (Prometheus sees no increase in a series that is born above zero).
  const counters = [attempts, fires, caughtUp, missed];
  const zero = (lane: string) => { for (const c of counters) c.inc({ lane }, 0); };
  for (const lane of engine.listLanes()) zero(lane.name);

  const off = [
    engine.on('run.started', (e) => { attempts.inc({ lane: e.lane }); wait.started(e); }),
    engine.on('run.failed', (e) => failures.inc({ lane: e.lane, code: e.error.code })),
    engine.on('run.succeeded', (e) => durations.observe({ lane: e.lane }, e.durationMs / 1000)),
    engine.on('run.queued', (e) => wait.queued(e)),
    // A queued run that leaves without starting.
    engine.on('run.cancelled', (e) => wait.gone(e.runId)),
    engine.on('run.held', (e) => wait.gone(e.runId)),
    engine.on('run.dead', (e) => wait.gone(e.runId)),
    engine.on('run.discarded', (e) => wait.gone(e.runId)),
    engine.on('lane.changed', (e) => {
      if (!e.deleted) zero(e.lane);
      else for (const c of counters) c.remove({ lane: e.lane });
    }),
    engine.on('schedule.fired', (e) => {
      if (e.fired) fires.inc({ lane: e.lane }, e.fired);
      if (e.caughtUp) caughtUp.inc({ lane: e.lane }, e.caughtUp);
      if (e.missed) missed.inc({ lane: e.lane }, e.missed);
    }),
  ];

  return {
    contentType: registry.contentType,
    async render(): Promise<string> {
      const counts = engine.counts();
      runs.reset();
      depth.reset();
      for (const [lane, byStatus] of Object.entries(counts.lanes)) {
        for (const [status, n] of Object.entries(byStatus)) runs.set({ lane, status }, n ?? 0);
        depth.set({ lane }, byStatus.queued ?? 0);
      }
      const waiting = engine.listRuns({ status: ['queued'], limit: 1, oldestFirst: true }).runs[0];
      oldest.set(waiting ? Math.max(0, (Date.now() - waiting.createdAt) / 1000) : 0);
      return registry.metrics();
    },
    close(): void { for (const unsubscribe of off) unsubscribe(); },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * The wait from "could start" to "started", from the events alone: run.queued says when a
 * run became ready (a scheduled or retrying run at its runAt, which the due timer may reach a
 * little later; anything else when it was queued), run.started when it started, both on the
 * engine's clock. Runs queued before the host started are not known, and start unmeasured.
 */
export function waitTracker(observe: (lane: string, seconds: number) => void, max = MAX_TRACKED_WAITING) {
  const readyAt = new Map<number, number>();
  return {
    queued(e: EventOf<'run.queued'>): void {
      if (e.status !== 'queued') return;
      // Promoted while queued: it has been waiting since it was first queued.
      if (e.from === 'queued' && readyAt.has(e.runId)) return;
      if (readyAt.size >= max && !readyAt.has(e.runId)) return;
      readyAt.set(e.runId, e.from === 'scheduled' || e.from === 'retrying' ? Math.min(e.runAt, e.at) : e.at);
    },
    started(e: EventOf<'run.started'>): void {
      const ready = readyAt.get(e.runId);
      if (ready === undefined) return;
      readyAt.delete(e.runId);
      observe(e.lane, Math.max(0, e.at - ready) / 1000);
    },
    gone(runId: number): void { readyAt.delete(runId); },
    get size(): number { return readyAt.size; },
  };
}
