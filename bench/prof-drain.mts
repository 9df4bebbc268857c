// Profiles only the drain of N no-op runs (enqueue happens before the profiler starts).
// node --import tsx bench/prof-drain.mts 100000 [--prof out.cpuprofile] [--listen] [--chain]
// --listen: a listener takes every event, as the window and `tasklane serve` do.
// --counts: counts were read (and so are kept in memory as runs move).
// --logs: each run writes a log line and has a command-like input.
// --without a,b: these indexes dropped first (what each costs the drain).
// --chain: a run `after` another ran to the end first, as in any database where someone
//   once used `--after`; the drain should not pay for it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { benchEngine, queueNoops } from './engine';
const n = Number(process.argv[2] ?? 100000);
const profOut = process.argv.indexOf('--prof') > 0 ? process.argv[process.argv.indexOf('--prof') + 1] : null;
const dir = mkdtempSync(join(tmpdir(), 'pd-'));
const engine = benchEngine(dir);
// --without a,b: with these indexes dropped (what each costs the drain).
const without = process.argv.indexOf('--without');
if (without > 0) {
  const db = new Database(join(dir, 'tasklane.db'));
  for (const index of process.argv[without + 1].split(',')) db.exec(`DROP INDEX ${index}`);
  db.close();
}
engine.updateLane({ name: 'default', concurrency: 8 });
if (process.argv.includes('--chain')) {
  const parent = engine.enqueue({ kind: 'noop' }).id;
  engine.enqueue({ kind: 'noop', after: [parent] });
  await engine.start();
  await engine.idle();
  engine.pauseAll();
}
// --logs: each run writes a log line and has an input to index (search follows them).
queueNoops(engine, n, process.argv.includes('--logs'));
if (process.argv.includes('--listen')) engine.on('*', () => {});
// --counts: counts read once before the drain, so they are kept as runs move (as with the
// window or the tray open). Older checkouts ignore it (their counts are a query).
if (process.argv.includes('--counts')) engine.counts();
const session = new Session();
if (profOut) { session.connect(); await session.post('Profiler.enable'); await session.post('Profiler.start'); }
const c0 = process.cpuUsage();
const t0 = performance.now();
await engine.start();
engine.resumeAll();
await engine.idle();
const ms = performance.now() - t0;
const cpu = process.cpuUsage(c0);
if (profOut) { const { profile } = await session.post('Profiler.stop'); writeFileSync(profOut, JSON.stringify(profile)); }
console.log(JSON.stringify({ n, ms: Math.round(ms), perSec: Math.round(n / ms * 1000), cpuUsPerRun: ((cpu.user + cpu.system) / n).toFixed(2), succeeded: engine.counts().total.succeeded }));
await engine.stop();
rmSync(dir, { recursive: true });
