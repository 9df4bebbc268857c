// The command registry: the engine's handlers, one per command of the contract
// (api/contract.ts), behind one entrance. `invoke` checks that the engine is open and
// validates the input with the command's schema, so no handler does either; `dispatch`
// is every host's way in (HTTP, IPC, the CLI through HTTP): total, durable for writes.
import type { z } from 'zod';
import {
  API_CALL, COMMANDS, COMMAND_NAMES, isCommand, MAX_DEPTH, type CallContext, type CommandInput, type CommandName, type CommandParsed,
  type CommandReturn, type Outcome,
} from './api/contract';
import { fromZodError, toErrorShape } from './errors';
import { tooDeep } from './util/depth';

/** A handler per command: the input already checked, the result as the contract says. */
export type Handlers = { [N in CommandName]: (input: CommandParsed<N>, call: CallContext) => CommandReturn<N> };
/** The engine's command methods, as tests, benches and the desktop shell call them. */
export type CommandMethods = { [N in CommandName]: (input?: CommandInput<N>) => CommandReturn<N> };

export interface Registry {
  /** Checks the engine is open and the input against the command's schema, then calls the
   *  handler. Throws the typed error (ENGINE_STOPPED, INVALID_INPUT, or the handler's). */
  invoke<N extends CommandName>(name: N, input: unknown, call?: CallContext): CommandReturn<N>;
  methods(): CommandMethods;
}

export function createRegistry(handlers: Handlers, open: { assertOpen(): void }): Registry {
  const invoke = <N extends CommandName>(name: N, input: unknown, call: CallContext = API_CALL): CommandReturn<N> => {
    open.assertOpen();
    const parsed = (COMMANDS[name].input as z.ZodType).safeParse(input ?? {});
    if (!parsed.success) throw fromZodError(parsed.error);
    return (handlers[name] as (i: unknown, c: CallContext) => CommandReturn<N>)(parsed.data, call);
  };
  return {
    invoke,
    methods() {
      const methods: Record<string, (input?: unknown) => unknown> = {};
      for (const name of COMMAND_NAMES) methods[name] = (input?: unknown) => invoke(name, input);
      return methods as CommandMethods;
    },
  };
}

/** What dispatch needs of an engine. */
export interface Dispatchable {
  invoke<N extends CommandName>(name: N, input: unknown, call?: CallContext): CommandReturn<N>;
  /** Resolves once what was committed so far is on disk. */
  durable(): Promise<void>;
  readonly dbPath: string;
  /** The seq of the last event emitted. */
  readonly lastSeq: number;
}

/**
 * Every host's one way into the engine. Total: whatever the input, the answer is an
 * Outcome, never a throw; an error leaves the database as it was, except a write whose
 * fsync failed, which says so. A write is answered only once it is on disk.
 */
export async function dispatch(engine: Dispatchable, name: string, input: unknown, call: CallContext = API_CALL): Promise<Outcome<unknown>> {
  if (!isCommand(name)) {
    return { ok: false, error: { code: 'UNKNOWN_COMMAND', message: `'${name}' is not a command; commands: ${COMMAND_NAMES.join(', ')}` } };
  }
  const deep = tooDeep(input, MAX_DEPTH);
  if (deep !== null) {
    return { ok: false, error: { code: 'INVALID_INPUT', message: `${deep || 'input'}: nested more than ${MAX_DEPTH} levels deep`, field: deep || undefined } };
  }
  try {
    const answer = engine.invoke(name, input, call);
    // Events are emitted synchronously with the writes they tell of, and every read flushes
    // first, so a command answered synchronously reflects every event up to this seq. A
    // command that waits (prune, reloadPlugins) is not a snapshot: its answer has no seq.
    const seq = answer instanceof Promise ? undefined : engine.lastSeq;
    const value = await answer;
    if (COMMANDS[name].mutates) {
      try {
        await engine.durable();
      } catch (error) {
        // Written, but not confirmed on disk: say so, so that nobody sends it again.
        const code = toErrorShape(error, engine.dbPath).code;
        return { ok: false, error: { code: code.startsWith('STORAGE_') ? code : 'STORAGE_IO',
          message: `${name} was written, but the disk did not confirm it (${(error as Error).message}); it may not survive a `
            + 'power loss. Do not send it again: check with `tasklane ls`, and check the disk' } };
      }
    }
    return seq === undefined ? { ok: true, value } : { ok: true, value, seq };
  } catch (error) {
    return { ok: false, error: toErrorShape(error, engine.dbPath) };
  }
}
