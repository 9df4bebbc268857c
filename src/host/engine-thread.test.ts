// The desktop app's engine thread, started for real (a worker thread with the engine and its
// local host on a temp data folder): calls answered with the contract's outcomes, events in
// batches, notifications handed to the main thread, the `tasklane` command's host up, and a
// stop that ends it (calls after it fail, typed).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { EngineEvent } from '../core/api/types';
import { tempDir } from '../core/testing/harness';
import { startEngineThread, type EngineThread } from './engine-thread-client';
import { files } from './paths';

let temp = tempDir();
let thread: EngineThread | null = null;
afterEach(async () => { await thread?.stop(0); thread = null; temp.cleanup(); temp = tempDir(); });

it('runs the engine on its own thread: calls, events, notifications, the local host, and a stop', async () => {
  const events: EngineEvent[] = [];
  const notes: { title: string; body: string }[] = [];
  thread = await startEngineThread({ dataDir: temp.dir, port: 0, metrics: false }, {
    onEvents: (batch) => events.push(...batch),
    onNotify: (n) => notes.push(n),
  });

  // A command and its answer, as the window gets them over IPC.
  const queued = await thread.call('enqueue', { kind: 'shell', input: { command: 'echo', args: ['from the thread'] } });
  expect(queued).toMatchObject({ ok: true, value: { id: 1 } });
  await expect.poll(() => events.some((e) => e.type === 'run.succeeded' && e.runId === 1), { timeout: 10_000 }).toBe(true);
  expect(await thread.call('getLogs', { runId: 1 })).toMatchObject({ ok: true, value: { lines: [expect.objectContaining({ text: 'from the thread' })] } });
  // Bad input is a typed error, as everywhere.
  expect(await thread.call('enqueue', { kind: 'shell', input: { command: 42 } })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  expect(await thread.call('noSuchCommand', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } });

  // A notify run's notification goes to the main thread, which shows it.
  await thread.call('enqueue', { kind: 'notify', input: { title: 'Backup done', body: '1,432 files' } });
  await expect.poll(() => notes, { timeout: 10_000 }).toEqual([expect.objectContaining({ title: 'Backup done', body: '1,432 files' })]);

  // The `tasklane` command finds the host it started, with the token.
  const endpoint = JSON.parse(readFileSync(files(temp.dir).endpoint, 'utf8')) as { url: string };
  expect(endpoint.url).toBe(thread.url);
  const token = readFileSync(files(temp.dir).token, 'utf8').trim();
  const res = await fetch(`${thread.url}api/counts`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' });
  expect(await res.json()).toMatchObject({ ok: true, value: { total: { succeeded: 2 } } });

  await thread.stop();
  expect(await thread.call('counts', {})).toMatchObject({ ok: false, error: { code: 'ENGINE_STOPPED' } });
  thread = null;
}, 30_000);

it('a database it cannot open is a failed start, said once (no crash report after it)', async () => {
  writeFileSync(join(temp.dir, 'tasklane.db'), 'this is not a database, '.repeat(400));
  let crashes = 0;
  await expect(startEngineThread({ dataDir: temp.dir, port: 0, metrics: false }, { onExit: () => { crashes++; } }))
    .rejects.toMatchObject({ code: 'STORAGE_CORRUPT' });
  await new Promise((r) => setTimeout(r, 300));
  expect(crashes).toBe(0);
});

it('where the main thread cannot show notifications, a notify run says it was not shown', async () => {
  const notes: unknown[] = [];
  thread = await startEngineThread({ dataDir: temp.dir, port: 0, metrics: false, notifications: false }, { onNotify: (n) => notes.push(n) });
  const id = ((await thread.call('enqueue', { kind: 'notify', input: { title: 'hello' } })) as { value: { id: number } }).value.id;
  await expect.poll(async () => ((await thread!.call('getRun', { id })) as { value: { result: unknown } }).value.result, { timeout: 10_000 })
    .toEqual({ delivered: false });
  expect(notes).toEqual([]);
});
