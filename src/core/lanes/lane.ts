// One lane in memory: its slots (concurrency) and its rate limit. The lane never holds
// waiting work (the queue is the database); it says how many runs it may claim now, and the
// engine claims that many. Slots are a counter: p-queue did this job before, and since the
// lane never queued anything in it, all it added was 4-5 promises per run (~9% of a no-op
// drain's profile, BENCHMARKS.md).
import type { Lane as LaneInfo, RateLimit } from '../api/types';
import type { ClaimedRow } from '../db/run-store';

export interface LaneConfig {
  name: string;
  concurrency: number;
  rateLimit: RateLimit | null;
  paused: boolean;
  createdAt: number;
}

export class LaneRunner {
  readonly name: string;
  readonly createdAt: number;
  paused: boolean;
  rateLimit: RateLimit | null;
  /** False once a claim came back short: no queued work until something wakes the lane. */
  mayHaveWork = true;
  /** Queued runs read ahead in claim order, not claimed yet (the engine's read-ahead), and
   *  whether that read reached the end of the lane's queue. Dropped whenever the lane is
   *  woken, since new work may go before them. */
  ahead: ClaimedRow[] = [];
  aheadReachedEnd = false;
  concurrency: number;
  /** Runs holding a slot (started and not yet settled). */
  active = 0;
  /** Start times of the latest runs, at most rateLimit.max of them (a sliding window). */
  private starts: number[] = [];

  constructor(config: LaneConfig) {
    this.name = config.name;
    this.createdAt = config.createdAt;
    this.paused = config.paused;
    this.rateLimit = config.rateLimit;
    this.concurrency = config.concurrency;
  }

  /** How many runs the lane may start at `now`. */
  freeSlots(now: number): number {
    if (this.paused) return 0;
    const free = this.concurrency - this.active;
    if (free <= 0 || !this.rateLimit) return Math.max(free, 0);
    return Math.min(free, this.rateTokens(now));
  }

  /** When the rate window lets another run start, or null if it does now / has no limit. */
  nextRateOpening(now: number): number | null {
    if (!this.rateLimit || this.rateTokens(now) > 0) return null;
    return this.starts[0] + this.rateLimit.intervalMs;
  }

  /** Takes a slot for one claimed run that starts now; `release()` gives it back. */
  take(now: number): void {
    this.active++;
    if (this.rateLimit) {
      this.starts.push(now);
      if (this.starts.length > this.rateLimit.max) this.starts.splice(0, this.starts.length - this.rateLimit.max);
    }
  }

  release(): void { if (this.active > 0) this.active--; }

  /** New work may be queued: claim again, and forget what was read ahead. */
  wake(): void {
    this.mayHaveWork = true;
    this.dropReadAhead();
  }

  dropReadAhead(): void {
    this.ahead = [];
    this.aheadReachedEnd = false;
  }

  configure(concurrency: number, rateLimit: RateLimit | null): void {
    this.concurrency = concurrency;
    this.rateLimit = rateLimit;
    if (rateLimit && this.starts.length > rateLimit.max) this.starts = this.starts.slice(-rateLimit.max);
    this.wake();
  }

  info(queued: number): LaneInfo {
    return {
      name: this.name, concurrency: this.concurrency, rateLimit: this.rateLimit, paused: this.paused,
      createdAt: this.createdAt, running: this.active, queued,
    };
  }

  private rateTokens(now: number): number {
    const limit = this.rateLimit!;
    const since = now - limit.intervalMs;
    let recent = 0;
    for (let i = this.starts.length - 1; i >= 0 && this.starts[i] > since; i--) recent++;
    return Math.max(limit.max - recent, 0);
  }
}
