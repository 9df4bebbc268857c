// Runs one attempt of a claimed run: parses its input, calls the kind's handler with an
// AbortSignal, and settles exactly once, on the handler's return or throw, on timeout, on
// cancel or on shutdown. A handler that ignores its signal no longer holds the lane slot.
import type { ClaimedRow } from '../db/run-store';
import type { Clock } from '../util/clock';
import type { LogStream } from '../api/types';
import { KindError, type KindRegistry, type RunContext } from '../kinds';
import { TasklaneError } from '../errors';
import { fillSecrets, maskSecrets, MissingSecret } from '../secrets/secrets';
import { mapStrings } from '../util/map-strings';

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
  processTag(runId: number, attempt: number): string;
  /** The secrets of a task's runs, opened (null: it has none; most runs ask nothing: taskId null). */
  secretsOf?(taskId: number): Record<string, string> | null;
  /** Copies a file in as the run's (artifacts/artifacts.ts); throws why it cannot. */
  artifact(runId: number, path: string, base: string, within: boolean): Promise<{ name: string; size: number }>;
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

/**
 * One attempt under way. A class, not an object of closures: its methods live on the
 * prototype, so a run allocates two small objects (this and its context), which a drain
 * of no-op runs measures (BENCHMARKS.md: closures per run doubled its GC time).
 */
class Attempt implements Execution {
  settled = false;
  pid: number | null = null;
  // The AbortController is made on the first read of ctx.signal: a handler that never
  // looks at it (most quick ones) costs no controller (6% of a no-op drain's profile).
  controller: AbortController | undefined = undefined;
  abortReason: unknown = undefined;
  aborted = false;
  timer: unknown = undefined;
  stopping = false;
  handlerEnded = false;
  endWaiters: (() => void)[] | undefined = undefined;
  /** The run's secrets, when its task has some: given to the handler, masked in what it gives back. */
  secrets: Record<string, string> | undefined = undefined;

  constructor(readonly row: ClaimedRow, readonly lane: string, readonly startedAt: number, readonly deps: ExecuteDeps) {}

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.abortReason = reason;
    this.controller?.abort(reason);
  }

  interrupt(reason: unknown): void {
    this.stopping = true;
    this.abort(reason);
  }

  settle(outcome: Outcome): void {
    if (this.settled) return;
    this.settled = true;
    if (this.secrets) outcome = maskOutcome(outcome, Object.values(this.secrets));
    if (this.stopping && outcome.type === 'failed') outcome = { type: 'interrupted' };
    if (this.timer !== undefined) this.deps.clock.clearTimeout(this.timer);
    this.deps.onSettled(this, outcome);
  }

  /** The handler returned or threw. */
  ended(outcome: Outcome): void {
    this.handlerEnded = true;
    if (this.endWaiters) for (const resolve of this.endWaiters) resolve();
    this.settle(outcome);
  }

  // Made only when a stop asks: a promise per run would cost the drain.
  whenEnded(): Promise<void> {
    if (this.handlerEnded) return Promise.resolve();
    return new Promise<void>((resolve) => { (this.endWaiters ??= []).push(resolve); });
  }

  timeout(): void {
    const message = `the attempt took longer than its timeout of ${this.row.timeoutMs} ms`;
    this.abort(new KindError('TIMEOUT', message));
    this.settle({ type: 'failed', attemptOutcome: 'timeout', code: 'TIMEOUT', message, retryable: true, exitCode: null });
  }
}

/** What the handler sees of its attempt. */
class Context implements RunContext {
  readonly #a: Attempt;
  readonly runId: number;
  readonly attempt: number;

  constructor(a: Attempt) {
    this.#a = a;
    this.runId = a.row.id;
    this.attempt = a.row.attempt;
  }

  get signal(): AbortSignal {
    const a = this.#a;
    if (!a.controller) {
      a.controller = new AbortController();
      if (a.aborted) a.controller.abort(a.abortReason);
    }
    return a.controller.signal;
  }

  log(stream: LogStream, text: string): void {
    const a = this.#a;
    if (!a.settled) a.deps.log(this.runId, stream, a.secrets ? maskSecrets(text, Object.values(a.secrets)) : text);
  }

  get secrets(): Readonly<Record<string, string>> {
    return this.#a.secrets ?? NO_SECRETS;
  }

  progress(percent: number, message?: string): void {
    if (this.#a.settled) return;
    const p = Math.max(0, Math.min(100, Math.round(Number(percent) || 0)));
    this.#a.deps.progress(this.runId, p, message ?? null);
  }

  async artifact(path: string, base = process.cwd(), within = false): Promise<void> {
    if (this.#a.settled) return;
    try {
      const kept = await this.#a.deps.artifact(this.runId, path, base, within);
      this.log('info', `kept ${kept.name} (${kept.size.toLocaleString('en-US')} bytes)`);
    } catch (e) {
      this.log('info', `not kept: ${(e as Error).message}`);
    }
  }

  track(pid: number): void {
    this.#a.pid = pid;
    this.#a.deps.track(this.#a, pid);
  }

  get processTag(): string {
    return this.#a.deps.processTag(this.runId, this.attempt);
  }
}

const NO_SECRETS: Readonly<Record<string, string>> = Object.freeze({});

/** What an attempt gives back, with any secret's value masked (its result, its error). */
function maskOutcome(outcome: Outcome, values: string[]): Outcome {
  if (outcome.type === 'failed') return { ...outcome, message: maskSecrets(outcome.message, values) };
  if (outcome.type === 'succeeded') return { type: 'succeeded', result: mapStrings(outcome.result, (s) => maskSecrets(s, values)) };
  return outcome;
}

/** Starts the attempt; `deps.onSettled` hears once how it ended (which frees the lane slot). */
export function execute(row: ClaimedRow, lane: string, startedAt: number, deps: ExecuteDeps,
  register: (exec: Execution) => void): void {
  const exec = new Attempt(row, lane, startedAt, deps);
  register(exec);

  let input: unknown;
  try {
    let raw = JSON.parse(row.input) as unknown;
    // A run of a task with secrets: {{secret.NAME}} filled in for this attempt only.
    const secrets = row.taskId !== null && deps.secretsOf ? deps.secretsOf(row.taskId) : null;
    if (secrets) exec.secrets = secrets;
    if (secrets || row.input.includes('{{')) {
      try {
        raw = fillSecrets(raw, secrets ?? {});
      } catch (e) {
        if (e instanceof MissingSecret) throw new KindError('SECRET_NOT_FOUND', e.message, { retryable: false });
        throw e;
      }
    }
    input = deps.kinds.parseInput(row.kind, raw);
  } catch (error) {
    exec.ended(errorOutcome(error));
    return;
  }
  const def = deps.kinds.get(row.kind)!;
  if (row.timeoutMs !== null) exec.timer = deps.clock.setTimeout(() => exec.timeout(), row.timeoutMs);

  let result: unknown;
  try {
    result = def.run(input, new Context(exec));
  } catch (error) {
    exec.ended(errorOutcome(error));
    return;
  }
  if (result instanceof Promise) {
    result.then(
      (value) => exec.ended({ type: 'succeeded', result: value }),
      (error) => exec.ended(errorOutcome(error)),
    );
  } else {
    exec.ended({ type: 'succeeded', result });
  }
}
