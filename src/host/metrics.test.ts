// /metrics of a real local host over a real engine (SQLite in a temp folder, a fake clock),
// and the Grafana dashboard and Prometheus alert rules in resources/ checked against it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { load as parseYaml } from 'js-yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, settle, type Harness } from '../core/testing/harness';
import { createFakeClock } from '../core/util/fake-clock';
import { openLocalHost, type LocalHost } from './local-host';
import { createMetrics, waitTracker } from './metrics';

const DAY = 86_400_000;
const resource = (name: string) => readFileSync(fileURLToPath(new URL(`../../resources/${name}`, import.meta.url)), 'utf8');

let h: Harness;
let host: LocalHost | null = null;
afterEach(async () => {
  await host?.close();
  host = null;
  await h.cleanup();
});

/** The host as serve opens it: metrics made before the engine starts. */
async function open(): Promise<LocalHost> {
  const metrics = createMetrics(h.engine);
  h.engine.start();
  host = await openLocalHost({ dataDir: h.dir, engine: h.engine, port: 0, metrics });
  return host;
}

interface Sample { name: string; labels: Record<string, string>; value: number }
async function scrape(): Promise<Sample[]> {
  const res = await fetch(`${host!.url}metrics`, { headers: { authorization: `Bearer ${host!.token}` } });
  expect(res.status).toBe(200);
  const samples: Sample[] = [];
  for (const line of (await res.text()).split('\n')) {
    const m = /^([a-z_:][a-z0-9_:]*)(?:\{(.*)\})? (\S+)$/i.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return samples;
}
/** The value of the one sample with this name and (at least) these labels. */
function value(samples: Sample[], name: string, labels: Record<string, string>): number | undefined {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  expect(found.length, `${name} ${JSON.stringify(labels)}`).toBeLessThanOrEqual(1);
  return found[0]?.value;
}

describe('the enqueue → start wait', () => {
  it('counts from when a run could start: its turn in a busy lane, a delayed run from its runAt', async () => {
    h = createHarness();
    await open();
    const first = h.engine.enqueue({ kind: 'test.gate', input: {}, lane: 'serial' }).id;
    h.engine.enqueue({ kind: 'test.gate', input: {}, lane: 'serial' });
    // Due in a minute: its wait starts then, not when it was enqueued.
    h.engine.enqueue({ kind: 'test.gate', input: {}, delayMs: 60_000 });
    await settle();
    expect(h.gate.running).toEqual([first]);
    await h.clock.advance(30_000);
    h.gate.release(first);
    await settle();
    await h.clock.advance(30_000);
    expect(h.gate.running).toHaveLength(2);

    const m = await scrape();
    expect(value(m, 'tasklane_run_wait_seconds_count', { lane: 'serial' })).toBe(2);
    expect(value(m, 'tasklane_run_wait_seconds_sum', { lane: 'serial' })).toBe(30);
    expect(value(m, 'tasklane_run_wait_seconds_bucket', { lane: 'serial', le: '15' })).toBe(1);
    expect(value(m, 'tasklane_run_wait_seconds_bucket', { lane: 'serial', le: '60' })).toBe(2);
    expect(value(m, 'tasklane_run_wait_seconds_count', { lane: 'default' })).toBe(1);
    expect(value(m, 'tasklane_run_wait_seconds_bucket', { lane: 'default', le: '0.005' })).toBe(1);
    h.gate.releaseAll();
  });

  it('a delayed run whose time came while Tasklane was closed has waited since its runAt', async () => {
    h = createHarness();
    h.engine.enqueue({ kind: 'test.gate', input: {}, delayMs: 60_000 });
    await h.engine.stop();
    await h.clock.advance(60_000 + 600_000);
    h.reopen();
    await open();
    await settle();
    expect(h.gate.running).toHaveLength(1);
    const m = await scrape();
    expect(value(m, 'tasklane_run_wait_seconds_count', { lane: 'default' })).toBe(1);
    expect(value(m, 'tasklane_run_wait_seconds_sum', { lane: 'default' })).toBe(600);
    h.gate.releaseAll();
  });

  it('forgets runs that leave the queue without starting, and keeps at most its bound', () => {
    const seen: number[] = [];
    const w = waitTracker((_lane, s) => seen.push(s), 2);
    const queued = (runId: number, at: number, from: 'scheduled' | null = null, runAt = at) =>
      w.queued({ type: 'run.queued', seq: 0, at, runId, lane: 'default', from, status: 'queued', kind: 'noop', name: null, priority: 5, runAt });
    const started = (runId: number, at: number) =>
      w.started({ type: 'run.started', seq: 0, at, runId, lane: 'default', from: 'queued', status: 'running', attempt: 1, kind: 'noop', name: null });
    queued(1, 1000);
    queued(2, 1000, 'scheduled', 500);
    queued(3, 1000);
    expect(w.size).toBe(2);
    w.gone(1);
    expect(w.size).toBe(1);
    started(1, 5000);
    started(3, 5000);
    started(2, 5000);
    expect(seen).toEqual([4.5]);
    expect(w.size).toBe(0);
  });
});

describe('scheduler metrics', () => {
  it('count fires on time, and after a restart the fires missed while closed and the runs that catch them up', async () => {
    h = createHarness({ clock: createFakeClock(Date.parse('2026-05-01T10:00:00Z')) });
    const task = h.engine.createTask({ name: 'hourly', kind: 'noop' });
    h.engine.setSchedule({ taskId: task.id, cron: '0 * * * *', timeZone: 'UTC', catchUp: 'all', catchUpMax: 10 });
    await open();
    await h.clock.advance(3_600_000);
    let m = await scrape();
    expect(value(m, 'tasklane_schedule_fires_total', { lane: 'default' })).toBe(1);
    expect(value(m, 'tasklane_schedule_missed_fires_total', { lane: 'default' })).toBe(0);
    expect(value(m, 'tasklane_schedule_caught_up_fires_total', { lane: 'default' })).toBe(0);

    // Closed for three days: the next start catches up the latest 10 of the 72 fires missed.
    await host!.close();
    host = null;
    await h.engine.stop();
    await h.clock.advance(3 * DAY + 30 * 60_000);
    h.reopen();
    await open();
    await settle();
    m = await scrape();
    expect(value(m, 'tasklane_schedule_missed_fires_total', { lane: 'default' })).toBe(72);
    expect(value(m, 'tasklane_schedule_caught_up_fires_total', { lane: 'default' })).toBe(10);
    expect(value(m, 'tasklane_schedule_fires_total', { lane: 'default' })).toBe(10);
  });
});

describe('resources/ for Grafana and Prometheus', () => {
  /** Every series the dashboard and the rules read, made to exist: runs that waited,
   *  succeeded, failed and went dead, one still queued, and a schedule's fire. */
  async function busyHost(): Promise<Sample[]> {
    h = createHarness({ clock: createFakeClock(Date.parse('2026-05-01T10:00:00Z')) });
    const task = h.engine.createTask({ name: 'hourly', kind: 'noop' });
    h.engine.setSchedule({ taskId: task.id, cron: '0 * * * *', timeZone: 'UTC' });
    await open();
    const ok = h.engine.enqueue({ kind: 'test.gate', input: {} }).id;
    h.engine.enqueue({ kind: 'test.fail', input: {}, maxAttempts: 1 });
    h.engine.pauseLane({ name: 'serial' });
    h.engine.enqueue({ kind: 'noop', input: {}, lane: 'serial' });
    await settle();
    h.gate.release(ok);
    await h.clock.advance(3_600_000);
    return scrape();
  }
  const names = (text: string) => new Set([...text.matchAll(/\btasklane_[a-z0-9_]+/g)].map((m) => m[0]));

  it('the dashboard shows throughput, failures, queue depth per lane, wait p95 and fires, from metrics /metrics serves', async () => {
    const samples = await busyHost();
    const dashboard = JSON.parse(resource('grafana-dashboard.json')) as { panels: { title: string; targets: { expr: string }[] }[] };
    const titles = dashboard.panels.map((p) => p.title);
    for (const t of ['Throughput', 'Failures', 'Queue depth per lane', 'Wait before start (p95)', 'Schedule fires']) expect(titles).toContain(t);
    const used = names(dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)).join('\n'));
    expect(used.size).toBeGreaterThanOrEqual(9);
    const served = new Set(samples.map((s) => s.name));
    for (const name of used) expect(served, name).toContain(name);
  });

  it('the alert rules cover failure rate, queue age, wait and missed fires, from metrics /metrics serves', async () => {
    const samples = await busyHost();
    const rules = parseYaml(resource('prometheus-alerts.yml')) as { groups: { name: string; rules: { alert: string; expr: string; labels: { severity: string }; annotations: { summary: string } }[] }[] };
    const all = rules.groups.flatMap((g) => g.rules);
    expect(all.map((r) => r.alert)).toEqual(expect.arrayContaining(['TasklaneFailureRateHigh', 'TasklaneQueueOld', 'TasklaneWaitHigh', 'TasklaneMissedFires']));
    for (const r of all) {
      expect(r.labels.severity, r.alert).toMatch(/^(info|warning|critical)$/);
      expect(r.annotations.summary, r.alert).toBeTruthy();
    }
    const used = names(all.map((r) => r.expr).join('\n'));
    expect(used).toContain('tasklane_schedule_missed_fires_total');
    const served = new Set(samples.map((s) => s.name));
    for (const name of used) expect(served, name).toContain(name);
  });
});
