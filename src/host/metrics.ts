// Prometheus metrics (`tasklane serve --metrics`): runs by lane × status, attempts,
// failures, run durations, queue depth and the age of the oldest waiting run.
import client from 'prom-client';
import type { Engine } from '../core/index';

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
  engine.on('run.started', (e) => attempts.inc({ lane: e.lane }));
  engine.on('run.failed', (e) => failures.inc({ lane: e.lane, code: e.error.code }));
  engine.on('run.succeeded', (e) => durations.observe({ lane: e.lane }, e.durationMs / 1000));

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
  };
}
