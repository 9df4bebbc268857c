// A read that follows events (the tray's counts) at most every `minMs`, and never taking
// more than 1/`share` of the time: after a read that took t ms, the next waits at least
// share × t. Counting a million queued runs takes ~0.2 s; this keeps the engine free.
export function adaptiveThrottle(read: () => void, opts: { minMs: number; share: number }) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let gap = opts.minMs;
  return {
    /** Something changed: read soon (once, however many calls come meanwhile). */
    poke(): void {
      timer ??= setTimeout(() => {
        timer = undefined;
        const t0 = performance.now();
        read();
        gap = Math.max(opts.minMs, opts.share * (performance.now() - t0));
      }, gap);
    },
    cancel(): void { clearTimeout(timer); timer = undefined; },
  };
}
