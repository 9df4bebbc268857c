// The benchmark issue's targets, as ratios between rows of one run: printed after the
// table by `npm run bench` (a target whose rows were not run is left out).
import type { Result } from './lib';

export interface TargetRow { target: string; tasklane: number; baseline: number | null; ratio: string; met: boolean }

const find = (rs: Result[], system: string, metric: RegExp, scenario?: string) =>
  rs.find((r) => r.system.startsWith(system) && metric.test(r.metric) && (!scenario || r.scenario === scenario))?.value;

export function targets(rs: Result[]): TargetRow[] {
  const rows: TargetRow[] = [];
  const ratio = (target: string, tl: number | undefined, base: number | undefined, min: number) => {
    if (tl === undefined || base === undefined || !base) return;
    const r = tl / base;
    rows.push({ target, tasklane: tl, baseline: base, ratio: min < 1 ? `${(r * 100).toFixed(0)}%` : `${r.toFixed(1)}×`, met: r >= min });
  };
  const limit = (target: string, tl: number | undefined, ok: (v: number) => boolean) => {
    if (tl !== undefined) rows.push({ target, tasklane: tl, baseline: null, ratio: '', met: ok(tl) });
  };
  for (const n of ['20,000', '100,000']) {
    const label = new RegExp(`^drain ${n} `);
    ratio(`drain ${n} ≥ 3× plainjobs (same process)`, find(rs, 'tasklane', label), find(rs, 'plainjobs', label), 3);
  }
  // The UPDATEs that took turns with the drain, else the raw scenario's own row.
  const updates = find(rs, 'raw better-sqlite3', /^one-row UPDATE transactions, taking turns with the 100,000/)
    ?? find(rs, 'raw better-sqlite3', /^one-row UPDATE/);
  ratio('drain 100,000 ≥ 45% of raw one-row UPDATE tx/s (taking turns)', find(rs, 'tasklane', /^100,000 no-op runs, concurrency 8$/), updates, 0.45);
  const inserts = find(rs, 'raw better-sqlite3', /^one-row INSERT into runs, taking turns/)
    ?? find(rs, 'raw better-sqlite3', /^one-row INSERT into runs/);
  ratio('single enqueue ≥ 60% of raw one-row INSERT into runs (taking turns)', find(rs, 'tasklane', /^enqueue, one per call$/, 'enqueue'),
    inserts, 0.6);
  limit('enqueue→start p99 ≤ 5 ms', find(rs, 'tasklane', /p99 at/), (v) => v <= 5);
  // The memory rows name how many runs were queued (1,000,000; fewer with --quick).
  const queued = rs.find((r) => r.system === 'tasklane' && /^RSS growth with/.test(r.metric))?.metric.match(/with (\S+) queued/)?.[1] ?? '1,000,000';
  limit(`RSS growth < 50 MB with ${queued} queued`, find(rs, 'tasklane', /^RSS growth/), (v) => v < 50);
  limit(`start() → first claim < 1 s with ${queued} queued`, find(rs, 'tasklane', /^start\(\) → first claim/), (v) => v < 1000);
  // The scale scenario: a long-used database (its first row says how big).
  const size = rs.find((r) => r.scenario === 'scale' && r.metric === 'database filled')?.note?.match(/^(\S+) runs/)?.[1] ?? '1,000,000';
  for (const what of ['best first', 'newest first']) {
    const search = find(rs, 'tasklane', new RegExp(`^search p95, ${what}$`), 'scale');
    const raw = find(rs, 'raw FTS5 MATCH', new RegExp(`^search p95, ${what}$`), 'scale');
    limit(`search p95 ≤ 50 ms at ${size} runs (${what})`, search, (v) => v <= 50);
    if (search !== undefined && raw) rows.push({ target: `search p95 ≤ 3× a raw FTS5 MATCH (${what})`, tasklane: search, baseline: raw, ratio: `${(search / raw).toFixed(1)}×`, met: search / raw <= 3 });
  }
  limit(`search p95 ≤ 50 ms at ${size} runs (a status filter)`, find(rs, 'tasklane', /^search p95, dead runs only$/, 'scale'), (v) => v <= 50);
  limit(`counts p95 ≤ 1 ms at ${size} runs`, find(rs, 'tasklane', /^counts p95$/, 'scale'), (v) => v <= 1);
  limit(`any filter's first page p95 ≤ 10 ms at ${size} runs`, find(rs, 'tasklane', /^first page, worst filter p95$/, 'scale'), (v) => v <= 10);
  limit(`stats over 30 days p95 ≤ 50 ms at ${size} runs`, find(rs, 'tasklane', /^stats, 30 days/, 'scale'), (v) => v <= 50);
  limit('event loop delay max ≤ 50 ms (drain + window reads)', find(rs, 'tasklane', /^mixed: event loop delay max$/, 'scale'), (v) => v <= 50);
  limit('event loop delay p99 ≤ 16 ms (drain + window reads)', find(rs, 'tasklane', /^mixed: event loop delay p99$/, 'scale'), (v) => v <= 16);
  // The window in Chromium (its first row says how many runs).
  const shown = rs.find((r) => r.scenario === 'window' && r.metric === 'first rows shown')?.note?.match(/^(\S+) runs/)?.[1] ?? '1,000,000';
  limit(`window: first rows ≤ 500 ms at ${shown} runs`, find(rs, 'tasklane', /^first rows shown$/, 'window'), (v) => v <= 500);
  limit('window: longest task while scrolling ≤ 50 ms', find(rs, 'tasklane', /^longest task while scrolling$/, 'window'), (v) => v <= 50);
  limit('window: longest task while 2,000 runs/s arrive ≤ 50 ms', find(rs, 'tasklane', /^longest task while 2,000 runs\/s arrive$/, 'window'), (v) => v <= 50);
  limit('window: header counts equal the engine\'s after them', find(rs, 'tasklane', /^header counts equal/, 'window'), (v) => v === 1);
  limit('window: search asks at most once per 150 ms while typing', find(rs, 'tasklane', /^least time between two search requests/, 'window'), (v) => v >= 150);
  return rows;
}

export function targetTable(rows: TargetRow[]): string {
  const fmt = (v: number) => (Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(2));
  return ['| target | Tasklane | baseline | ratio | met? |', '|---|---:|---:|---:|---|',
    ...rows.map((r) => `| ${r.target} | ${fmt(r.tasklane)} | ${r.baseline === null ? '' : fmt(r.baseline)} | ${r.ratio} | ${r.met ? 'yes' : 'no'} |`)].join('\n');
}
