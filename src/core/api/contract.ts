// The contract: every command the hosts (IPC, HTTP, CLI) may call, with its input schema.
// One dispatcher validates the name, calls the engine (which validates the input with the
// command's schema) and turns the outcome into a value that crosses any boundary.
import type { z } from 'zod';
import type { Engine } from '../index';
import { fromZodError, toErrorShape, type ErrorShape } from '../errors';
import { tooDeep } from '../util/depth';
import * as s from './schemas';
import { importInput } from '../tasks/config';
import type { CommandName } from './commands';

export const COMMANDS = {
  enqueue: s.enqueueInput,
  enqueueMany: s.enqueueManyInput,
  cancel: s.cancelInput,
  retry: s.retryInput,
  discard: s.discardInput,
  getRun: s.getRunInput,
  listRuns: s.listRunsInput,
  counts: s.emptyInput,
  getLogs: s.getLogsInput,
  tailLogs: s.tailLogsInput,
  prune: s.pruneInput,
  listLanes: s.emptyInput,
  createLane: s.createLaneInput,
  updateLane: s.updateLaneInput,
  pauseLane: s.laneByName,
  resumeLane: s.laneByName,
  pauseAll: s.emptyInput,
  resumeAll: s.emptyInput,
  deleteLane: s.laneByName,
  listTasks: s.emptyInput,
  createTask: s.createTaskInput,
  updateTask: s.updateTaskInput,
  deleteTask: s.deleteTaskInput,
  runTask: s.runTaskInput,
  setSchedule: s.setScheduleInput,
  pauseSchedule: s.scheduleByTask,
  resumeSchedule: s.scheduleByTask,
  clearSchedule: s.scheduleByTask,
  previewSchedule: s.previewScheduleInput,
  explainMissed: s.scheduleByTask,
  listPlugins: s.emptyInput,
  reloadPlugins: s.emptyInput,
  exportConfig: s.emptyInput,
  importConfig: importInput,
} as const satisfies { [K in keyof Engine]?: z.ZodType };

export type { CommandName };
// COMMAND_NAMES (commands.ts) and COMMANDS must name the same commands: this fails to
// compile when either lacks a name the other has.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _sameNames: Same<keyof typeof COMMANDS, CommandName> = true;
void _sameNames;
export type CommandInput<N extends CommandName> = z.input<(typeof COMMANDS)[N]>;
export type CommandResult<N extends CommandName> = Awaited<ReturnType<Engine[N]>>;
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: ErrorShape };

// Every listed command must be an engine method taking one input: a missing one fails here.
type Callable = { [K in CommandName]: (input: unknown) => unknown };
const _check = (e: Engine): Callable => e;
void _check;

export function isCommand(name: string): name is CommandName {
  return Object.prototype.hasOwnProperty.call(COMMANDS, name);
}

/** Commands that only read: answered at once. Every other command writes, and is answered
 *  only once what it wrote is on disk (engine.durable). */
export const READS: ReadonlySet<CommandName> = new Set<CommandName>(['getRun', 'listRuns', 'counts', 'getLogs', 'tailLogs',
  'listLanes', 'listTasks', 'previewSchedule', 'explainMissed', 'listPlugins', 'exportConfig']);

/** Deeper than any real input; a deeper one would overflow the stack of whatever walks it. */
export const MAX_DEPTH = 64;

/**
 * Every host's one way into the engine. Total: whatever the input, the answer is an
 * Outcome, never a throw; an error leaves the database as it was, except a write whose
 * fsync failed, which says so.
 */
export async function dispatch(engine: Engine, name: string, input: unknown): Promise<Outcome<unknown>> {
  if (!isCommand(name)) {
    return { ok: false, error: { code: 'UNKNOWN_COMMAND', message: `'${name}' is not a command; commands: ${Object.keys(COMMANDS).join(', ')}` } };
  }
  const deep = tooDeep(input, MAX_DEPTH);
  if (deep !== null) {
    return { ok: false, error: { code: 'INVALID_INPUT', message: `${deep || 'input'}: nested more than ${MAX_DEPTH} levels deep`, field: deep || undefined } };
  }
  // The command's own schema first: whatever the engine method does, bad input stops here.
  const parsed = (COMMANDS[name] as z.ZodType).safeParse(input ?? {});
  if (!parsed.success) return { ok: false, error: fromZodError(parsed.error).toJSON() };
  try {
    const fn = engine[name] as (input: unknown) => unknown;
    const value = await fn(input ?? {});
    if (!READS.has(name)) {
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
    return { ok: true, value };
  } catch (error) {
    return { ok: false, error: toErrorShape(error, engine.dbPath) };
  }
}
