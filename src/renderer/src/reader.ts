// The store's reads of the snapshot's parts, coalesced: however many events ask for a read,
// one is in flight at a time, and one more follows if it was asked for meanwhile.
import type { EngineEvent } from '../../core/api/types';

/**
 * One kind of read: at most one in flight; asked for meanwhile, it runs once more after. While
 * `held` (the full read is in flight) it waits, and `release` runs what was asked for.
 */
export class Reader {
  private running = false;
  private again = false;
  private during: EngineEvent[] | null = null;
  private waiters: (() => void)[] = [];

  constructor(
    /** Reads and shows; `during`: the events that arrived while it read (those newer than its answer apply to it). */
    private readonly read: (during: EngineEvent[]) => Promise<void>,
    private readonly fail: (e: unknown) => void,
    private readonly held: () => boolean = () => false,
    private readonly after: () => void = () => {},
  ) {}

  get busy(): boolean { return this.running; }

  see(events: readonly EngineEvent[]): void {
    if (this.during) for (const e of events) this.during.push(e);
  }

  /** Resolves once a read that started after this call has been shown. */
  request(): Promise<void> {
    const done = new Promise<void>((resolve) => this.waiters.push(resolve));
    if (this.running || this.held()) this.again = true;
    else void this.run();
    return done;
  }

  release(): void {
    if (this.again && !this.running) { this.again = false; void this.run(); }
  }

  private async run(): Promise<void> {
    this.running = true;
    const during: EngineEvent[] = (this.during = []);
    try { await this.read(during); } catch (e) { this.fail(e); }
    this.running = false;
    this.during = null;
    this.after();
    if (this.again) {
      if (!this.held()) { this.again = false; void this.run(); }
      return;
    }
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}
