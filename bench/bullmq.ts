// BullMQ against a real redis-server that this module starts and stops itself: bound to
// 127.0.0.1 on a free port, data in the bench's temp folder, AOF with fsync every second
// (the durability a BullMQ user would configure). Absent redis-server: null, with the reason.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface BullmqRun { enqueue: number; bulk: number; drain: Map<number, number> }

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export function redisMissing(): string | null {
  const found = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (found.error || found.status !== 0) return 'redis-server is not installed (apt-get install redis-server); BullMQ not run';
  return null;
}

async function startRedis(dir: string): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const data = join(dir, 'redis');
  mkdirSync(data, { recursive: true });
  const child = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--dir', data,
    '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '', '--maxmemory-policy', 'noeviction'], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out.slice(-500)}`)));
  });
  return { port, child };
}

/** Enqueue one per call (awaited, as an app would), bulk, and drains of each size at concurrency 8. */
export async function runBullmq(dir: string, enqueueCount: number, sizes: number[]): Promise<BullmqRun> {
  const { Queue, Worker } = await import('bullmq');
  const { port, child } = await startRedis(dir);
  const connection = { host: '127.0.0.1', port, maxRetriesPerRequest: null };
  try {
    const queue = new Queue('bench-enqueue', { connection });
    let t0 = performance.now();
    for (let i = 0; i < enqueueCount; i++) await queue.add('noop', { i });
    const enqueue = Math.round((enqueueCount / (performance.now() - t0)) * 1000);
    t0 = performance.now();
    for (let i = 0; i < enqueueCount; i += 1000) {
      await queue.addBulk(Array.from({ length: Math.min(1000, enqueueCount - i) }, (_, k) => ({ name: 'noop', data: { i: i + k } })));
    }
    const bulk = Math.round((enqueueCount / (performance.now() - t0)) * 1000);
    await queue.close();

    const drain = new Map<number, number>();
    for (const n of sizes) {
      const name = `bench-drain-${n}`;
      const q = new Queue(name, { connection });
      for (let i = 0; i < n; i += 1000) {
        await q.addBulk(Array.from({ length: Math.min(1000, n - i) }, (_, k) => ({ name: 'noop', data: { i: i + k } })));
      }
      let done = 0;
      let finish!: () => void;
      const all = new Promise<void>((r) => { finish = r; });
      const start = performance.now();
      const worker = new Worker(name, async () => null, { connection, concurrency: 8, autorun: false });
      worker.on('completed', () => { if (++done === n) finish(); });
      void worker.run();
      await all;
      drain.set(n, Math.round((n / (performance.now() - start)) * 1000));
      await worker.close();
      await q.close();
    }
    return { enqueue, bulk, drain };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

/** Only awaited `queue.add`, one per call (the http scenario takes turns with it). */
export async function runBullmqAdds(dir: string, count: number): Promise<{ enqueue: number }> {
  const { Queue } = await import('bullmq');
  const { port, child } = await startRedis(dir);
  try {
    const queue = new Queue('bench-adds', { connection: { host: '127.0.0.1', port, maxRetriesPerRequest: null } });
    const t0 = performance.now();
    for (let i = 0; i < count; i++) await queue.add('noop', { i });
    const enqueue = Math.round((count / (performance.now() - t0)) * 1000);
    await queue.close();
    return { enqueue };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}
