// A clock for tests: time moves only when the test says so. Timers due by the new time
// fire in order, and the engine's queued work (microtasks, setImmediate) settles between.
import type { Clock } from './clock';

interface Timer { at: number; fn: () => void; id: number }

export interface FakeClock extends Clock {
  /** Moves time forward, firing due timers one by one and letting the engine settle. */
  advance(ms: number): Promise<void>;
  /** Moves time to an absolute instant (never backwards). */
  set(at: number): Promise<void>;
  /** Number of timers waiting. */
  pending(): number;
}

export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export function createFakeClock(start = Date.UTC(2026, 0, 1)): FakeClock {
  let now = start;
  let nextId = 1;
  const timers = new Map<number, Timer>();

  const fireDue = async (until: number) => {
    for (;;) {
      let next: Timer | undefined;
      for (const t of timers.values()) if (t.at <= until && (!next || t.at < next.at || (t.at === next.at && t.id < next.id))) next = t;
      if (!next) break;
      timers.delete(next.id);
      now = Math.max(now, next.at);
      next.fn();
      await settle();
    }
    now = until;
    await settle();
  };

  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = nextId++;
      timers.set(id, { at: now + Math.max(0, ms), fn, id });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    advance: (ms) => fireDue(now + ms),
    set: (at) => fireDue(Math.max(now, at)),
    pending: () => timers.size,
  };
}
