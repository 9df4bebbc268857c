// How many runs are in each status, per lane: kept in memory, moved by every status change
// as it is written (transitions.ts, the insert of a new run, a discard), so that `counts`
// answers without reading the table (a count of a million queued runs took ~0.2 s).
//
// Loaded by one full count the first time it is read, not at start (a start with a million
// runs stays quick). A write that rolls back, and a prune (it deletes in bulk), forget the
// numbers; the next read counts again. So the numbers are always those of the database:
// runs/moves.test.ts checks them against a full count after random operations and restarts.
// A move is on the drain's path (twice per run): one array per lane, indexed by status.
import type { Counts, RunStatus } from '../api/types';
import { RUN_STATUSES } from '../api/statuses';

const INDEX = Object.fromEntries(RUN_STATUSES.map((s, i) => [s, i])) as Record<RunStatus, number>;

export class RunCounts {
  #byLane: Map<string, number[]> | null = null;

  /** A run moved: one less at `from`, one more at `to` (null: a new run / a run gone). */
  move(lane: string, from: RunStatus | null, to: RunStatus | null): void {
    const byLane = this.#byLane;
    if (byLane === null) return;
    let c = byLane.get(lane);
    if (c === undefined) byLane.set(lane, (c = RUN_STATUSES.map(() => 0)));
    if (from !== null) c[INDEX[from]]--;
    if (to !== null) c[INDEX[to]]++;
  }

  /** The numbers are no longer known (a rollback, a bulk delete): count again when read. */
  forget(): void { this.#byLane = null; }

  read(countAll: () => { lane: string; status: string; n: number }[]): Counts {
    if (this.#byLane === null) {
      const byLane = new Map<string, number[]>();
      for (const { lane, status, n } of countAll()) {
        let c = byLane.get(lane);
        if (c === undefined) byLane.set(lane, (c = RUN_STATUSES.map(() => 0)));
        c[INDEX[status as RunStatus]] = n;
      }
      this.#byLane = byLane;
    }
    const counts: Counts = { lanes: {}, total: {} };
    for (const [lane, c] of this.#byLane) {
      c.forEach((n, i) => {
        if (!n) return;
        const status = RUN_STATUSES[i];
        (counts.lanes[lane] ??= {})[status] = n;
        counts.total[status] = (counts.total[status] ?? 0) + n;
      });
    }
    return counts;
  }
}
