// The shapes commands return and events carry: plain JSON-safe data, times in epoch ms.
// The renderer and the CLI import these types and nothing else from the engine.
import type { RunStatus } from './statuses';
import type { Backoff } from '../runs/backoff';
import type { ErrorShape } from '../errors';

export type { RunStatus } from './statuses';
export type { Backoff } from '../runs/backoff';
export type { ErrorShape, ErrorCode } from '../errors';

/** Who asked for a command: the window, the `tasklane` command, or anything else over the API. */
export type Origin = 'window' | 'cli' | 'api';
/** Where a run came from: a face (Origin), its task's schedule, a catch-up of missed fires,
 *  or 'manual' (a task run by a person, recorded before origins were). */
export type Trigger = Origin | 'manual' | 'schedule' | 'catch-up' | 'hook' | 'intake';

export interface RunError { code: string; message: string }

export interface Run {
  id: number;
  taskId: number | null;
  kind: string;
  input: unknown;
  lane: string;
  priority: number;
  status: RunStatus;
  runAt: number;
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  attempt: number;
  maxAttempts: number;
  backoff: Backoff;
  timeoutMs: number | null;
  dedupeKey: string | null;
  name: string | null;
  tags: string[];
  progress: number | null;
  progressMessage: string | null;
  result: unknown;
  error: RunError | null;
  scheduledFor: number | null;
  trigger: Trigger;
}

export type AttemptOutcome = 'succeeded' | 'failed' | 'timeout' | 'cancelled' | 'abandoned' | 'interrupted' | 'running';

export interface Attempt {
  n: number;
  startedAt: number;
  finishedAt: number | null;
  outcome: AttemptOutcome;
  error: RunError | null;
  exitCode: number | null;
}

/** Another run this one is linked to, as the run's panel lists it. */
export interface RunLink { id: number; status: RunStatus; name: string | null; kind: string; input: unknown }

/** A file a run kept (artifacts/artifacts.ts). */
export interface ArtifactInfo { name: string; size: number }

export interface RunDetail extends Run {
  attempts: Attempt[];
  /** The files it kept (a shell line `::artifact <path>`, a plugin's ctx.artifact). */
  artifacts: ArtifactInfo[];
  /** The runs it comes after (it starts once all of them succeeded). */
  after: RunLink[];
  /** The runs that come after it (the first 50, oldest first). */
  dependents: RunLink[];
  /** More than 50 come after it. */
  moreDependents: boolean;
}

export interface RunPage {
  runs: Run[];
  nextCursor: number | null;
  /** How many runs match the filter in all (every page), when asked for (`withTotal`). */
  total?: number;
}

export interface EnqueueResult { id: number; status: RunStatus; deduplicated: boolean }

export interface RateLimit { max: number; intervalMs: number }

export interface Lane {
  name: string;
  concurrency: number;
  rateLimit: RateLimit | null;
  paused: boolean;
  createdAt: number;
  running: number;
  queued: number;
  /** A run of the lane that fails or goes dead pauses the lane. */
  pauseOnFailure: boolean;
  /** Why the engine paused it ("run 42 failed: …"); null when a person paused it, or it runs. */
  pausedReason: string | null;
}

export type OverlapPolicy = 'skip' | 'queue' | 'allow';
export type CatchUpPolicy = 'once' | 'all' | 'skip';

export interface Schedule {
  cron: string | null;
  timeZone: string | null;
  runAt: number | null;
  enabled: boolean;
  overlap: OverlapPolicy;
  catchUp: CatchUpPolicy;
  catchUpMax: number;
  nextRunAt: number | null;
  lastFiredAt: number | null;
  description: string;
}

export interface SchedulePreview {
  cron: string;
  timeZone: string;
  description: string;
  fires: number[];
  /** The fires among `fires` that a spring-forward gap moved (empty on most days). */
  shifted?: ShiftedFire[];
}

/** A fire that stands for wall times that do not exist that day (the clocks jumped over them). */
export interface ShiftedFire {
  /** The fire, one of SchedulePreview.fires. */
  at: number;
  /** The first wall time it stands for, in the schedule's zone: '02:30'. */
  shiftedFrom: string;
  /** In words: '03:00, for 02:30, which does not exist that day'. */
  note: string;
}

export interface MissedExplanation {
  taskId: number;
  now: number;
  missedCount: number;
  /** True when more fires were missed than were counted (counting stops at 10,000). */
  countCapped: boolean;
  firstMissed: number | null;
  lastMissed: number | null;
  catchUp: CatchUpPolicy;
  /** The fire times the policy will enqueue runs for (scheduledFor), oldest first. */
  willRun: number[];
  summary: string;
}

export interface Task {
  id: number;
  name: string;
  kind: string;
  input: unknown;
  lane: string;
  priority: number;
  maxAttempts: number;
  backoff: Backoff;
  timeoutMs: number | null;
  tags: string[];
  createdAt: number;
  updatedAt: number;
  schedule: Schedule | null;
  /** What it does when one of its runs ends (hooks/hooks.ts). */
  hooks: TaskHook[];
  /** Its own notification policy, over the global one (null: the global one). */
  notify: Partial<NotifyPolicy> | null;
  /** The names of its secrets (their values are never shown). */
  secrets: string[];
}

/** Which happenings raise a notice (notices/notices.ts). */
export interface NotifyPolicy {
  /** A run ended failed (not retried). */
  failed: boolean;
  /** A run went dead (out of attempts, or it cannot run). */
  dead: boolean;
  /** Every run that succeeded. */
  succeeded: boolean;
  /** A run that succeeded after more than this long (ms); null: off. */
  slowSuccessMs: number | null;
  /** A schedule missed fires (Tasklane was not running). */
  missed: boolean;
  /** A run still running after 3× its task's usual time (p95 over 30 days, at least a minute). */
  longerThanUsual: boolean;
  /** A message came into the inbox and waits for review (global only: a task has no messages). */
  messages: boolean;
  /** A run still running after this long (ms); null: off. */
  runningLongerThanMs: number | null;
}

/** When a hook fires: the run succeeded; failed (failed or dead); went dead; ended in any way. */
export type HookEvent = 'succeeded' | 'failed' | 'dead' | 'ended';
/** A completion hook: run another task, or POST a signed summary to a webhook. */
export interface TaskHook {
  on: HookEvent;
  /** The task to run ({{run.id}}, {{run.status}}, {{run.task}}, {{run.result}}, {{run.error}}, {{run.log}} in its input). */
  runTask?: number;
  /** The URL to POST to, and the secret its X-Tasklane-Signature is made with. */
  webhook?: { url: string; secret: string };
}

/** The newest run of a task: its status and when that was (ended, else started, else created). */
export interface TaskLastRun { id: number; status: RunStatus; at: number }
/** A task as the tasks list shows it: with its newest run (null: it never ran). */
export interface TaskListItem extends Task { lastRun: TaskLastRun | null }

export type StatusCounts = Partial<Record<RunStatus, number>>;
export interface Counts { lanes: Record<string, StatusCounts>; total: StatusCounts }

interface RunEventBase { seq: number; at: number; runId: number; lane: string }
/**
 * An event that moves one run from a status to another carries both: a client keeps its
 * counts by taking one from `from` and adding one to `status` (`from` null: a new run;
 * `status` null: the run is gone). run.retrying, and a run.dead that follows a run.failed
 * of the same run, are not moves (no `from`): the run.failed before them was.
 */
interface Move<F extends RunStatus | null, S extends RunStatus | null> { from: F; status: S }

export type EngineEvent =
  | RunEventBase & Move<RunStatus | null, 'queued' | 'scheduled'> & { type: 'run.queued'; kind: string; name: string | null; priority: number; runAt: number }
  | RunEventBase & Move<'queued', 'running'> & { type: 'run.started'; attempt: number; kind: string; name: string | null }
  | RunEventBase & { type: 'run.progress'; progress: number; message: string | null }
  | RunEventBase & { type: 'run.log'; logSeq: number; stream: LogStream; text: string }
  | RunEventBase & Move<'running', 'succeeded'> & { type: 'run.succeeded'; attempt: number; durationMs: number; result: unknown }
  | RunEventBase & Move<'running', 'retrying' | 'dead' | 'failed'> & { type: 'run.failed'; attempt: number; error: RunError }
  | RunEventBase & { type: 'run.retrying'; attempt: number; runAt: number }
  | RunEventBase & { type: 'run.dead'; error: RunError; status: 'dead'; from?: RunStatus | null }
  | RunEventBase & Move<RunStatus, 'cancelled'> & { type: 'run.cancelled' }
  | RunEventBase & Move<'running', 'abandoned'> & { type: 'run.abandoned'; attempt: number }
  | RunEventBase & Move<RunStatus, null> & { type: 'run.discarded' }
  | RunEventBase & Move<RunStatus, 'held'> & { type: 'run.held' }
  /** A waiting run was changed before it started (editRun): its priority, name or input, or
   *  its lane (`fromLane`: where it was; `lane`: where it is now). Not a move of status. */
  | RunEventBase & { type: 'run.edited'; fromLane: string; status: RunStatus; priority: number }
  /** Finished runs were deleted by retention: counts and lists changed; read them again. */
  | { type: 'runs.pruned'; seq: number; at: number; deleted: number }
  | { type: 'lane.changed'; seq: number; at: number; lane: string; deleted: boolean }
  /**
   * A task's schedule came due and moved on (its nextRunAt changed). `fired`: the runs it
   * enqueued, on time or for missed fires; `caughtUp`: those of them that were for missed
   * fires; `missed`: the fire times more than a minute late when the scheduler looked (the
   * app was closed or the machine asleep), run or not (counting stops at 1,000).
   */
  | { type: 'schedule.fired'; seq: number; at: number; taskId: number; lane: string; fired: number; caughtUp: number; missed: number }
  /** What the notification policy tells the person (one, or a summary of `count`). */
  | { type: 'notice'; seq: number; at: number; title: string; body: string; runId: number | null; count: number }
  /** A message came into the inbox, or was decided (approved, rejected). */
  | { type: 'message'; seq: number; at: number; id: number; source: string; status: MessageStatus };

export type EngineEventType = EngineEvent['type'];
export type EventOf<T extends EngineEventType> = Extract<EngineEvent, { type: T }>;

export type LogStream = 'stdout' | 'stderr' | 'info';

export interface LogLine { seq: number; stream: LogStream; at: number; text: string }
export interface LogPage { runId: number; lines: LogLine[]; /** Pass as afterSeq to get what follows. */ lastSeq: number }


export interface ImportResult { lanes: number; tasks: number }

/** The setup as a file (exportConfig / importConfig): lanes, and tasks with their schedules. */
export interface ConfigFile {
  version: 1;
  lanes: { name: string; concurrency: number; rateLimit: RateLimit | null }[];
  tasks: {
    name: string; kind: string; input: unknown; lane: string; priority: number; maxAttempts: number; backoff: Backoff;
    timeoutMs: number | null; tags: string[];
    /** Its own notification policy, when it has one. */
    notify?: Partial<NotifyPolicy>;
    /** Hooks, a task to run named by its name. */
    hooks?: (Omit<TaskHook, 'runTask'> & { runTask?: string })[];
    schedule: null | ({ cron: string | null; timeZone: string | null } | { runAt: number | null })
      & { overlap: OverlapPolicy; catchUp: CatchUpPolicy; catchUpMax: number; enabled: boolean };
  }[];
  /** The inbox's rules, when there are any (sources are not exported: their tokens are
   *  known only to their senders; add them again). */
  intake?: { rules: IntakeRule[] };
}

/** A plugin file found in <data folder>/plugins, with the reason it failed to load, if it did. */
export interface PluginInfo { file: string; kind: string; ok: boolean; error: string | null }

/** A kind of work and what its input takes, as JSON Schema (draft 2020-12, zod 4's output):
 *  the window builds its form from it. */
export interface KindInfo { name: string; builtIn: boolean; schema: Record<string, unknown> }
/** A command as the contract registers it: whether it writes, and the JSON Schema of what it
 *  takes (defaults, bounds and choices included): forms and scripts read it. */
export interface CommandInfo { name: string; mutates: boolean; input: Record<string, unknown> }

/** How many runs ended, and how. */
export interface OutcomeCounts { runs: number; succeeded: number; failed: number; dead: number; cancelled: number }
/** Of the runs that ran, from the last attempt's start to the end; estimated from a duration
 *  histogram (the upper bound of the bucket that holds them). */
export interface Percentiles { p50Ms: number | null; p95Ms: number | null }

export interface StatsRow extends OutcomeCounts, Percentiles {
  /** The task's name ('(no task)' for runs without one), the lane, or the kind. */
  key: string;
  taskId: number | null;
}
export interface Stats { from: number; to: number; groupBy: 'task' | 'lane' | 'kind'; rows: StatsRow[] }

/** A piece of a snippet: the words that matched have `hit`. */
export interface SnippetPart { text: string; hit?: true }
/** A run found by search, and where it matched best: its name, tags or input (field 'run'),
 *  or one of its log lines (field 'log', with the line's seq and stream). */
export interface SearchHit {
  run: Run;
  match: { field: 'run' | 'log'; parts: SnippetPart[]; seq?: number; stream?: LogStream; at?: number };
}
export interface SearchResult {
  hits: SearchHit[];
  /** More hits follow (ask again with offset + limit). */
  more: boolean;
  /** Rows written but not indexed yet (an existing database being indexed); 0 when current. */
  pending: number;
  /** false: the search reached its time limit before it had read every match (a filter
   *  that few of a common word's matches pass); the hits are the newest it read. */
  complete: boolean;
}

/** One hour or day of history (runs that ended in it). */
export interface HistoryPoint extends OutcomeCounts, Percentiles { at: number }
export interface History { from: number; to: number; bucket: 'hour' | 'day'; points: HistoryPoint[] }

/** A fire to come of an enabled schedule. */
export interface UpcomingFire { taskId: number; task: string; lane: string; at: number; timeZone: string | null }

/** Why a run is not running (whyWaiting): every reason that holds right now. */
export interface WaitReason {
  code: 'not-waiting' | 'held' | 'scheduled' | 'backoff' | 'after' | 'overlap' | 'lane-missing' | 'lane-paused' | 'lane-full'
    | 'rate-limited' | 'queued-behind' | 'starting';
  message: string;
  /** When it stops holding (scheduled, backoff, rate-limited). */
  until?: number;
  /** The run it waits for (after, overlap). */
  runId?: number;
}
export interface WaitExplanation { runId: number; status: RunStatus; now: number; reasons: WaitReason[] }

/** What a bulk action did: runs moved, and runs left as they were (changed meanwhile, or a
 *  retry of a run whose parent ended without success). */
export interface BulkResult { action: 'retry' | 'cancel' | 'discard'; done: number; skipped: number }

// ---- intake inbox ------------------------------------------------------------------------

export type MessageStatus = 'pending' | 'approved' | 'rejected';
/** What a message asks for: a run of a task by name (its input, or the task's own), or a new task. */
export type Proposal = { task: string; input?: unknown } | { createTask: Record<string, unknown> };
/** A message that came in, what was proposed of it, and what was decided. */
export interface Message {
  id: number;
  source: string;
  receivedAt: number;
  format: 'text' | 'json';
  /** The message as it came (in a list, its first 4,000 characters: see `cut`). */
  body: string;
  /** A list cut the body short (getMessage has all of it). */
  cut: boolean;
  status: MessageStatus;
  proposal: Proposal | null;
  /** The rule that proposed it (its name, or "rule N"). */
  rule: string | null;
  /** Why it was rejected, or why nothing is proposed. */
  reason: string | null;
  decidedAt: number | null;
  /** window, cli, api, or "rule <name>" when a rule approved it. */
  decidedBy: string | null;
  /** What was approved: the proposal, or the person's edit of it. */
  approved: Proposal | null;
  runId: number | null;
  taskId: number | null;
}
export interface MessagePage { messages: Message[]; more: boolean; counts: Record<MessageStatus, number> }
export interface IntakeRule { name?: string; source?: string; match?: string; task?: string; input?: unknown; autoApprove: boolean }
export interface IntakeSource { name: string; createdAt: number; messages: number }
export interface Intake {
  sources: IntakeSource[];
  rules: IntakeRule[];
  /** The inbox folder: a .json or .txt file put here is a message (null: no data folder). */
  folder: string | null;
}
/** A source's token, shown once when made. */
export interface IntakeToken { name: string; token: string }
