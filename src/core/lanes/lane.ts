// One lane in memory: its slots (concurrency), its rate window and its read-ahead, all
// private; the write loop and the lane commands use the verbs below. The lane never holds
// waiting work (the queue is the database): it says how many runs it may start now, and
// keeps the next few queued rows it was handed so that most claims skip the SELECT.
// Slots are a counter: p-queue did this job before, and since the lane never queued
// anything in it, all it added was 4-5 promises per run (~9% of a no-op drain's profile,
// BENCHMARKS.md).
import type { Lane as LaneInfo, RateLimit } from '../api/types';
import type { ClaimedRow } from '../db/run-store';

export interface LaneConfig {
  name: string;
  concurrency: number;
  rateLimit: RateLimit | null;
  paused: boolean;
  createdAt: number;
  /** A run of the lane that fails or goes dead pauses the lane. */
  pauseOnFailure: boolean;
  /** Why the engine paused the lane (pause on failure); null when a person did, or it runs. */
  pausedReason: string | null;
}

export class Lane {
  readonly name: string;
  readonly createdAt: number;
  #paused: boolean;
  #pauseOnFailure: boolean;
  #pausedReason: string | null;
  #concurrency: number;
  #rateLimit: RateLimit | null;
  /** Runs holding a slot (started and not yet settled). */
  #running = 0;
  /** Start times of the latest runs, at most rateLimit.max of them (a sliding window). */
  #starts: number[] = [];
  /** False once a claim came back short: no queued work until something wakes the lane. */
  #mayHaveWork = true;
  /** Queued runs read ahead in claim order, not claimed yet, and whether that read reached
   *  the end of the lane's queue. Dropped whenever the lane is woken (new work may go first). */
  #ahead: ClaimedRow[] = [];
  #aheadReachedEnd = false;

  constructor(config: LaneConfig) {
    this.name = config.name;
    this.createdAt = config.createdAt;
    this.#paused = config.paused;
    this.#pauseOnFailure = config.pauseOnFailure;
    this.#pausedReason = config.paused ? config.pausedReason : null;
    this.#rateLimit = config.rateLimit;
    this.#concurrency = config.concurrency;
  }

  get paused(): boolean { return this.#paused; }
  get pauseOnFailure(): boolean { return this.#pauseOnFailure; }
  get concurrency(): number { return this.#concurrency; }
  get rateLimit(): RateLimit | null { return this.#rateLimit; }
  get running(): number { return this.#running; }
  /** Something may be queued here that no claim has looked at yet. */
  get mayHaveWork(): boolean { return this.#mayHaveWork; }

  // ---- slots and the rate window ----------------------------------------------------------

  /** How many runs the lane may start at `now`. */
  freeSlots(now: number): number {
    if (this.#paused) return 0;
    const free = this.#concurrency - this.#running;
    if (free <= 0 || !this.#rateLimit) return Math.max(free, 0);
    return Math.min(free, this.#rateTokens(now));
  }

  /** When the rate window lets another run start, or null if it does now / has no limit. */
  nextRateOpening(now: number): number | null {
    if (!this.#rateLimit || this.#rateTokens(now) > 0) return null;
    return this.#starts[0] + this.#rateLimit.intervalMs;
  }

  /** A claimed run starts now: it takes a slot (and a place in the rate window). */
  startRun(now: number): void {
    this.#running++;
    if (this.#rateLimit) {
      this.#starts.push(now);
      if (this.#starts.length > this.#rateLimit.max) this.#starts.splice(0, this.#starts.length - this.#rateLimit.max);
    }
  }

  /** A run of this lane settled: its slot is free. */
  finishRun(): void { if (this.#running > 0) this.#running--; }

  // ---- waking and the read-ahead ----------------------------------------------------------

  /** New work may be queued: claim again, and forget what was read ahead. */
  wake(): void {
    this.#mayHaveWork = true;
    this.dropReadAhead();
  }

  /** A claim came back short: nothing is queued until something wakes the lane. */
  ranDry(): void { this.#mayHaveWork = false; }

  dropReadAhead(): void {
    this.#ahead = [];
    this.#aheadReachedEnd = false;
  }

  /** The next row read ahead, or undefined (then `readAheadExhausted` says whether reading
   *  again could find more). */
  takeAhead(): ClaimedRow | undefined { return this.#ahead.shift(); }
  get readAheadExhausted(): boolean { return this.#aheadReachedEnd; }
  /** Keeps rows just read in claim order; `reachedEnd`: the read found fewer than it asked. */
  keepAhead(rows: ClaimedRow[], reachedEnd: boolean): void {
    this.#ahead = rows;
    this.#aheadReachedEnd = reachedEnd;
  }

  // ---- configuration ----------------------------------------------------------------------

  /** Paused by a person (no reason) or by the engine (pause on failure: why). */
  pause(reason: string | null = null): void { this.#paused = true; this.#pausedReason = reason; }
  resume(): void { this.#paused = false; this.#pausedReason = null; this.wake(); }

  configure(concurrency: number, rateLimit: RateLimit | null, pauseOnFailure = this.#pauseOnFailure): void {
    this.#pauseOnFailure = pauseOnFailure;
    this.#concurrency = concurrency;
    this.#rateLimit = rateLimit;
    if (rateLimit && this.#starts.length > rateLimit.max) this.#starts = this.#starts.slice(-rateLimit.max);
    this.wake();
  }

  config(): LaneConfig {
    return { name: this.name, concurrency: this.#concurrency, rateLimit: this.#rateLimit, paused: this.#paused, createdAt: this.createdAt,
      pauseOnFailure: this.#pauseOnFailure, pausedReason: this.#pausedReason };
  }

  info(queued: number): LaneInfo {
    return {
      name: this.name, concurrency: this.#concurrency, rateLimit: this.#rateLimit, paused: this.#paused,
      createdAt: this.createdAt, running: this.#running, queued, pauseOnFailure: this.#pauseOnFailure, pausedReason: this.#pausedReason,
    };
  }

  #rateTokens(now: number): number {
    const limit = this.#rateLimit!;
    const since = now - limit.intervalMs;
    let recent = 0;
    for (let i = this.#starts.length - 1; i >= 0 && this.#starts[i] > since; i--) recent++;
    return Math.max(limit.max - recent, 0);
  }
}
