// The app log on real files in a temp folder: its JSON lines, its rotation, electron-log
// set up as the desktop app sets it up (electron-log's Node build: the same file transport),
// and the runs it reports from a real engine.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import electronLog from 'electron-log/node';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, settle, tempDir, type Harness } from '../core/testing/harness';
import { fileLogger, jsonLinesFor, LOG_MAX_BYTES, logLine, logRunTrouble, rotatingFile } from './app-log';

const tmp = tempDir();
let h: Harness | null = null;
afterEach(async () => {
  await h?.cleanup();
  h = null;
});

const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
const logFiles = (dir: string) => readdirSync(dir).filter((f) => f.startsWith('tasklane.log')).sort();

describe('a log line', () => {
  it('is one JSON object with time, level and message, and the run id and lane it is about', () => {
    const line = logLine('warn', new Date(Date.UTC(2026, 0, 2, 3, 4, 5)), 'run 7 was found running at start', [{ runId: 7, lane: 'gpu' }]);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({ time: '2026-01-02T03:04:05.000Z', level: 'warn', message: 'run 7 was found running at start', runId: 7, lane: 'gpu' });
  });

  it('keeps an error\'s name, message, code and stack, and writes what JSON cannot hold as text', () => {
    const error = Object.assign(new Error('disk full'), { code: 'ENOSPC' });
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const parsed = JSON.parse(logLine('error', new Date(0), 'writing failed', [error, cyclic, 12n]));
    expect(parsed.error).toMatchObject({ name: 'Error', message: 'disk full', code: 'ENOSPC' });
    expect(parsed.error.stack).toContain('disk full');
    expect(parsed.data).toEqual(['[object Object]', '12']);
    // An error as the message itself (as electron-log's callers may pass one).
    expect(JSON.parse(logLine('error', new Date(0), new TypeError('bad'))).error).toMatchObject({ name: 'TypeError', message: 'bad' });
  });
});

describe('the rotating file', () => {
  it('rotates before a line would pass the size, keeps the newest files only, and splits no line', () => {
    const dir = join(tmp.dir, 'rotate');
    const path = join(dir, 'tasklane.log');
    const file = rotatingFile(path, { maxBytes: 1000, files: 3 });
    const log = fileLogger(file);
    for (let i = 1; i <= 100; i++) log.info(`line ${i} ${'x'.repeat(50)}`);
    file.close();
    expect(logFiles(dir)).toEqual(['tasklane.log', 'tasklane.log.1', 'tasklane.log.2']);
    for (const f of logFiles(dir)) expect(statSync(join(dir, f)).size).toBeLessThanOrEqual(1000);
    // Oldest first across the kept files, ending with the last line written, with no gap.
    const kept = ['tasklane.log.2', 'tasklane.log.1', 'tasklane.log'].flatMap((f) => lines(join(dir, f)).map((l) => l.message as string));
    const numbers = kept.map((m) => Number(m.split(' ')[1]));
    expect(numbers.at(-1)).toBe(100);
    expect(numbers).toEqual(numbers.map((_, i) => numbers[0] + i));
    expect(numbers[0]).toBeGreaterThan(1);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('takes 5 MB per file by default, and goes on with a file that exists', () => {
    const dir = join(tmp.dir, 'default-size');
    const path = join(dir, 'tasklane.log');
    const big = 'y'.repeat(999_900);
    let file = rotatingFile(path);
    for (let i = 0; i < 3; i++) fileLogger(file).info(big);
    file.close();
    file = rotatingFile(path);
    for (let i = 0; i < 3; i++) fileLogger(file).info(big);
    file.close();
    // Five ~1 MB lines fit under 5 MB; the sixth goes to a new file.
    expect(LOG_MAX_BYTES).toBe(5 * 1024 * 1024);
    expect(lines(`${path}.1`)).toHaveLength(5);
    expect(lines(path)).toHaveLength(1);
  });
});

describe('the desktop app\'s electron-log', () => {
  it('writes the same JSON lines to tasklane.log and keeps N files when it rotates', () => {
    const dir = join(tmp.dir, 'electron');
    const log = electronLog.create({ logId: 'app-log-test' });
    log.transports.console.level = false;
    jsonLinesFor(log.transports.file, { maxBytes: 2000, files: 4 });
    log.transports.file.resolvePathFn = (vars) => join(dir, vars.fileName!);
    log.warn('run 3 is dead: BOOM: failed', { runId: 3, lane: 'default' });
    log.error('writing failed', new Error('disk full'));
    const first = lines(join(dir, 'tasklane.log'));
    expect(first[0]).toMatchObject({ level: 'warn', message: 'run 3 is dead: BOOM: failed', runId: 3, lane: 'default' });
    expect(Date.parse(first[0].time as string)).toBeGreaterThan(0);
    expect(first[1]).toMatchObject({ level: 'error', message: 'writing failed', error: { message: 'disk full' } });
    for (let i = 0; i < 200; i++) log.info(`line ${i} ${'z'.repeat(40)}`);
    expect(logFiles(dir)).toEqual(['tasklane.log', 'tasklane.log.1', 'tasklane.log.2', 'tasklane.log.3']);
    expect(lines(join(dir, 'tasklane.log')).at(-1)).toMatchObject({ level: 'info', message: `line 199 ${'z'.repeat(40)}` });
  });
});

describe('runs in the app log', () => {
  it('a run that goes dead is logged with its run id and lane; a flood is summed up', async () => {
    h = createHarness();
    const path = join(h.dir, 'logs', 'tasklane.log');
    const file = rotatingFile(path);
    // Time stands still for the budget: all five go dead within its second.
    const stop = logRunTrouble(h.engine, fileLogger(file), { perSecond: 2, now: () => 1_000_000 });
    h.engine.start();
    const ids = [1, 2, 3, 4, 5].map(() => h!.engine.enqueue({ kind: 'test.fail', input: { code: 'BROKEN' }, maxAttempts: 1, lane: 'serial' }).id);
    for (let i = 0; i < 10 && h.engine.counts().total.dead !== 5; i++) await settle();
    expect(h.engine.counts().total.dead).toBe(5);
    stop();
    file.close();
    const got = lines(path);
    expect(got.slice(0, 2)).toEqual([
      expect.objectContaining({ level: 'error', message: `run ${ids[0]} is dead: BROKEN: failed with BROKEN`, runId: ids[0], lane: 'serial' }),
      expect.objectContaining({ level: 'error', runId: ids[1], lane: 'serial' }),
    ]);
    expect(got.slice(2)).toEqual([expect.objectContaining({ level: 'warn', message: expect.stringMatching(/^3 more run\(s\) went dead/) })]);
    expect(existsSync(`${path}.1`)).toBe(false);
  });
});
