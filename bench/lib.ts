// Bench support: temp folders, timing, percentiles, and printing results as JSON lines
// plus a markdown table.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Result {
  scenario: string;
  system: string;
  metric: string;
  value: number;
  unit: string;
  target?: string;
  note?: string;
}

export const results: Result[] = [];

export function record(r: Result): void {
  results.push(r);
  process.stdout.write(`${JSON.stringify(r)}\n`);
}

export function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'tasklane-bench-'));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

export function perSecond(count: number, ms: number): number {
  return Math.round((count / ms) * 1000);
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function table(rows: Result[]): string {
  const head = '| scenario | system | metric | value | unit | target | note |\n|---|---|---|---:|---|---|---|';
  const body = rows.map((r) => `| ${r.scenario} | ${r.system} | ${r.metric} | ${fmt(r.value)} | ${r.unit} | ${r.target ?? ''} | ${r.note ?? ''} |`);
  return [head, ...body].join('\n');
}

function fmt(v: number): string {
  return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(2);
}
