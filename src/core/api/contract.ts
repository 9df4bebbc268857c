// The contract: every command of the engine, registered once, with its input schema, what
// it returns, and whether it writes. Everything else derives from this table: the engine's
// handlers must match it (engine.ts, `satisfies Handlers`), dispatch validates with it,
// the IPC bridge and the HTTP routes take its names, and the window's and the CLI's client
// types come from it. It sits at the bottom: it imports schemas and types, never the engine.
import type { z } from 'zod';
import * as s from './schemas';
import type * as T from './types';

/** One command: its input schema, and whether it writes (a write is answered only once it
 *  is on disk). `R` is what the engine's handler returns (a Promise for the few that wait). */
export interface Command<I extends z.ZodType = z.ZodType, R = unknown> {
  readonly input: I;
  readonly mutates: boolean;
  /** Never set: carries the result type. */
  readonly result?: R;
}

const reads = <I extends z.ZodType>(input: I) => ({ returns: <R>(): Command<I, R> => ({ input, mutates: false }) });
const writes = <I extends z.ZodType>(input: I) => ({ returns: <R>(): Command<I, R> => ({ input, mutates: true }) });
type Ids = { ids: number[] };

export const COMMANDS = {
  // runs
  enqueue: writes(s.enqueueInput).returns<T.EnqueueResult>(),
  enqueueMany: writes(s.enqueueManyInput).returns<T.EnqueueResult[]>(),
  cancel: writes(s.cancelInput).returns<Ids>(),
  retry: writes(s.retryInput).returns<Ids>(),
  discard: writes(s.discardInput).returns<Ids>(),
  promote: writes(s.promoteInput).returns<Ids>(),
  hold: writes(s.holdInput).returns<Ids>(),
  editRun: writes(s.editRunInput).returns<T.Run>(),
  release: writes(s.releaseInput).returns<Ids>(),
  bulk: writes(s.bulkInput).returns<Promise<T.BulkResult>>(),
  getRun: reads(s.getRunInput).returns<T.RunDetail>(),
  whyWaiting: reads(s.getRunInput).returns<T.WaitExplanation>(),
  listRuns: reads(s.listRunsInput).returns<T.RunPage>(),
  counts: reads(s.emptyInput).returns<T.Counts>(),
  getLogs: reads(s.getLogsInput).returns<T.LogPage>(),
  tailLogs: reads(s.tailLogsInput).returns<T.LogPage>(),
  prune: writes(s.pruneInput).returns<Promise<{ deleted: number }>>(),
  stats: reads(s.statsInput).returns<T.Stats>(),
  history: reads(s.historyInput).returns<T.History>(),
  search: reads(s.searchInput).returns<T.SearchResult>(),
  // lanes
  listLanes: reads(s.emptyInput).returns<T.Lane[]>(),
  createLane: writes(s.createLaneInput).returns<T.Lane>(),
  updateLane: writes(s.updateLaneInput).returns<T.Lane>(),
  pauseLane: writes(s.laneByName).returns<T.Lane>(),
  resumeLane: writes(s.laneByName).returns<T.Lane>(),
  pauseAll: writes(s.emptyInput).returns<T.Lane[]>(),
  resumeAll: writes(s.emptyInput).returns<T.Lane[]>(),
  deleteLane: writes(s.laneByName).returns<{ name: string }>(),
  // tasks
  listTasks: reads(s.emptyInput).returns<T.TaskListItem[]>(),
  createTask: writes(s.createTaskInput).returns<T.Task>(),
  updateTask: writes(s.updateTaskInput).returns<T.Task>(),
  deleteTask: writes(s.deleteTaskInput).returns<{ id: number }>(),
  runTask: writes(s.runTaskInput).returns<T.EnqueueResult>(),
  // schedules
  setSchedule: writes(s.setScheduleInput).returns<T.Task>(),
  pauseSchedule: writes(s.scheduleByTask).returns<T.Task>(),
  resumeSchedule: writes(s.scheduleByTask).returns<T.Task>(),
  clearSchedule: writes(s.scheduleByTask).returns<T.Task>(),
  previewSchedule: reads(s.previewScheduleInput).returns<T.SchedulePreview>(),
  explainMissed: reads(s.scheduleByTask).returns<T.MissedExplanation>(),
  upcomingFires: reads(s.upcomingFiresInput).returns<T.UpcomingFire[]>(),
  // plugins and setup
  listPlugins: reads(s.emptyInput).returns<T.PluginInfo[]>(),
  listKinds: reads(s.emptyInput).returns<T.KindInfo[]>(),
  describeCommand: reads(s.describeCommandInput).returns<T.CommandInfo>(),
  // notices
  getNotifyPolicy: reads(s.emptyInput).returns<T.NotifyPolicy>(),
  setNotifyPolicy: writes(s.setNotifyPolicyInput).returns<T.NotifyPolicy>(),
  // intake inbox
  listMessages: reads(s.listMessagesInput).returns<T.MessagePage>(),
  getMessage: reads(s.messageById).returns<T.Message>(),
  sendMessage: writes(s.sendMessageInput).returns<T.Message>(),
  approveMessage: writes(s.approveMessageInput).returns<T.Message>(),
  rejectMessage: writes(s.rejectMessageInput).returns<T.Message>(),
  getIntake: reads(s.emptyInput).returns<T.Intake>(),
  addIntakeSource: writes(s.addIntakeSourceInput).returns<T.IntakeToken>(),
  removeIntakeSource: writes(s.intakeSourceByName).returns<{ name: string }>(),
  setIntakeRules: writes(s.setIntakeRulesInput).returns<T.IntakeRule[]>(),
  reloadPlugins: writes(s.emptyInput).returns<Promise<T.PluginInfo[]>>(),
  exportConfig: reads(s.emptyInput).returns<T.ConfigFile>(),
  importConfig: writes(s.importInput).returns<T.ImportResult>(),
} as const;

export type CommandName = keyof typeof COMMANDS;
export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];
/** What a caller sends (defaults may be left out). */
export type CommandInput<N extends CommandName> = z.input<(typeof COMMANDS)[N]['input']>;
/** What a handler receives: the input after its schema (defaults filled in). */
export type CommandParsed<N extends CommandName> = z.output<(typeof COMMANDS)[N]['input']>;
/** What the engine's handler returns (a Promise for the few commands that wait). */
export type CommandReturn<N extends CommandName> = (typeof COMMANDS)[N] extends Command<z.ZodType, infer R> ? R : never;
/** What a client receives. */
export type CommandResult<N extends CommandName> = Awaited<CommandReturn<N>>;
/** A command's answer. `seq`: the last event emitted when the answer was made: the answer
 *  already reflects every event up to it (a window applies only later events to it). */
export type Outcome<T> = { ok: true; value: T; seq?: number } | { ok: false; error: T.ErrorShape };

/** Who calls: hosts say (HTTP: the X-Tasklane-Origin header; IPC: the window). */
export interface CallContext { origin: T.Origin }
export const API_CALL: CallContext = { origin: 'api' };

export function isCommand(name: string): name is CommandName {
  return Object.prototype.hasOwnProperty.call(COMMANDS, name);
}

/** Deeper than any real input; a deeper one would overflow the stack of whatever walks it. */
export const MAX_DEPTH = 64;
