// The engine's only source of time. Tests pass a fake clock and move it by hand.
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

// setTimeout fires at once for delays above 2^31-1 ms; sleep in steps instead.
const MAX_DELAY = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const delay = Math.max(0, Math.min(ms, MAX_DELAY));
    const handle = setTimeout(fn, delay);
    handle.unref?.();
    return handle;
  },
  clearTimeout(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};
