// node --import tsx bench/prof-enqueue.mts 50000: single enqueues (one transaction each) into
// a fresh engine; prints one JSON line (runs/s and CPU µs per run). For A/B runs between
// checkouts: AB_SCRIPT=bench/prof-enqueue.mts bench/ab.sh 5 50000 /tmp/before .
// --without runs_kind_id,runs_lane_id: with those indexes dropped (what each one costs).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { benchEngine, LOGGED_INPUT } from './engine';

const n = Number(process.argv[2] ?? 50_000);
const dir = mkdtempSync(join(tmpdir(), 'tasklane-prof-enqueue-'));
const engine = benchEngine(dir);
// --without a,b: drop these indexes first (what each costs an enqueue).
const without = process.argv.indexOf('--without');
if (without > 0) {
  const db = new Database(join(dir, 'tasklane.db'));
  for (const index of process.argv[without + 1].split(',')) db.exec(`DROP INDEX ${index}`);
  db.close();
}
const cpu0 = process.cpuUsage();
const t0 = performance.now();
// --logs: runs with a command-like input (what the search index reads).
const run = process.argv.includes('--logs') ? { kind: 'logline', input: LOGGED_INPUT } : { kind: 'noop' };
for (let i = 0; i < n; i++) engine.enqueue(run);
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
await engine.stop();
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({ perSec: Math.round(n / (ms / 1000)), cpuUsPerRun: ((cpu.user + cpu.system) / n).toFixed(2) }));
