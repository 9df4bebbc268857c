// Full-text search over runs (name, tags, the text of their input) and their log lines,
// with SQLite FTS5 (tables in drizzle/0011).
//
// Indexing is not on the write path: runs and log lines are written as before, and the
// index follows behind them by id. `search_state` holds two marks: every run with an id up
// to runs_done, and every log line with an id up to logs_done, is indexed. `catchUp`
// indexes the rows past the marks in one transaction of at most a chunk and moves the
// marks in it, so a crash leaves index and marks in step (the next start goes on from the
// marks). The engine calls `kick` after each flush; the indexer then works in chunks of
// CHUNK rows, one per event-loop turn, so a big backlog (an existing database, a burst of
// logs) never holds the thread. A search first indexes what is left (when that is little),
// so it finds a line written a moment ago. Triggers take deleted runs and lines out.
//
// A run's name, tags and input do not change once written; a command that changes them
// must index the run again (deleteRun + the row past the marks is not enough).
import type Database from 'better-sqlite3';
import { statementCache } from '../db/statements';
import type { z } from 'zod';
import type { LogStream, SearchHit, SearchResult, SnippetPart } from '../api/types';
import type { searchInput } from '../api/schemas';
import { IN_STATUS_INDEX, RUN_COLUMNS, toRun, type RunRow } from '../db/run-store';
import { TasklaneError } from '../errors';
import { runConditions } from '../runs/queries';

/** Rows (runs, then log lines) indexed per transaction. */
const CHUNK = 2_000;
/** A search indexes what is left first, when it is at most this many rows (else it answers
 *  with `pending`, and the background indexer goes on). */
const CATCH_UP_BEFORE_SEARCH = 20_000;
/** Input fields whose values are never indexed (they may hold secrets). */
const UNINDEXED_KEYS = new Set(['env', 'headers']);
const HIT_OPEN = '\u0001';
const HIT_CLOSE = '\u0002';

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

/** A query in words: each word must occur, the last one as a prefix (the person may still
 *  be typing it). Punctuation separates words, as it does in the index. */
export function wordsQuery(text: string): string | null {
  const words = text.match(/[\p{L}\p{N}]+/gu);
  if (!words) return null;
  return words.map((w, i) => `"${w}"${i === words.length - 1 ? '*' : ''}`).join(' ');
}

function parts(snippet: string): SnippetPart[] {
  const out: SnippetPart[] = [];
  for (const piece of snippet.split(HIT_OPEN)) {
    const close = piece.indexOf(HIT_CLOSE);
    if (close < 0) { if (piece) out.push({ text: piece }); continue; }
    out.push({ text: piece.slice(0, close), hit: true });
    if (close + 1 < piece.length) out.push({ text: piece.slice(close + 1) });
  }
  return out;
}

interface Candidate { id: number; rank: number; snip: string; seq?: number; stream?: LogStream; at?: number }

export function createSearchIndex(db: Database.Database) {
  const marks = db.prepare<[], { runsDone: number; logsDone: number }>(`SELECT runs_done AS runsDone, logs_done AS logsDone FROM search_state WHERE id = 1`);
  const newRuns = db.prepare<[number, number], { id: number; name: string | null; tags: string; input: string }>(
    `SELECT id, name, tags, input FROM runs WHERE id > ? ORDER BY id LIMIT ?`);
  const newLogs = db.prepare<[number, number], { id: number; text: string }>(`SELECT id, text FROM run_logs WHERE id > ? ORDER BY id LIMIT ?`);
  const addRun = db.prepare<[number, string, string, string]>(`INSERT INTO search_runs (rowid, name, tags, body) VALUES (?, ?, ?, ?)`);
  const addLog = db.prepare<[number, string]>(`INSERT INTO search_logs (rowid, text) VALUES (?, ?)`);
  const setMarks = db.prepare<[number, number]>(`UPDATE search_state SET runs_done = ?, logs_done = ? WHERE id = 1`);
  // Counted up to a bound: past it, "more than" is all a search needs to know.
  const pendingRuns = db.prepare<[number, number], number>(`SELECT COUNT(*) FROM (SELECT 1 FROM runs WHERE id > ? LIMIT ?)`).pluck();
  const pendingLogs = db.prepare<[number, number], number>(`SELECT COUNT(*) FROM (SELECT 1 FROM run_logs WHERE id > ? LIMIT ?)`).pluck();
  const prepared = statementCache(db);

  /** Indexes up to `limit` runs and `limit` log lines past the marks, in one transaction.
   *  Returns how many rows it indexed. */
  const step = db.transaction((limit: number): number => {
    const m = marks.get()!;
    let { runsDone, logsDone } = m;
    const runs = newRuns.all(runsDone, limit);
    for (const r of runs) {
      const tags = r.tags === '[]' ? '' : (JSON.parse(r.tags) as string[]).join(' ');
      const body = inputText(r.input);
      if (r.name || tags || body) addRun.run(r.id, r.name ?? '', tags, body);
      runsDone = r.id;
    }
    const logs = newLogs.all(logsDone, limit);
    for (const l of logs) addLog.run(l.id, l.text);
    if (logs.length) logsDone = logs[logs.length - 1].id;
    if (runs.length || logs.length) setMarks.run(runsDone, logsDone);
    return runs.length + logs.length;
  });

  /** Rows written and not indexed yet, counted up to `bound` (-1: all of them). */
  const pending = (bound = -1): number => {
    const m = marks.get()!;
    const n = pendingRuns.get(m.runsDone, bound)! + pendingLogs.get(m.logsDone, bound)!;
    return bound < 0 ? n : Math.min(n, bound);
  };

  /** The runs list's filters, on the runs joined as `r`. */
  function filters(q: SearchQuery): { where: string; params: unknown[] } {
    const { where, params } = runConditions(q, (c) => `r.${c}`);
    if (q.status?.length) {
      where.push(`r.status IN (${q.status.map(() => '?').join(', ')})`);
      params.push(...q.status);
      if (!q.status.includes('succeeded')) where.push(`r.${IN_STATUS_INDEX}`);
    }
    return { where: where.map((w) => ` AND ${w}`).join(''), params };
  }

  return {
    step: (limit = CHUNK) => step(limit),
    pending,

    search(q: SearchQuery): SearchResult {
      let left = pending(CATCH_UP_BEFORE_SEARCH + 1);
      if (left <= CATCH_UP_BEFORE_SEARCH) {
        while (step(CHUNK) > 0) { /* index what is left */ }
        left = 0;
      }
      const match = q.syntax === 'fts' ? q.query : wordsQuery(q.query);
      if (match === null) return { hits: [], more: false, pending: left };
      const { where, params } = filters(q);
      const want = q.offset + q.limit + 1;
      const order = q.order === 'newest' ? 's.rowid DESC' : 's.rank';
      let runHits: Candidate[];
      let logHits: Candidate[];
      try {
        runHits = prepared(`SELECT s.rowid AS id, s.rank AS rank,
            snippet(search_runs, -1, char(1), char(2), '…', 16) AS snip
          FROM search_runs s JOIN runs r ON r.id = s.rowid
          WHERE search_runs MATCH ?${where} ORDER BY ${order} LIMIT ?`).all(match, ...params, want) as Candidate[];
        // A run may have many matching lines: read more lines than runs wanted.
        logHits = prepared(`SELECT l.run_id AS id, s.rank AS rank, l.seq AS seq, l.stream AS stream, l.at AS at,
            snippet(search_logs, 0, char(1), char(2), '…', 16) AS snip
          FROM search_logs s JOIN run_logs l ON l.id = s.rowid JOIN runs r ON r.id = l.run_id
          WHERE search_logs MATCH ?${where} ORDER BY ${order} LIMIT ?`).all(match, ...params, want * 4) as Candidate[];
      } catch (error) {
        if (error instanceof Error && /fts5|syntax error|no such column|unterminated/i.test(error.message)) {
          throw new TasklaneError('INVALID_QUERY', `the search query is not valid FTS5 syntax (${error.message.replace(/^fts5: /, '')}); use syntax 'words' to search for plain words`, 'query');
        }
        throw error;
      }
      const merged = q.order === 'newest'
        ? [...runHits, ...logHits].sort((a, b) => b.id - a.id || a.rank - b.rank)
        : [...runHits, ...logHits].sort((a, b) => a.rank - b.rank || b.id - a.id);
      const best = new Map<number, Candidate>();
      for (const c of merged) if (!best.has(c.id)) best.set(c.id, c);
      const page = [...best.values()].slice(q.offset, q.offset + q.limit);
      const more = best.size > q.offset + q.limit;
      const rows = page.length
        ? prepared(`SELECT ${RUN_COLUMNS} FROM runs WHERE id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(page.map((c) => c.id))) as RunRow[]
        : [];
      const byId = new Map(rows.map((r) => [r.id, r]));
      const hits: SearchHit[] = [];
      for (const c of page) {
        const row = byId.get(c.id);
        if (!row) continue;
        hits.push({
          run: toRun(row),
          match: c.seq !== undefined
            ? { field: 'log', parts: parts(c.snip), seq: c.seq, stream: c.stream, at: c.at }
            : { field: 'run', parts: parts(c.snip) },
        });
      }
      return { hits, more, pending: left };
    },
  };
}

export type SearchIndex = ReturnType<typeof createSearchIndex>;

/**
 * Keeps the index following the writes, off the write path. Modes: idle (nothing armed),
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
  readonly #index: Pick<SearchIndex, 'step'>;
  readonly #busy: () => boolean;
  readonly #onError: (error: unknown) => void;

  constructor(index: Pick<SearchIndex, 'step'>, busy: () => boolean, onError: (error: unknown) => void) {
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
      more = this.#index.step() > 0;
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
