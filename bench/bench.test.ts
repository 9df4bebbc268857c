// Smoke only: every scenario of `npm run bench -- --quick` starts and prints its results,
// and the run ends with the targets table. The benches themselves never run in npm test
// and nothing here looks at a number's size: speed belongs in BENCHMARKS.md.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import type { Result } from './lib';

const root = fileURLToPath(new URL('..', import.meta.url));

it('every bench scenario runs in quick mode and prints its rows, then the targets table', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick'], { cwd: root, encoding: 'utf8' });
  expect(run.stderr).not.toMatch(/Error/);
  expect(run.status).toBe(0);
  const rows = run.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Result);
  const has = (system: string, metric: RegExp) => rows.some((r) => r.system.startsWith(system) && metric.test(r.metric) && r.value > 0);
  // A difference of two RSS readings can be 0 or below with quick mode's small backlog.
  const hasNumber = (system: string, metric: RegExp) => rows.some((r) => r.system.startsWith(system) && metric.test(r.metric) && Number.isFinite(r.value));
  expect(has('tasklane', /^enqueue, one per call$/)).toBe(true);
  expect(has('tasklane', /^enqueueMany/)).toBe(true);
  expect(has('tasklane', /^2,000 no-op runs/)).toBe(true);
  expect(has('tasklane', /^enqueue→start p99/)).toBe(true);
  expect(has('tasklane', /^RSS after start, 20,000 queued/)).toBe(true);
  expect(hasNumber('tasklane', /^RSS growth/)).toBe(true);
  expect(has('tasklane', /^3 lanes/)).toBe(true);
  expect(has('tasklane', /^catch up/)).toBe(true);
  expect(has('plainjobs', /^drain 2,000/)).toBe(true);
  expect(has('p-queue', /^drain 2,000/)).toBe(true);
  expect(has('raw better-sqlite3', /^one-row UPDATE transactions, taking turns/)).toBe(true);
  expect(has('raw better-sqlite3', /^drain floor/)).toBe(true);
  // BullMQ runs where redis-server is installed, and says why it was skipped where not.
  expect(rows.some((r) => r.system.startsWith('BullMQ') && (r.value > 0 || /redis-server/.test(r.note ?? '')))).toBe(true);
  expect(has('tasklane', /^search p95, best first$/)).toBe(true);
  expect(has('raw FTS5 MATCH', /^search p95, newest first$/)).toBe(true);
  expect(has('tasklane', /^search p95, dead runs only$/)).toBe(true);
  expect(has('tasklane', /^first page, worst filter p95$/)).toBe(true);
  expect(hasNumber('tasklane', /^mixed: event loop delay max$/)).toBe(true);
  expect(run.stdout).toContain('Targets (ratios between rows of this run)');
  expect(run.stdout).toContain('| search p95 ≤ 3× a raw FTS5 MATCH (best first) |');
  expect(run.stdout).toContain('| single enqueue ≥ 60% of raw one-row INSERT into runs (taking turns) |');
}, 180_000);
