// Plugins in real worker threads: one that works, one that throws, one that loops forever,
// one that fails to load, and the shipped examples.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createHarness, type Harness } from '../testing/harness';

let h: Harness;
const plugin = (file: string, code: string) => writeFileSync(join(h.dir, 'plugins', file), code);
const examples = fileURLToPath(new URL('../../../resources/plugins-examples/', import.meta.url));

beforeEach(() => {
  h = createHarness();
  mkdirSync(join(h.dir, 'plugins'));
  plugin('greet.mjs', `export const name = 'greet';
    export const input = { type: 'object', properties: { who: { type: 'string' } }, required: ['who'] };
    export async function run(input, ctx) { ctx.log('stdout', 'hello ' + input.who); ctx.progress(50, 'half'); return { greeted: input.who }; }`);
  plugin('thrower.mjs', `export const name = 'thrower'; export const input = {};
    export function run() { throw Object.assign(new Error('no disk'), { code: 'NO_DISK', retryable: false }); }`);
  plugin('spinner.mjs', `export const name = 'spinner'; export const input = {};
    export function run() { for (;;) {} }`);
  plugin('broken.mjs', `export const name = 'broken'; this is not javascript`);
});
afterEach(async () => { await h.cleanup(); });

async function finished(id: number, tries = 500) {
  for (let i = 0; i < tries; i++) {
    const r = h.engine.getRun({ id });
    if (!['queued', 'running'].includes(r.status)) return r;
    await new Promise((res) => setTimeout(res, 10));
  }
  throw new Error('run did not finish');
}

it('runs a plugin in a worker with its logs, progress and result; input checked at enqueue', async () => {
  await h.engine.start();
  expect(() => h.engine.enqueue({ kind: 'greet', input: {} })).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT', field: 'input.who' }));
  const run = await finished(h.engine.enqueue({ kind: 'greet', input: { who: 'Ada' } }).id);
  expect(run).toMatchObject({ status: 'succeeded', result: { greeted: 'Ada' }, progress: 50 });
  expect(h.engine.getLogs({ runId: run.id }).lines.map((l) => l.text)).toEqual(['hello Ada']);
});

it('a plugin that throws fails its run with its own code; the app goes on', async () => {
  await h.engine.start();
  const run = await finished(h.engine.enqueue({ kind: 'thrower' }).id);
  expect(run).toMatchObject({ status: 'failed', error: { code: 'NO_DISK', message: 'no disk' } });
});

it('an endless loop is ended by the timeout while other lanes keep running', async () => {
  await h.engine.start();
  const spin = h.engine.enqueue({ kind: 'spinner', timeoutMs: 1000, maxAttempts: 1, lane: 'serial' }).id;
  const other = await finished(h.engine.enqueue({ kind: 'greet', input: { who: 'still here' } }).id);
  expect(other.status).toBe('succeeded');
  expect(h.engine.getRun({ id: spin }).status).toBe('running');
  await h.clock.advance(1000);
  expect(h.engine.getRun({ id: spin })).toMatchObject({ status: 'dead', error: { code: 'TIMEOUT' } });
});

it('a plugin that fails to load is listed with the reason and its kind refuses runs', async () => {
  await h.engine.start();
  const list = h.engine.listPlugins();
  expect(list.map((p) => [p.kind, p.ok])).toEqual([['broken', false], ['greet', true], ['spinner', true], ['thrower', true]]);
  expect(list[0].error).toContain('plugin broken.mjs failed to load');
  expect(() => h.engine.enqueue({ kind: 'broken' })).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('failed to load') }));
  plugin('broken.mjs', `export const name = 'broken'; export const input = {}; export const run = () => 'fixed';`);
  await h.engine.reloadPlugins();
  expect(h.engine.listPlugins().every((p) => p.ok)).toBe(true);
  expect((await finished(h.engine.enqueue({ kind: 'broken' }).id)).result).toBe('fixed');
});

it('the shipped example loads, and says what it cannot find', async () => {
  copyFileSync(join(examples, 'transcode-voice.mjs'), join(h.dir, 'plugins', 'transcode-voice.mjs'));
  await h.engine.start();
  expect(h.engine.listPlugins().filter((p) => !p.ok && p.kind !== 'broken')).toEqual([]);
  const voice = await finished(h.engine.enqueue({ kind: 'transcode-voice', input: { folder: join(h.dir, 'none') } }).id);
  expect(voice).toMatchObject({ status: 'failed', error: { code: 'FOLDER_NOT_FOUND' } });
});

it('a plugin that eats memory is stopped at its limit and its run fails; the app goes on', async () => {
  plugin('hog.mjs', `export const name = 'hog'; export const input = {};
    export function run() { const keep = []; for (;;) keep.push(new Array(1e6).fill(keep.length)); }`);
  await h.engine.start();
  const run = await finished(h.engine.enqueue({ kind: 'hog', maxAttempts: 1 }).id, 3000);
  expect(run).toMatchObject({ status: 'dead', error: { code: 'PLUGIN_OUT_OF_MEMORY' } });
  expect((await finished(h.engine.enqueue({ kind: 'greet', input: { who: 'after' } }).id)).status).toBe('succeeded');
});

it('programs a plugin starts through ctx.spawn are killed with its run', async () => {
  plugin('starter.mjs', `export const name = 'starter'; export const input = {};
    export function run(_input, ctx) { const c = ctx.spawn('sleep', ['60']); ctx.log('stdout', 'child ' + c.pid); return new Promise(() => {}); }`);
  await h.engine.start();
  const { id } = h.engine.enqueue({ kind: 'starter', maxAttempts: 1 });
  let pid = 0;
  for (let i = 0; i < 500 && !pid; i++) {
    pid = Number(h.engine.getLogs({ runId: id }).lines[0]?.text.split(' ')[1] ?? 0);
    if (!pid) await new Promise((r) => setTimeout(r, 10));
  }
  const alive = () => { try { process.kill(pid, 0); } catch { return false; } return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); };
  expect(alive()).toBe(true);
  h.engine.cancel({ ids: [id] });
  for (let i = 0; i < 200 && alive(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(alive()).toBe(false);
});
