// The kind registry: what a run does. Each kind has an input schema (checked at enqueue and
// again before each attempt) and a handler that receives an AbortSignal.
import { z } from 'zod';
import type { LogStream } from './api/types';
import { TasklaneError, fromZodError } from './errors';

export interface RunContext {
  readonly runId: number;
  readonly attempt: number;
  /** Aborted on timeout, cancel or shutdown; `signal.reason` says which. */
  readonly signal: AbortSignal;
  log(stream: LogStream, text: string): void;
  progress(percent: number, message?: string): void;
  /**
   * A handler that starts a process group names its leader: the engine records it at once,
   * ends the tree if it outlives the attempt at a stop, and after a crash ends a tree the
   * dead host left before the run starts again (never two copies of one run at once).
   */
  track(pid: number): void;
  /** The secrets of the run's task, by name (a shell run puts them in its environment). */
  readonly secrets?: Readonly<Record<string, string>>;
  /**
   * Keeps a copy of the file at `path` (relative to `base`, else the process's folder) with
   * the run: listed in its detail, downloadable, removed with the run. Resolves once copied;
   * a file that cannot be kept is said in the run's log (the run goes on).
   */
  artifact(path: string, base?: string, within?: boolean): Promise<void>;
  /**
   * A value for the TASKLANE_RUN environment variable of every process the attempt starts.
   * Children inherit it, so after a crash the engine finds the attempt's processes even if
   * the crash came between the spawn and `track` (or they left the process group).
   */
  readonly processTag: string;
}

export interface KindDefinition<I = unknown> {
  input: z.ZodType<I>;
  run(input: I, ctx: RunContext): unknown | Promise<unknown>;
}

/**
 * Thrown by a handler to say more than "it failed": a stable code, whether another
 * attempt could help, and the exit code of a process.
 */
export class KindError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly exitCode?: number;

  constructor(code: string, message: string, opts: { retryable?: boolean; exitCode?: number } = {}) {
    super(message);
    this.name = 'KindError';
    this.code = code;
    this.retryable = opts.retryable ?? true;
    if (opts.exitCode !== undefined) this.exitCode = opts.exitCode;
  }
}

export class KindRegistry {
  private readonly kinds = new Map<string, KindDefinition>();

  register<I>(name: string, def: KindDefinition<I>): void {
    if (!/^[a-z][a-z0-9_.:-]{0,99}$/i.test(name)) throw new Error(`invalid kind name "${name}"`);
    this.kinds.set(name, def as KindDefinition);
  }

  get(name: string): KindDefinition | undefined {
    return this.kinds.get(name);
  }

  /** Each kind and the JSON Schema of its input (what a form for it needs). */
  describe(): { name: string; schema: Record<string, unknown> }[] {
    return [...this.kinds].map(([name, def]) => {
      let schema: Record<string, unknown>;
      try {
        schema = z.toJSONSchema(def.input, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
      } catch {
        schema = {};
      }
      return { name, schema };
    }).sort((a, b) => a.name.localeCompare(b.name));
  }

  names(): string[] {
    return [...this.kinds.keys()].sort();
  }

  /** Validates a run's input against its kind; returns the parsed input (defaults applied). */
  parseInput(kind: string, input: unknown, field = 'input'): unknown {
    const def = this.kinds.get(kind);
    if (!def) {
      const known = this.names();
      throw new TasklaneError('UNKNOWN_KIND',
        `kind '${kind}' does not exist; kinds: ${known.length ? known.join(', ') : '(none registered)'}`, 'kind');
    }
    const parsed = def.input.safeParse(input);
    if (!parsed.success) throw fromZodError(parsed.error, field);
    return parsed.data;
  }
}
