// node --import tsx bench/prof-enqueue.mts 50000: single enqueues (one transaction each) into
// a fresh engine; prints one JSON line (runs/s and CPU µs per run). For A/B runs between
// checkouts: AB_SCRIPT=bench/prof-enqueue.mts bench/ab.sh 5 50000 /tmp/before .
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchEngine, LOGGED_INPUT } from './engine';

const n = Number(process.argv[2] ?? 50_000);
const dir = mkdtempSync(join(tmpdir(), 'tasklane-prof-enqueue-'));
const engine = benchEngine(dir);
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
