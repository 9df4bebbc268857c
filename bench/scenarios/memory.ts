// Memory with a big backlog. Two fresh processes open the engine and start it, one on an
// empty database and one on a database with 1M queued runs (what a restart with a backlog
// costs); their RSS is compared, with the time from start() to the first claim.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { record, withTempDir } from '../lib';
import { benchEngine, queueNoops, quick } from '../engine';

const N = quick ? 20_000 : 1_000_000;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const rssMb = () => { gc(); return Math.round(process.memoryUsage().rss / 2 ** 20); };

async function measure(dir: string): Promise<void> {
  const engine = benchEngine(dir);
  const t0 = performance.now();
  const first = new Promise<number>((resolve) => engine.on('run.started', () => resolve(performance.now() - t0)));
  engine.enqueue({ kind: 'noop', priority: 0 });
  engine.start();
  const ready = await first;
  engine.pauseAll();
  await engine.idle();
  process.stdout.write(`${JSON.stringify({ rss: rssMb(), ready })}\n`);
  await engine.stop({ timeoutMs: 0 });
}

function measureIn(dir: string): { rss: number; ready: number } {
  const out = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), 'measure', dir], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(out.stderr);
  return JSON.parse(out.stdout.trim().split('\n').pop()!);
}

if (process.argv[2] === 'measure') {
  await measure(process.argv[3]);
} else {
  await withTempDir(async (root) => {
    const empty = measureIn(`${root}/empty`);
    const engine = benchEngine(`${root}/full`);
    engine.pauseAll();
    queueNoops(engine, N);
    engine.resumeAll();
    await engine.stop();
    const full = measureIn(`${root}/full`);
    const label = N.toLocaleString('en-US');
    record({ scenario: 'memory', system: 'tasklane', metric: 'RSS after start, empty queue', value: empty.rss, unit: 'MB' });
    record({ scenario: 'memory', system: 'tasklane', metric: `RSS after start, ${label} queued`, value: full.rss, unit: 'MB' });
    record({ scenario: 'memory', system: 'tasklane', metric: `RSS growth with ${label} queued`, value: full.rss - empty.rss, unit: 'MB', target: '< 50' });
    record({ scenario: 'memory', system: 'tasklane', metric: `start() → first claim with ${label} queued`, value: Math.round(full.ready * 100) / 100, unit: 'ms', target: '< 1000' });
  });
}
