// Enqueue over the local host, as the CLI, the window and scripts do: a real `tasklane serve`
// process on a temp folder, a client in this process sending POST /api/enqueue one at a time
// (keep-alive), 16 at a time, and POST /api/enqueueMany with 1,000 runs per call. Every
// answer is sent only once the run is on disk (durable acceptance, RELIABILITY.md).
// BullMQ's awaited `queue.add` on a local redis-server (AOF everysec) takes turns with it.
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { median, perSecond, record, withTempDir } from '../lib';
import { quick } from '../engine';
import { redisMissing, runBullmqAdds } from '../bullmq';

const BIN = fileURLToPath(new URL('../../bin/tasklane.js', import.meta.url));
const N = quick ? 1_000 : 10_000;
const ROUNDS = quick ? 1 : 3;
const PARALLEL = 16;

interface Serve { proc: ChildProcess; port: number; token: string }

function startServe(dir: string): Promise<Serve> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [BIN, '--data-dir', dir, 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      const m = /^Open http:\/\/127\.0\.0\.1:(\d+)\/#token=([0-9a-f]+)$/.exec(line);
      if (m) resolve({ proc, port: Number(m[1]), token: m[2] });
    });
    proc.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
}

async function stopServe(s: Serve): Promise<void> {
  const exited = new Promise((r) => s.proc.once('exit', r));
  s.proc.kill('SIGTERM');
  await exited;
}

/** node:http with a keep-alive agent: fetch's own cost per call (~0.4 ms here) hid the host's. */
function caller(s: Serve) {
  const agent = new Agent({ keepAlive: true, maxSockets: PARALLEL });
  return (command: string, body: unknown) => new Promise<void>((resolve, reject) => {
    const text = JSON.stringify(body);
    const req = request({ host: '127.0.0.1', port: s.port, path: `/api/${command}`, method: 'POST', agent, headers: {
      authorization: `Bearer ${s.token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${command}: HTTP ${res.statusCode} ${Buffer.concat(chunks)}`))));
    });
    req.on('error', reject);
    req.end(text);
  });
}

// Parked on a paused lane, so the bench measures acceptance, not the drain beside it.
const RUN = { kind: 'shell', lane: 'parked', input: { command: 'true' } };

async function round(dir: string): Promise<{ one: number; parallel: number; bulk: number }> {
  const s = await startServe(dir);
  try {
    const call = caller(s);
    await call('createLane', { name: 'parked' });
    await call('pauseLane', { name: 'parked' });
    let t0 = performance.now();
    for (let i = 0; i < N; i++) await call('enqueue', RUN);
    const one = perSecond(N, performance.now() - t0);
    t0 = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: PARALLEL }, async () => { while (next++ < N) await call('enqueue', RUN); }));
    const parallel = perSecond(N, performance.now() - t0);
    const runs = Array.from({ length: 1000 }, () => RUN);
    t0 = performance.now();
    for (let i = 0; i < N * 10; i += 1000) await call('enqueueMany', { runs });
    const bulk = perSecond(N * 10, performance.now() - t0);
    return { one, parallel, bulk };
  } finally {
    await stopServe(s);
  }
}

await withTempDir(async (dir) => {
  const rows: { one: number; parallel: number; bulk: number }[] = [];
  const bull: number[] = [];
  const missing = redisMissing();
  for (let r = 0; r < ROUNDS; r++) {
    rows.push(await round(`${dir}/serve-${r}`));
    if (!missing) bull.push((await runBullmqAdds(`${dir}/bull-${r}`, N)).enqueue);
  }
  const pick = (k: 'one' | 'parallel' | 'bulk') => rows.map((x) => x[k]);
  const one = median(pick('one'));
  record({ scenario: 'http', system: 'tasklane serve', metric: 'HTTP enqueue, one at a time (durable)', value: one, unit: 'runs/s',
    note: `median of ${pick('one').join(', ')}; each answer after fsync` });
  record({ scenario: 'http', system: 'tasklane serve', metric: `HTTP enqueue, ${PARALLEL} in flight (durable)`, value: median(pick('parallel')), unit: 'runs/s',
    note: `median of ${pick('parallel').join(', ')}; one fsync per event-loop turn` });
  record({ scenario: 'http', system: 'tasklane serve', metric: 'HTTP enqueueMany, 1,000 per call (durable)', value: median(pick('bulk')), unit: 'runs/s',
    note: `median of ${pick('bulk').join(', ')}` });
  if (missing) {
    record({ scenario: 'http', system: 'BullMQ + redis-server', metric: 'skipped', value: 0, unit: '-', note: missing });
  } else {
    record({ scenario: 'http', system: 'BullMQ + redis-server (AOF everysec)', metric: 'queue.add, one at a time, taking turns with HTTP enqueue',
      value: median(bull), unit: 'runs/s', note: `median of ${bull.join(', ')}; AOF everysec may lose the last second on power loss` });
  }
});
