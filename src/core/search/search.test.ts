// Full-text search: words of a command, a URL, a log line written a moment ago; filters;
// ranked hits with the matched words marked; typed errors for bad FTS5 syntax; pruned and
// discarded runs leave the index; an index cut short by a crash catches up from its marks.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { createHarness, query, type Harness } from '../testing/harness';
import { createSearchIndex, inputText, wordsQuery } from './search-index';
import { searchInput } from '../api/schemas';

let h: Harness;
beforeEach(() => { h = createHarness(); });
afterEach(async () => { await h.cleanup(); });

const ids = (r: { hits: { run: { id: number } }[] }) => r.hits.map((x) => x.run.id);
const marked = (parts: { text: string; hit?: true }[]) => parts.filter((p) => p.hit).map((p) => p.text.toLowerCase());

it('finds a run by a word of its command, of its URL, of its name or tag, and by a log line written a moment ago', async () => {
  await h.engine.start();
  const shell = h.engine.enqueue({ kind: 'shell', input: { command: 'sh', args: ['-c', 'echo "backup of photos finished: 1432 files"'] }, name: 'nightly' }).id;
  const http = h.engine.enqueue({ kind: 'noop', input: { method: 'GET', url: 'http://localhost:8080/reports/weekly', headers: { Authorization: 'Bearer hunter2' } }, tags: ['reports'] }).id;
  await h.engine.idle();

  const byLog = h.engine.search({ query: 'photos finished' });
  expect(ids(byLog)).toEqual([shell]);
  expect(byLog.hits[0].match).toMatchObject({ field: 'log', seq: 1, stream: 'stdout' });
  expect(marked(byLog.hits[0].match.parts)).toEqual(['photos', 'finished']);
  expect(byLog.pending).toBe(0);

  expect(ids(h.engine.search({ query: 'echo' }))).toEqual([shell]); // a word of the command's arguments
  expect(ids(h.engine.search({ query: 'localhost:8080/reports' }))).toEqual([http]); // a URL, as typed
  expect(ids(h.engine.search({ query: 'weekl' }))).toEqual([http]); // the last word is a prefix (typing)
  expect(ids(h.engine.search({ query: 'nightly' }))).toEqual([shell]);
  expect(ids(h.engine.search({ query: 'reports', order: 'newest' }))).toEqual([http]);
  // Header values may be secrets: never indexed.
  expect(ids(h.engine.search({ query: 'hunter2' }))).toEqual([]);
});

it('takes the same filters as the runs list, and pages', async () => {
  h.engine.createLane({ name: 'other', concurrency: 1 });
  await h.engine.start();
  const a = h.engine.enqueue({ kind: 'noop', name: 'alpha report' }).id;
  const b = h.engine.enqueue({ kind: 'noop', name: 'beta report', lane: 'other' }).id;
  const c = h.engine.enqueue({ kind: 'test.fail', input: { retryable: false }, name: 'gamma report' }).id;
  await h.engine.idle();
  expect(ids(h.engine.search({ query: 'report', order: 'newest' }))).toEqual([c, b, a]);
  expect(ids(h.engine.search({ query: 'report', lane: 'other' }))).toEqual([b]);
  expect(ids(h.engine.search({ query: 'report', status: ['failed'] }))).toEqual([c]);
  expect(ids(h.engine.search({ query: 'report', kind: 'noop', order: 'newest' }))).toEqual([b, a]);
  const first = h.engine.search({ query: 'report', order: 'newest', limit: 2 });
  expect(first.more).toBe(true);
  expect(ids(h.engine.search({ query: 'report', order: 'newest', limit: 2, offset: 2 }))).toEqual([a]);
});

it('FTS5 syntax is offered, and a syntax error is INVALID_QUERY naming the query; plain words never fail', async () => {
  await h.engine.start();
  const a = h.engine.enqueue({ kind: 'noop', name: 'disk cleanup' }).id;
  h.engine.enqueue({ kind: 'noop', name: 'disk check' });
  await h.engine.idle();
  expect(ids(h.engine.search({ query: 'disk NOT check', syntax: 'fts' }))).toEqual([a]);
  for (const bad of ['"unterminated', 'AND AND', 'nosuchcolumn: x', '(', '*', '* OR x']) {
    expect(() => h.engine.search({ query: bad, syntax: 'fts' }), bad).toThrow(expect.objectContaining({ code: 'INVALID_QUERY', field: 'query' }));
  }
  for (const odd of ['"unterminated', 'AND AND', 'nosuchcolumn: x', '(', '*', '-', '^"']) {
    expect(() => h.engine.search({ query: odd }), odd).not.toThrow();
  }
  expect(wordsQuery('localhost:8080/api')).toBe('"localhost" AND "8080" AND "api"*');
  expect(wordsQuery('photos mir', ['mirror', 'mirrors'])).toBe('"photos" AND ("mirror" OR "mirrors")');
  expect(wordsQuery('?!')).toBeNull();
});

it('a discarded or pruned run is not found any more, nor its log lines', async () => {
  await h.engine.start();
  const dead = h.engine.enqueue({ kind: 'shell', input: { command: 'sh', args: ['-c', 'echo walrus; exit 3'] }, maxAttempts: 1 }).id;
  const old = h.engine.enqueue({ kind: 'shell', input: { command: 'sh', args: ['-c', 'echo walrus too'] } }).id;
  await h.engine.idle();
  expect(ids(h.engine.search({ query: 'walrus', order: 'newest' }))).toEqual([old, dead]);
  h.engine.discard({ ids: [dead] });
  expect(ids(h.engine.search({ query: 'walrus' }))).toEqual([old]);
  await h.clock.advance(3 * 86_400_000);
  await h.engine.prune({ olderThanDays: 1, keepLast: 0 });
  expect(ids(h.engine.search({ query: 'walrus' }))).toEqual([]);
  // The index holds nothing of them (the triggers took their rows out).
  await h.engine.stop({ timeoutMs: 0 });
  expect(query(h.dbPath, `SELECT COUNT(*) AS n FROM search_logs WHERE search_logs MATCH 'walrus'`)).toEqual([{ n: 0 }]);
  expect(query(h.dbPath, `SELECT COUNT(*) AS n FROM search_runs`)).toEqual([{ n: 0 }]);
  h.reopen();
});

it('the background indexer follows the writes without a search asking', async () => {
  await h.engine.start();
  h.engine.enqueue({ kind: 'noop', name: 'quietly indexed' });
  await h.engine.idle();
  await expect.poll(() => query(h.dbPath, `SELECT runs_done AS n FROM search_state`)[0], { timeout: 5_000 }).not.toEqual({ n: 0 });
});

it('an index cut short by a kill -9 matches the rows after the restart', async () => {
  // A child fills a database with runs and log lines and is killed while it indexes them.
  await h.engine.stop({ timeoutMs: 0 });
  const child = fork(fileURLToPath(new URL('./search-crash.fixture.ts', import.meta.url)), [h.dbPath], { execArgv: ['--import', 'tsx'], stdio: 'pipe' });
  await new Promise<void>((resolve, reject) => {
    child.on('message', (m) => { if (m === 'indexing') { child.kill('SIGKILL'); resolve(); } });
    child.on('exit', (code) => reject(new Error(`the child ended (${code}) before it was killed`)));
  });
  await new Promise((r) => child.once('exit', r));
  const cut = query<{ runsDone: number; logsDone: number }>(h.dbPath, `SELECT runs_done AS runsDone, logs_done AS logsDone FROM search_state`)[0];
  const total = query<{ runs: number; logs: number }>(h.dbPath, `SELECT (SELECT COUNT(*) FROM runs) AS runs, (SELECT COUNT(*) FROM run_logs) AS logs`)[0];
  expect(cut.logsDone).toBeLessThan(total.logs); // it was cut short

  const engine = h.reopen();
  await engine.start();
  // More is left than a search indexes first: it answers, and says how much is pending.
  expect(engine.search({ query: 'needle' }).pending).toBeGreaterThan(0);
  // The background indexer finishes the job in chunks.
  await expect.poll(() => engine.search({ query: 'needle' }).pending, { timeout: 20_000 }).toBe(0);
  expect(engine.search({ query: 'needle', limit: 200 }).hits).toHaveLength(total.runs);
  await engine.stop({ timeoutMs: 0 });
  const db = new Database(h.dbPath);
  try {
    // Every line is found once, no line twice, and the FTS index is sound.
    expect(db.prepare(`SELECT COUNT(*) AS n FROM search_logs WHERE search_logs MATCH 'needle'`).get()).toEqual({ n: total.logs });
    expect(db.prepare(`SELECT COUNT(*) AS n FROM search_runs`).get()).toEqual({ n: total.runs });
    expect(() => db.prepare(`INSERT INTO search_logs (search_logs, rank) VALUES ('integrity-check', 1)`).run()).not.toThrow();
  } finally {
    db.close();
  }
  h.reopen();
});

it('inputText takes every string of the input but env and headers (no numbers or flags)', () => {
  expect(inputText(JSON.stringify({ command: 'rsync', args: ['-a', '/home'], env: { TOKEN: 's3cret' }, timeoutMs: 5 }))).toBe('rsync -a /home');
  expect(inputText('not json')).toBe('not json');
});

it('the last word finds the longer words it starts, whole words too; best first puts more of the words in less text first', async () => {
  await h.engine.start();
  const one = h.engine.enqueue({ kind: 'noop', name: 'thumbnails of the summer photos, resized and copied to the archive' }).id;
  const two = h.engine.enqueue({ kind: 'noop', name: 'thumbnail thumbnail' }).id;
  const other = h.engine.enqueue({ kind: 'noop', name: 'thumb drive' }).id;
  await h.engine.idle();
  expect(ids(h.engine.search({ query: 'thumbn', order: 'newest' }))).toEqual([two, one]);
  expect(ids(h.engine.search({ query: 'thumb', order: 'newest' }))).toEqual([other, two, one]);
  expect(ids(h.engine.search({ query: 'thumbnail', order: 'newest' }))).toEqual([two, one]);
  // Ranked: twice the word in two words beats once in a dozen, whatever the age.
  expect(ids(h.engine.search({ query: 'thumbnail' }))).toEqual([two, one]);
  const hit = h.engine.search({ query: 'summer thumbn' }).hits[0];
  expect(hit.run.id).toBe(one);
  expect(marked(hit.match.parts)).toEqual(['thumbnails', 'summer']);
});

it('a filter few matches pass stops at the time limit and says the search was not complete', async () => {
  // A search index with no time to read (scanMs 0): it reads one batch of matches, finds
  // none that pass the filter, and says so instead of reading every match.
  await h.engine.start();
  h.engine.enqueueMany({ runs: Array.from({ length: 300 }, (_, i) => ({ kind: 'noop', name: `common word ${i}` })) });
  await h.engine.idle();
  expect(h.engine.search({ query: 'common', status: ['dead'] })).toMatchObject({ hits: [], complete: true });
  await h.engine.stop({ timeoutMs: 0 });
  const db = new Database(h.dbPath);
  try {
    const index = createSearchIndex(db, { scanMs: 0 });
    expect(index.search(searchInput.parse({ query: 'common', status: ['dead'] }))).toMatchObject({ hits: [], complete: false });
    // Without a filter the page fills before any limit.
    expect(index.search(searchInput.parse({ query: 'common', limit: 5, order: 'newest' }))).toMatchObject({ complete: true, more: true });
  } finally {
    db.close();
  }
  h.reopen();
});

it('words of any script are found as typed and by their start, and marked', async () => {
  await h.engine.start();
  const names = ['новый мой отчёт', 'Ёлка', '한국어 공부', 'がっこう', 'ΟΔΟΣΤΡΩΜΑ νέο', 'café crème', 'हिन्दी पाठ'];
  const idOf = new Map(names.map((name) => [name, h.engine.enqueue({ kind: 'noop', name }).id]));
  await h.engine.idle();
  for (const [query, name] of [['новый', names[0]], ['мой', names[0]], ['отчё', names[0]], ['Ёлка', names[1]], ['한국', names[2]], ['한국어', names[2]],
    ['がっこう', names[3]], ['ΟΔΟΣ', names[4]], ['νέο', names[4]], ['cafe', names[5]], ['creme', names[5]], ['हिन्दी', names[6]]] as const) {
    const found = h.engine.search({ query });
    expect(ids(found), query).toEqual([idOf.get(name)]);
    expect(marked(found.hits[0].match.parts).length, query).toBeGreaterThan(0);
  }
});

it('newest first is the newest match first, and pages follow each other without a gap or a repeat', async () => {
  await h.engine.start();
  // Runs 1-5 write one line each; then run 6, a chatty one, writes 20.
  for (let i = 0; i < 5; i++) h.engine.enqueue({ kind: 'shell', input: { command: 'echo', args: [`zebra ${i}`] } });
  await h.engine.idle();
  await h.clock.advance(1_000);
  h.engine.enqueue({ kind: 'shell', input: { command: 'sh', args: ['-c', 'for i in $(seq 20); do echo zebra line $i; done'] } });
  await h.engine.idle();
  const all = ids(h.engine.search({ query: 'zebra', order: 'newest', limit: 50 }));
  expect(all).toHaveLength(6);
  expect(all[0]).toBe(6);
  const paged: number[] = [];
  for (let offset = 0; offset < 6; offset += 2) {
    const page = h.engine.search({ query: 'zebra', order: 'newest', limit: 2, offset });
    paged.push(...ids(page));
    expect(page.more, `offset ${offset}`).toBe(offset + 2 < 6);
  }
  expect(paged).toEqual(all);
});

it('best first puts the word typed in full before longer words it starts; the folder a command runs in is not searched', async () => {
  await h.engine.start();
  const exact = h.engine.enqueue({ kind: 'noop', name: 'kangaroo1234 export' }).id;
  h.engine.enqueue({ kind: 'noop', name: 'kangaroo12349 export' });
  await h.engine.idle();
  expect(ids(h.engine.search({ query: 'kangaroo1234' }))[0]).toBe(exact);
  expect(inputText(JSON.stringify({ command: 'make', args: ['test'], cwd: '/home/me/project' }))).toBe('make test');
});
