// A long-used database: 1,000,000 runs over 60 days and ~100 MB of log text (BENCH_QUICK:
// 20,000 runs, 2 MB). Measures what the window reads there: counts, the first page of
// every filter, full-text search (against a raw FTS5 MATCH on the same file, the baseline),
// stats and history over 30 days; then the event loop's delay while runs drain and a
// window's reads go on at the same time (the desktop app runs the engine on its main
// thread: nothing may block it).
//
// The rows are written with SQL (an engine would take minutes to run a million runs); the
// search index is then built by the engine's own indexer, the rollups by its own statements.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { quick } from '../engine';
import { percentile, record, withTempDir } from '../lib';
import { createEngine } from '../../src/core/index';
import { kinds } from '../kinds';
import { DAY, fill, WORDS } from '../fill';
import { startEngineThread } from '../../src/host/engine-thread-client';
import type { Counts } from '../../src/core/api/types';
import { ACTIVE_STATUSES, DEAD_LETTER_STATUSES } from '../../src/core/api/statuses';

const RUNS = quick ? 20_000 : 1_000_000;
const NOW = Date.now();

function time(fn: () => unknown, reps: number): { p50: number; p95: number } {
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p95: percentile(ms, 95) };
}

const round = (x: number) => Math.round(x * 100) / 100;

await withTempDir(async (dir) => {
  const dbPath = `${dir}/tasklane.db`;
  await createEngine({ dbPath }).stop({ timeoutMs: 0 });
  let t0 = performance.now();
  const bytes = fill(dbPath, RUNS, NOW);
  record({ scenario: 'scale', system: 'tasklane', metric: 'database filled', value: Math.round(performance.now() - t0), unit: 'ms', note: `${RUNS.toLocaleString('en-US')} runs, ${(bytes / 1e6).toFixed(0)} MB of log text` });

  // The kinds the engine thread gets below too (bench/kinds.ts): both drains write the same lines.
  const engine = createEngine({ dbPath, kinds,
    logger: { info() {}, warn: console.warn, error: console.error } });
  // Build the whole search index (what a database from before the index gets, in the background).
  t0 = performance.now();
  // Nothing of the filled runs may run (their inputs are real commands): every lane stays
  // paused; the drain below has a lane of its own.
  engine.pauseAll();
  await engine.start();
  while (engine.search({ query: 'zzzz' }).pending > 0) await new Promise((r) => setTimeout(r, 200));
  record({ scenario: 'scale', system: 'tasklane', metric: 'search index built in the background', value: Math.round(performance.now() - t0), unit: 'ms' });
  // Then the days that ended are summed into the daily rollups (also in the background).
  t0 = performance.now();
  const state = new Database(dbPath, { readonly: true });
  while ((state.prepare(`SELECT days_done FROM rollup_state`).pluck().get() as number) < NOW - (NOW % DAY)) await new Promise((r) => setTimeout(r, 100));
  state.close();
  record({ scenario: 'scale', system: 'tasklane', metric: 'daily rollups compacted in the background', value: Math.round(performance.now() - t0), unit: 'ms', note: '60 days' });

  // counts: the first read counts the table once; after that they are kept as runs move.
  t0 = performance.now();
  engine.counts();
  record({ scenario: 'scale', system: 'tasklane', metric: 'counts, first read', value: round(performance.now() - t0), unit: 'ms' });
  const counts = time(() => engine.counts(), 200);
  record({ scenario: 'scale', system: 'tasklane', metric: 'counts p95', value: round(counts.p95), unit: 'ms', target: '≤ 1 ms' });

  const filters: [string, object][] = [
    ['all', {}], ['queued', { status: ['queued'] }], ['active', { status: [...ACTIVE_STATUSES] }], ['dead or failed', { status: [...DEAD_LETTER_STATUSES] }],
    ['running', { status: ['running'] }], ['succeeded', { status: ['succeeded'] }], ['lane gpu', { lane: 'gpu' }], ['rare lane', { lane: 'rare' }],
    ['kind http', { kind: 'http' }], ['rare kind', { kind: 'plugin.rare' }], ['task 7', { taskId: 7 }],
    ['a week, 30 days ago', { createdFrom: NOW - 30 * DAY, createdTo: NOW - 23 * DAY }], ['dead in rare lane', { status: ['dead'], lane: 'rare' }],
    ['active of task 3', { status: [...ACTIVE_STATUSES], taskId: 3 }],
  ];
  let worst = 0;
  for (const [name, f] of filters) {
    const t = time(() => engine.listRuns({ ...f, limit: 50 }), 20);
    worst = Math.max(worst, t.p95);
    record({ scenario: 'scale', system: 'tasklane', metric: `first page: ${name} p95`, value: round(t.p95), unit: 'ms', target: '≤ 10 ms' });
  }
  record({ scenario: 'scale', system: 'tasklane', metric: 'first page, worst filter p95', value: round(worst), unit: 'ms', target: '≤ 10 ms' });

  // Search vs a raw FTS5 MATCH on the same file (the same words, 51 lines): best first
  // (ranks the newest 2,000 matches of each index) against the raw MATCH ranking all of its
  // matches, and newest first against the raw MATCH reading the newest 51.
  const raw = new Database(dbPath, { readonly: true });
  const rawRank = raw.prepare(`SELECT rowid FROM search_logs WHERE search_logs MATCH ? ORDER BY rank LIMIT 51`);
  const rawNewest = raw.prepare(`SELECT rowid FROM search_logs WHERE search_logs MATCH ? ORDER BY rowid DESC LIMIT 51`);
  const queries = ['checksum 1A2B', 'thumbnail', 'photos mirror', 'invoice 77', 'localhost 8080 report', 'nothingmatches'];
  for (const [order, rawMatch] of [['rank', rawRank], ['newest', rawNewest]] as const) {
    const ours: number[] = [];
    const theirs: number[] = [];
    for (const q of queries) {
      const words = q.split(' ').map((w, i, a) => `"${w}"${i === a.length - 1 ? '*' : ''}`).join(' ');
      for (let i = 0; i < 10; i++) {
        let s = performance.now();
        engine.search({ query: q, order });
        ours.push(performance.now() - s);
        s = performance.now();
        rawMatch.all(words);
        theirs.push(performance.now() - s);
      }
    }
    ours.sort((a, b) => a - b);
    theirs.sort((a, b) => a - b);
    const what = order === 'rank' ? 'best first' : 'newest first';
    record({ scenario: 'scale', system: 'tasklane', metric: `search p95, ${what}`, value: round(percentile(ours, 95)), unit: 'ms', target: '≤ 50 ms' });
    record({ scenario: 'scale', system: 'raw FTS5 MATCH', metric: `search p95, ${what}`, value: round(percentile(theirs, 95)), unit: 'ms',
      note: order === 'rank' ? 'the log index alone, every match ranked' : 'the log index alone, the newest 51' });
    record({ scenario: 'scale', system: 'tasklane', metric: `search p95 / raw MATCH p95, ${what}`, value: round(percentile(ours, 95) / percentile(theirs, 95)), unit: '×', target: '≤ 3×' });
  }
  // With a filter: the dead runs whose log says a word.
  const filtered = time(() => engine.search({ query: 'thumbnail', status: ['dead'] }), 20);
  record({ scenario: 'scale', system: 'tasklane', metric: 'search p95, dead runs only', value: round(filtered.p95), unit: 'ms', target: '≤ 50 ms' });
  raw.close();

  const stats = time(() => engine.stats({ from: NOW - 30 * DAY, groupBy: 'task' }), 20);
  record({ scenario: 'scale', system: 'tasklane', metric: 'stats, 30 days by task p95', value: round(stats.p95), unit: 'ms', target: '≤ 50 ms' });
  const history = time(() => engine.history({ from: NOW - 30 * DAY, bucket: 'day' }), 20);
  record({ scenario: 'scale', system: 'tasklane', metric: 'history, 30 days by day p95', value: round(history.p95), unit: 'ms' });

  // The event loop while runs drain (each writes a log line) and a window reads: counts,
  // a filtered page, a search and stats, every 100 ms. First with everything on one thread
  // (`tasklane serve`: the engine, its host and the reads), then as the desktop app runs it:
  // the engine on its own thread (engine-thread.ts), the reads and events going there and
  // back as messages, the delay measured on the window's thread (Electron's main thread).
  const drained = quick ? 5_000 : 100_000;
  const reads = (call: (name: string, input: object) => unknown, n: number) => [
    call('counts', {}),
    call('listRuns', { status: ['dead', 'failed'], limit: 50, withTotal: true }),
    call('search', { query: WORDS[n % WORDS.length] }),
    call('stats', { from: NOW - DAY }),
  ];
  {
    const h = monitorEventLoopDelay({ resolution: 1 });
    engine.createLane({ name: 'drain', concurrency: 8 });
    engine.pauseLane({ name: 'drain' });
    for (let i = 0; i < drained; i += 50_000) {
      engine.enqueueMany({ runs: Array.from({ length: Math.min(50_000, drained - i) }, () => ({ kind: 'logline', lane: 'drain' })) });
    }
    let n = 0;
    const reader = setInterval(() => { reads((name, input) => (engine as unknown as Record<string, (i: object) => unknown>)[name](input), n++); }, 100);
    h.enable();
    t0 = performance.now();
    engine.resumeLane({ name: 'drain' });
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        const c = engine.counts().lanes.drain ?? {};
        if (!c.queued && !c.running) { clearInterval(check); resolve(); }
      }, 20);
    });
    const drainMs = performance.now() - t0;
    h.disable();
    clearInterval(reader);
    record({ scenario: 'scale', system: 'tasklane', metric: 'one thread (serve): drain with logs while the window reads', value: Math.round(drained / drainMs * 1000), unit: 'runs/s', note: `${n} rounds of window reads` });
    record({ scenario: 'scale', system: 'tasklane', metric: 'one thread (serve): event loop delay max', value: round(h.max / 1e6), unit: 'ms' });
    record({ scenario: 'scale', system: 'tasklane', metric: 'one thread (serve): event loop delay p99', value: round(h.percentile(99) / 1e6), unit: 'ms' });
  }
  await engine.stop({ timeoutMs: 0 });

  {
    let events = 0;
    const thread = await startEngineThread({ dataDir: dir, port: 0, metrics: false, kindsModule: new URL('../kinds.ts', import.meta.url).href },
      { onEvents: (batch) => { events += batch.length; } });
    const call = async (name: string, input: object) => {
      const outcome = await thread.call(name, input);
      if (!outcome.ok) throw new Error(`${name}: ${outcome.error.message}`);
      return outcome.value;
    };
    await call('pauseLane', { name: 'drain' });
    for (let i = 0; i < drained; i += 50_000) {
      await call('enqueueMany', { runs: Array.from({ length: Math.min(50_000, drained - i) }, () => ({ kind: 'logline', lane: 'drain' })) });
    }
    const h = monitorEventLoopDelay({ resolution: 1 });
    const answers: number[] = [];
    let n = 0;
    const reader = setInterval(() => {
      const s = performance.now();
      void Promise.all(reads(call, n++)).then(() => answers.push(performance.now() - s));
    }, 100);
    h.enable();
    t0 = performance.now();
    await call('resumeLane', { name: 'drain' });
    for (;;) {
      const c = (await call('counts', {}) as Counts).lanes.drain ?? {};
      if (!c.queued && !c.running) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const drainMs = performance.now() - t0;
    h.disable();
    clearInterval(reader);
    answers.sort((a, b) => a - b);
    record({ scenario: 'scale', system: 'tasklane', metric: 'mixed: drain with logs while the window reads', value: Math.round(drained / drainMs * 1000), unit: 'runs/s',
      note: `the engine on its own thread; ${n} rounds of window reads, ${events.toLocaleString('en-US')} events to the window` });
    record({ scenario: 'scale', system: 'tasklane', metric: 'mixed: event loop delay max', value: round(h.max / 1e6), unit: 'ms', target: '≤ 50 ms', note: 'the window\'s thread (Electron main)' });
    record({ scenario: 'scale', system: 'tasklane', metric: 'mixed: event loop delay p99', value: round(h.percentile(99) / 1e6), unit: 'ms', target: '≤ 16 ms', note: 'the window\'s thread (Electron main)' });
    record({ scenario: 'scale', system: 'tasklane', metric: 'mixed: a round of the window\'s reads answered, p95', value: round(percentile(answers, 95)), unit: 'ms', note: 'counts, a filtered page, a search, stats; sent together' });
    await thread.stop(0);
  }
});
