// Full-text search over runs (name, tags, the text of their input) and their log lines,
// with SQLite FTS5 (tables in drizzle/0011).
//
// Indexing is not on the write path: runs and log lines are written as before, and the
// index follows behind them by id. `search_state` holds two marks: every run with an id up
// to runs_done, and every log line with an id up to logs_done, is indexed. `catchUp`
// indexes the rows past the marks in one transaction that stops after a few milliseconds
// and moves the marks in it, so a crash leaves index and marks in step (the next start goes
// on from the marks). The engine calls `kick` after each flush; the indexer then works in
// slices of SLICE_MS, one per event-loop turn, so a big backlog (an existing database, a
// burst of logs) never holds the thread. A search first indexes what is left for up to
// CATCH_UP_BEFORE_SEARCH_MS, so it finds a line written a moment ago. Triggers take deleted
// runs and lines out.
//
// A run's name, tags and input do not change once written; a command that changes them
// must index the run again: `reindexRun`, in its transaction (editRun does).
import type Database from 'better-sqlite3';
import { statementCache } from '../db/statements';
import type { z } from 'zod';
import type { LogStream, SearchHit, SearchResult, SnippetPart } from '../api/types';
import type { searchInput } from '../api/schemas';
import { RUN_COLUMNS, toRun, type RunRow } from '../db/run-store';
import { TasklaneError } from '../errors';

/** A prefix is read as an OR of at most this many of the index's terms. */
const MAX_PREFIX_TERMS = 64;
/** How long a search reads the matches of one index (runs, log lines) at most. */
const SCAN_MS = 15;
/** Rows read per statement while indexing. */
const BATCH = 256;
/** The indexer works in slices of this long (one transaction each), an event-loop turn
 *  apart: the engine's thread is never held longer. */
const SLICE_MS = 8;
/** A search first indexes what is left for up to this long; past it, it answers from the
 *  index as it is, with `pending` (the background indexer goes on). */
const CATCH_UP_BEFORE_SEARCH_MS = 20;
/** `pending` counts up to this many rows. */
const PENDING_BOUND = 100_000;
/** "Best first" ranks this many of the newest matches of each index (runs, log lines). */
const RANK_WINDOW = 1_000;
/** Input fields whose values are never indexed: env and headers may hold secrets; the
 *  folder a command runs in is where, not what (every run typed in one folder would match). */
const UNINDEXED_KEYS = new Set(['env', 'headers', 'cwd']);

type SearchQuery = z.output<typeof searchInput>;

/** The words of an input, for the index: every string in it, but under env and headers. */
export function inputText(input: string): string {
  const out: string[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (depth > 32) return;
    // Strings only: a handler's numbers and flags (timeouts, sizes, true/false) are noise in
    // a snippet, and nobody searches for them.
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) for (const x of v) walk(x, depth + 1);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) if (!UNINDEXED_KEYS.has(k)) walk(x, depth + 1);
    }
  };
  try {
    walk(JSON.parse(input), 0);
  } catch {
    out.push(input);
  }
  return out.join(' ');
}

/** A word as the tokenizer sees one: letters, digits and the marks that go with them. */
const WORD = /[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu;

/** The words of a query in words (letters and digits; punctuation separates words, as it
 *  does in the index), or null when it has none. */
export function queryWords(text: string): string[] | null {
  return text.match(WORD);
}

/** A query in words: each word must occur, the last one as a prefix (the person may still
 *  be typing it). `lastTerms`: the index's terms that start with the last word, when known
 *  (an OR of them is read newest first and stops at the page; FTS5 builds a prefix's whole
 *  list of matches first). */
export function wordsQuery(text: string, lastTerms?: readonly string[]): string | null {
  const words = queryWords(text);
  if (!words) return null;
  const quote = (w: string) => `"${w}"`;
  const last = lastTerms?.length ? `(${lastTerms.map(quote).join(' OR ')})` : `${quote(words[words.length - 1])}*`;
  return [...words.slice(0, -1).map(quote), last].join(' AND ');
}

/** A word as the index keeps it (unicode61, remove_diacritics 2): lower case, no accents. */
const folded = (w: string) => (/[^\x00-\x7f]/.test(w)
  // unicode61 lower-cases every script, takes accents off Latin letters only (Cyrillic й,
  // Hangul and kana keep theirs), and keeps Greek final sigma as sigma.
  ? w.toLowerCase().replace(/ς/g, 'σ').normalize('NFD').replace(/(\p{Script=Latin})\p{M}+/gu, '$1').normalize('NFC')
  : w.toLowerCase());

/** The words a hit is marked by: the query's words (in FTS5 syntax, without its operators
 *  and column names), each matched whole or, `prefix`, as the start of a word. */
interface HitWord { word: string; prefix: boolean }
function hitWords(q: { query: string; syntax: 'words' | 'fts' }): HitWord[] {
  if (q.syntax === 'words') {
    const words = queryWords(q.query) ?? [];
    return words.map((w, i) => ({ word: folded(w), prefix: i === words.length - 1 }));
  }
  const out: HitWord[] = [];
  for (const m of q.query.replace(/\b[\p{L}\p{N}_]+\s*:/gu, ' ').matchAll(/([\p{L}\p{N}]+)(\*?)/gu)) {
    if (/^(AND|OR|NOT|NEAR)$/.test(m[1])) continue;
    out.push({ word: folded(m[1]), prefix: m[2] === '*' });
  }
  return out;
}

/** What a word of a text counts for a query word: 1 when it is the word, ½ when it is a
 *  longer word the query's last word starts (typed in part), else 0. */
function weightOf(word: string, w: HitWord): number {
  const f = folded(word);
  return f === w.word ? 1 : w.prefix && f.startsWith(w.word) ? 0.5 : 0;
}
const isHit = (word: string, words: readonly HitWord[]) => words.some((w) => weightOf(word, w) > 0);

/** What a run is indexed by (search_runs' columns): its name, its tags, its input's text. */
function runFields(r: { name: string | null; tags: string; input: string }): [name: string, tags: string, body: string] {
  return [r.name ?? '', r.tags === '[]' ? '' : (JSON.parse(r.tags) as string[]).join(' '), inputText(r.input)];
}

/** A text's length in words, and how often it has each of `words`. */
function termCounts(text: string, words: readonly HitWord[]): { length: number; tf: number[] } {
  const tf = words.map(() => 0);
  let length = 0;
  for (const m of text.matchAll(WORD)) {
    length++;
    words.forEach((w, i) => { tf[i] += weightOf(m[0], w); });
  }
  return { length, tf };
}

/** Words of context on each side of the first hit in a snippet. */
const CONTEXT_WORDS = 8;

/** `text` around its first hit, the hits marked: what FTS5's snippet() gives, made here from
 *  the text (reading it through FTS5 again costs a scan of the word's matches). */
export function snippet(text: string, words: readonly HitWord[]): SnippetPart[] {
  const tokens = [...text.matchAll(WORD)];
  const first = tokens.findIndex((t) => isHit(t[0], words));
  const from = Math.max(0, (first < 0 ? 0 : first) - CONTEXT_WORDS);
  const to = Math.min(tokens.length, from + 2 * CONTEXT_WORDS + 1);
  const start = from === 0 ? 0 : tokens[from].index!;
  const end = to >= tokens.length ? text.length : tokens[to - 1].index! + tokens[to - 1][0].length;
  const out: SnippetPart[] = [];
  const push = (t: string, hit = false) => {
    if (!t) return;
    const last = out[out.length - 1];
    if (last && !last.hit && !hit) last.text += t;
    else out.push(hit ? { text: t, hit: true } : { text: t });
  };
  if (start > 0) push('…');
  let at = start;
  for (let i = from; i < to; i++) {
    const t = tokens[i];
    if (!isHit(t[0], words)) continue;
    push(text.slice(at, t.index));
    push(t[0], true);
    at = t.index! + t[0].length;
  }
  push(text.slice(at, end));
  if (end < text.length) push('…');
  return out;
}

/** A match: the run, its rank, and the log line's id when a line matched. */
interface Candidate { id: number; rank: number; at: number; line?: number }

export function createSearchIndex(db: Database.Database, opts: { scanMs?: number } = {}) {
  const scanMs = opts.scanMs ?? SCAN_MS;
  const marks = db.prepare<[], { runsDone: number; logsDone: number }>(`SELECT runs_done AS runsDone, logs_done AS logsDone FROM search_state WHERE id = 1`);
  const newRuns = db.prepare<[number, number], { id: number; name: string | null; tags: string; input: string }>(
    `SELECT id, name, tags, input FROM runs WHERE id > ? ORDER BY id LIMIT ?`);
  const newLogs = db.prepare<[number, number], { id: number; text: string }>(`SELECT id, text FROM run_logs WHERE id > ? ORDER BY id LIMIT ?`);
  const addRun = db.prepare<[number, string, string, string]>(`INSERT INTO search_runs (rowid, name, tags, body) VALUES (?, ?, ?, ?)`);
  const addLog = db.prepare<[number, string]>(`INSERT INTO search_logs (rowid, text) VALUES (?, ?)`);
  const setMarks = db.prepare<[number, number]>(`UPDATE search_state SET runs_done = ?, logs_done = ? WHERE id = 1`);
  const dropRun = db.prepare<[number]>(`DELETE FROM search_runs WHERE rowid = ?`);
  const oneRun = db.prepare<[number], { id: number; name: string | null; tags: string; input: string }>(`SELECT id, name, tags, input FROM runs WHERE id = ?`);
  // Counted up to a bound: past it, "more than" is all a search needs to know.
  const pendingRuns = db.prepare<[number, number], number>(`SELECT COUNT(*) FROM (SELECT 1 FROM runs WHERE id > ? LIMIT ?)`).pluck();
  const pendingLogs = db.prepare<[number, number], number>(`SELECT COUNT(*) FROM (SELECT 1 FROM run_logs WHERE id > ? LIMIT ?)`).pluck();
  const prepared = statementCache(db);
  // The terms of each index (fts5vocab, read-only views of the indexes' terms; in temp, so
  // no migration: they are made again on every connection).
  db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_runs_terms USING fts5vocab(main, search_runs, row);
    CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_logs_terms USING fts5vocab(main, search_logs, row)`);
  const termsOf = {
    runs: db.prepare<[string, string, number], string>(`SELECT term FROM temp.search_runs_terms WHERE term >= ? AND term < ? LIMIT ?`).pluck(),
    logs: db.prepare<[string, string, number], string>(`SELECT term FROM temp.search_logs_terms WHERE term >= ? AND term < ? LIMIT ?`).pluck(),
  };
  /** The query for one index: in words, the last word as the index's terms it starts (up
   *  to MAX_PREFIX_TERMS; more, or none found, and FTS5's own prefix query does it). */
  const matchFor = (q: SearchQuery, index: 'runs' | 'logs'): string | null => {
    if (q.syntax === 'fts') return q.query;
    const words = queryWords(q.query);
    if (!words) return null;
    const typed = words[words.length - 1];
    const last = folded(typed);
    // The word itself as typed (FTS5 folds it as it folds the index: exact whatever this
    // module's folding gets wrong), whether the index has it or not (a missing term costs
    // nothing), and the longer terms it starts: fts5vocab counts each term's matches as it
    // reads it, so reading only the longer ones leaves out the count of a common word typed
    // in full. (\u0001 sorts right after the word: a lower bound of `> word` still counts it.)
    const longer = termsOf[index].all(`${last}\u0001`, `${last}\u{10FFFF}`, MAX_PREFIX_TERMS);
    return wordsQuery(q.query, longer.length < MAX_PREFIX_TERMS ? [typed, ...longer] : undefined);
  };

  /** Indexes the runs, then the log lines, past the marks in one transaction, until the
   *  clock passes `until` (performance.now()) or nothing is left. Returns how many rows it
   *  indexed, and whether it stopped for time (rows may be left). */
  const step = db.transaction((until: number): { indexed: number; cut: boolean } => {
    let { runsDone, logsDone } = marks.get()!;
    let indexed = 0;
    let cut = false;
    for (;;) {
      if (performance.now() >= until) { cut = true; break; }
      const runs = newRuns.all(runsDone, BATCH);
      for (const r of runs) {
        const fields = runFields(r);
        if (fields.some(Boolean)) addRun.run(r.id, ...fields);
        runsDone = r.id;
      }
      indexed += runs.length;
      if (runs.length < BATCH) break;
    }
    for (;;) {
      if (cut || performance.now() >= until) { cut = true; break; }
      const logs = newLogs.all(logsDone, BATCH);
      for (const l of logs) addLog.run(l.id, l.text);
      if (logs.length) logsDone = logs[logs.length - 1].id;
      indexed += logs.length;
      if (logs.length < BATCH) break;
    }
    if (indexed) setMarks.run(runsDone, logsDone);
    return { indexed, cut };
  });

  /** Indexes for at most `ms`, in one transaction; true when nothing is left. */
  const catchUp = (ms: number): boolean => !step(performance.now() + ms).cut;

  /** Rows written and not indexed yet, counted up to `bound` (-1: all of them). */
  const pending = (bound = -1): number => {
    const m = marks.get()!;
    const n = pendingRuns.get(m.runsDone, bound)! + pendingLogs.get(m.logsDone, bound)!;
    return bound < 0 ? n : Math.min(n, bound);
  };

  /** The runs list's filters as a test of a match's run (null: no filter). */
  function filterOf(q: SearchQuery): ((r: unknown[]) => boolean) | null {
    const status = q.status?.length ? new Set<string>(q.status) : null;
    if (!status && q.lane === undefined && q.kind === undefined && q.taskId === undefined
      && q.createdFrom === undefined && q.createdTo === undefined) return null;
    // r: [rowid, run id, when, status, lane, kind, task_id, created_at]
    return (r) => (!status || status.has(r[3] as string)) && (q.lane === undefined || r[4] === q.lane)
      && (q.kind === undefined || r[5] === q.kind) && (q.taskId === undefined || r[6] === q.taskId)
      && (q.createdFrom === undefined || (r[7] as number) >= q.createdFrom) && (q.createdTo === undefined || (r[7] as number) < q.createdTo);
  }

  /**
   * Best first: each candidate's rank from its text (BM25 with every query word equally
   * rare: FTS5's bm25() first counts every match of each word, 40 ms for three common
   * words at a million runs). More of the words, in a shorter text, ranks higher; the
   * lowest rank is best, as with FTS5's.
   */
  function scoreAll(runs: Candidate[], logs: Candidate[], marks: readonly HitWord[]): void {
    const json = (xs: number[]) => JSON.stringify(xs);
    const texts = new Map<Candidate, string>();
    if (runs.length) {
      const rows = new Map((prepared(`SELECT id, name, tags, input FROM runs WHERE id IN (SELECT value FROM json_each(?))`)
        .all(json(runs.map((c) => c.id))) as { id: number; name: string | null; tags: string; input: string }[])
        .map((r) => [r.id, runFields(r).join(' ')]));
      for (const c of runs) texts.set(c, rows.get(c.id) ?? '');
    }
    if (logs.length) {
      const rows = new Map((prepared(`SELECT id, text FROM run_logs WHERE id IN (SELECT value FROM json_each(?))`)
        .all(json(logs.map((c) => c.line!))) as { id: number; text: string }[]).map((r) => [r.id, r.text]));
      for (const c of logs) texts.set(c, rows.get(c.line!) ?? '');
    }
    const counted = [...texts].map(([c, text]) => ({ c, ...termCounts(text, marks) }));
    const avg = counted.reduce((n, x) => n + x.length, 0) / Math.max(1, counted.length) || 1;
    const K1 = 1.2;
    const B = 0.75;
    for (const { c, length, tf } of counted) {
      let score = 0;
      for (const f of tf) score += (f * (K1 + 1)) / (f + K1 * (1 - B + (B * length) / avg));
      c.rank = -score;
    }
  }

  /** Reads `sql`'s matches in its order until `need` of them (`distinct`: of their runs)
   *  pass `keep`, or SCAN_MS pass. */
  function scan(sql: string, match: string, need: number, keep: ((r: unknown[]) => boolean) | null, isLog: boolean, distinct: boolean, fts: boolean) {
    const found: Candidate[] = [];
    const runs = new Set<number>();
    const until = performance.now() + scanMs;
    let complete = true;
    let read = 0;
    try {
      for (const r of (prepared(sql).raw(true) as Database.Statement<[string], unknown[]>).iterate(match)) {
        if (!keep || keep(r)) {
          found.push({ id: r[1] as number, rank: 0, at: r[2] as number, ...(isLog && { line: r[0] as number }) });
          runs.add(r[1] as number);
          if ((distinct ? runs.size : found.length) >= need) break;
        }
        if ((++read & 127) === 0 && performance.now() > until) { complete = false; break; }
      }
    } catch (error) {
      // Whatever SQLite says of an FTS5 query it cannot read (a syntax error, a column that
      // is not there, `*` alone: "unknown special query") is the query's fault; anything
      // else (I/O, a damaged file) is not.
      if (fts && (error as { code?: string }).code === 'SQLITE_ERROR') {
        throw new TasklaneError('INVALID_QUERY', `the search query is not valid FTS5 syntax (${(error as Error).message.replace(/^fts5: /, '').trim()}); search for plain words instead (syntax 'words'; in the tasklane command, without --fts)`, 'query');
      }
      throw error;
    }
    return { found, complete };
  }

  return {
    catchUp,
    pending,

    /** A run whose name, tags or input changed (editRun), indexed again if it was indexed
     *  (one past the marks is indexed as it is when the indexer gets there). */
    reindexRun(id: number): void {
      if (id > marks.get()!.runsDone) return;
      dropRun.run(id);
      const r = oneRun.get(id);
      if (!r) return;
      const fields = runFields(r);
      if (fields.some(Boolean)) addRun.run(r.id, ...fields);
    },

    search(q: SearchQuery): SearchResult {
      // What is left to index, first (a line written a moment ago is found), for a while.
      const left = catchUp(CATCH_UP_BEFORE_SEARCH_MS) ? 0 : pending(PENDING_BOUND);
      const runsMatch = matchFor(q, 'runs');
      const logsMatch = matchFor(q, 'logs');
      if (runsMatch === null || logsMatch === null) return { hits: [], more: false, pending: left, complete: true };
      const keep = filterOf(q);
      const rank = q.order === 'rank';
      const want = q.offset + q.limit + 1;
      // Matches are read newest first (FTS5 reads rowids in order and stops when asked), the
      // filters checked here as they come, for at most SCAN_MS per index: "best first" ranks
      // the newest RANK_WINDOW matches, and a filter few matches pass ends at the time limit
      // with what it found (complete: false) rather than read a million lines.
      // Each match with when it happened (a run's creation, a line's time): "newest first"
      // is the newest match first, one order for both indexes, so pages follow each other.
      const cols = keep ? ', r.status, r.lane, r.kind, r.task_id, r.created_at' : '';
      const runs = scan(`SELECT s.rowid, s.rowid, r.created_at${cols}
          FROM search_runs s JOIN runs r ON r.id = s.rowid WHERE search_runs MATCH ? ORDER BY s.rowid DESC`,
        runsMatch, rank ? Math.max(RANK_WINDOW, want) : want, keep, false, false, q.syntax === 'fts');
      // A run may have many matching lines: newest first reads lines until it has seen
      // enough runs; best first ranks a window of lines.
      const logs = scan(`SELECT s.rowid, l.run_id, l.at${cols}
          FROM search_logs s JOIN run_logs l ON l.id = s.rowid${keep ? ' JOIN runs r ON r.id = l.run_id' : ''}
          WHERE search_logs MATCH ? ORDER BY s.rowid DESC`,
        logsMatch, rank ? Math.max(RANK_WINDOW, want * 4) : want, keep, true, !rank, q.syntax === 'fts');
      const marks = hitWords(q);
      if (rank) scoreAll(runs.found, logs.found, marks);
      const merged = rank
        ? [...runs.found, ...logs.found].sort((a, b) => a.rank - b.rank || b.id - a.id)
        : [...runs.found, ...logs.found].sort((a, b) => b.at - a.at || b.id - a.id || (b.line ?? 0) - (a.line ?? 0));
      const best = new Map<number, Candidate>();
      for (const c of merged) if (!best.has(c.id)) best.set(c.id, c);
      const page = [...best.values()].slice(q.offset, q.offset + q.limit);
      const more = best.size > q.offset + q.limit;
      const json = (xs: number[]) => JSON.stringify(xs);
      const rows = page.length
        ? prepared(`SELECT ${RUN_COLUMNS} FROM runs WHERE id IN (SELECT value FROM json_each(?))`).all(json(page.map((c) => c.id))) as RunRow[]
        : [];
      const lineIds = page.flatMap((c) => (c.line === undefined ? [] : [c.line]));
      const lines = new Map((lineIds.length
        ? prepared(`SELECT id, seq, stream, at, text FROM run_logs WHERE id IN (SELECT value FROM json_each(?))`).all(json(lineIds)) as
          { id: number; seq: number; stream: LogStream; at: number; text: string }[]
        : []).map((l) => [l.id, l]));
      const byId = new Map(rows.map((r) => [r.id, r]));
      const hits: SearchHit[] = [];
      for (const c of page) {
        const row = byId.get(c.id);
        if (!row) continue;
        const line = c.line !== undefined ? lines.get(c.line) : undefined;
        if (line) {
          hits.push({ run: toRun(row), match: { field: 'log', parts: snippet(line.text, marks), seq: line.seq, stream: line.stream, at: line.at } });
        } else {
          // The field the words are in (name, tags, input), else the first that has text.
          const fields = runFields(row);
          const text = fields.find((f) => [...f.matchAll(WORD)].some((t) => isHit(t[0], marks))) ?? fields.find(Boolean) ?? '';
          hits.push({ run: toRun(row), match: { field: 'run', parts: snippet(text, marks) } });
        }
      }
      return { hits, more, pending: left, complete: runs.complete && logs.complete };
    },
  };
}

export type SearchIndex = ReturnType<typeof createSearchIndex>;

/**
 * Keeps the index (and whatever else `work` derives: the daily rollups) following the
 * writes, off the write path. Modes: idle (nothing armed),
 * armed (a timer will index), indexing (a chunk per event-loop turn until nothing is left).
 * `kick` (after each flush) arms the timer. While the engine is busy (runs in flight, a
 * flush waiting), indexing waits for it, so runs are never slowed to index them; but the
 * index never lags more than MAX_LAG_MS behind: past that it indexes one chunk per
 * BUSY_STEP_MS even while busy. A search indexes what is left first, so it is current
 * whatever the lag. Real timers, not the engine's clock: this is housekeeping, not
 * behaviour a test schedules.
 */
export class Indexer {
  static readonly DELAY_MS = 100;
  static readonly MAX_LAG_MS = 2_000;
  static readonly BUSY_STEP_MS = 250;
  #armed = false;
  #closed = false;
  /** When indexing first waited for the engine (null: it is not waiting). */
  #waitingSince: number | null = null;
  readonly #index: Pick<SearchIndex, 'catchUp'>;
  readonly #busy: () => boolean;
  readonly #onError: (error: unknown) => void;

  constructor(index: Pick<SearchIndex, 'catchUp'>, busy: () => boolean, onError: (error: unknown) => void) {
    this.#index = index;
    this.#busy = busy;
    this.#onError = onError;
  }

  kick(): void {
    if (this.#armed || this.#closed) return;
    this.#arm(Indexer.DELAY_MS);
  }

  #arm(ms: number): void {
    this.#armed = true;
    setTimeout(() => this.#run(), ms).unref();
  }

  #run(): void {
    if (this.#closed) return;
    const now = performance.now();
    const lagging = this.#waitingSince !== null && now - this.#waitingSince >= Indexer.MAX_LAG_MS;
    if (this.#busy() && !lagging) {
      this.#waitingSince ??= now;
      this.#arm(Indexer.DELAY_MS);
      return;
    }
    let more = false;
    try {
      more = !this.#index.catchUp(SLICE_MS);
    } catch (error) {
      // The marks did not move: the same rows are indexed at the next kick.
      this.#armed = false;
      this.#waitingSince = null;
      this.#onError(error);
      return;
    }
    if (!more) {
      this.#armed = false;
      this.#waitingSince = null;
    } else if (this.#busy()) {
      this.#arm(Indexer.BUSY_STEP_MS);
    } else {
      this.#waitingSince = null;
      setImmediate(() => this.#run());
    }
  }

  close(): void { this.#closed = true; }
}
