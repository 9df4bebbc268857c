// Runs one attempt of a claimed run: parses its input, calls the kind's handler with an
// AbortSignal, and settles exactly once, on the handler's return or throw, on timeout, on
// cancel or on shutdown. A handler that ignores its signal no longer holds the lane slot.
import type { ClaimedRow } from '../db/run-store';
import type { Clock } from '../util/clock';
import type { LogStream } from '../api/types';
import { KindError, type KindRegistry, type RunContext } from '../kinds';
import { TasklaneError } from '../errors';

export type Outcome =
  | { type: 'succeeded'; result: unknown }
  | { type: 'failed'; attemptOutcome: 'failed' | 'timeout'; code: string; message: string; retryable: boolean; exitCode: number | null }
  | { type: 'interrupted' }
  | { type: 'cancelled' };

export interface Execution {
  readonly row: ClaimedRow;
  /** The lane that claimed the run, and when this attempt started. */
  readonly lane: string;
  readonly startedAt: number;
  /** Aborts the handler's signal (cancel, timeout, shutdown). */
  abort(reason: unknown): void;
  /** A stop aborts the handler: a failure it reports from now on (the killed process, the
   *  aborted request) is the stop's doing, so it counts as interrupted, not as a failure. */
  interrupt(reason: unknown): void;
  settled: boolean;
  /** Called once with the outcome; frees the lane slot. */
  settle(outcome: Outcome): void;
  /** The process group the handler started, if any (ctx.track). */
  pid: number | null;
  /** Resolves when the handler itself has returned or thrown (a stop waits for it). */
  whenEnded(): Promise<void>;
}

export interface ExecuteDeps {
  clock: Clock;
  kinds: KindRegistry;
  log(runId: number, stream: LogStream, text: string): void;
  progress(runId: number, percent: number, message: string | null): void;
  onSettled(exec: Execution, outcome: Outcome): void;
  track(exec: Execution, pid: number): void;
}

export function errorOutcome(error: unknown): Outcome {
  if (error instanceof KindError) {
    return { type: 'failed', attemptOutcome: 'failed', code: error.code, message: error.message,
      retryable: error.retryable, exitCode: error.exitCode ?? null };
  }
  if (error instanceof TasklaneError) {
    return { type: 'failed', attemptOutcome: 'failed', code: error.code, message: error.message, retryable: false, exitCode: null };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { type: 'failed', attemptOutcome: 'failed', code: 'HANDLER_ERROR', message: message || 'the handler failed', retryable: true, exitCode: null };
}

/** Starts the attempt; `deps.onSettled` hears once how it ended (which frees the lane slot). */
export function execute(row: ClaimedRow, lane: string, startedAt: number, deps: ExecuteDeps,
  register: (exec: Execution) => void): void {
  // The AbortController is made on the first read of ctx.signal: a handler that never
  // looks at it (most quick ones) costs no controller (6% of a no-op drain's profile).
  let controller: AbortController | undefined;
  let abortReason: unknown;
  let aborted = false;
  let timer: unknown;
  // Made only when a stop asks: a promise per run would cost the drain.
  let handlerEnded = false;
  let stopping = false;
  let endWaiters: (() => void)[] | undefined;
  const markEnded = () => {
    handlerEnded = true;
    if (endWaiters) for (const resolve of endWaiters) resolve();
  };
  const exec: Execution = {
    row,
    lane,
    startedAt,
    abort(reason) {
      if (aborted) return;
      aborted = true;
      abortReason = reason;
      controller?.abort(reason);
    },
    settled: false,
    pid: null,
    whenEnded: () => (handlerEnded ? Promise.resolve() : new Promise<void>((resolve) => { (endWaiters ??= []).push(resolve); })),
    interrupt(reason) {
      stopping = true;
      exec.abort(reason);
    },
    settle(outcome) {
      if (exec.settled) return;
      exec.settled = true;
      if (stopping && outcome.type === 'failed') outcome = { type: 'interrupted' };
      if (timer !== undefined) deps.clock.clearTimeout(timer);
      deps.onSettled(exec, outcome);
    },
  };
  register(exec);

  let input: unknown;
  try {
    input = deps.kinds.parseInput(row.kind, JSON.parse(row.input));
  } catch (error) {
    markEnded();
    exec.settle(errorOutcome(error));
    return;
  }
  const def = deps.kinds.get(row.kind)!;

  if (row.timeoutMs !== null) {
    timer = deps.clock.setTimeout(() => {
      const message = `the attempt took longer than its timeout of ${row.timeoutMs} ms`;
      exec.abort(new KindError('TIMEOUT', message));
      exec.settle({ type: 'failed', attemptOutcome: 'timeout', code: 'TIMEOUT', message, retryable: true, exitCode: null });
    }, row.timeoutMs);
  }

  const ctx: RunContext = {
    runId: row.id,
    attempt: row.attempt,
    get signal() {
      if (!controller) {
        controller = new AbortController();
        if (aborted) controller.abort(abortReason);
      }
      return controller.signal;
    },
    log(stream, text) { if (!exec.settled) deps.log(row.id, stream, text); },
    progress(percent, message) {
      if (exec.settled) return;
      const p = Math.max(0, Math.min(100, Math.round(Number(percent) || 0)));
      deps.progress(row.id, p, message ?? null);
    },
    track(pid) {
      exec.pid = pid;
      deps.track(exec, pid);
    },
  };

  let result: unknown;
  try {
    result = def.run(input, ctx);
  } catch (error) {
    markEnded();
    exec.settle(errorOutcome(error));
    return;
  }
  if (result instanceof Promise) {
    result.then(
      (value) => { markEnded(); exec.settle({ type: 'succeeded', result: value }); },
      (error) => { markEnded(); exec.settle(errorOutcome(error)); },
    );
  } else {
    markEnded();
    exec.settle({ type: 'succeeded', result });
  }
}
