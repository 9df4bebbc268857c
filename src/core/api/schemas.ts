// One zod input schema per command. Hosts (IPC, HTTP, CLI) validate nothing themselves:
// every command's input passes through here. Times are epoch milliseconds.
import { z } from 'zod';
import { RE2JS } from 're2js';
import { RUN_STATUSES } from './statuses';
import { DEFAULT_BACKOFF } from '../runs/backoff';

const DAY = 86_400_000;
const id = z.int().positive();
const ids = z.array(id).min(1).max(1000);
// Up to the end of the year 9999: JavaScript dates reach 8.64e15 ms, but a day past a time
// that close to the edge is not representable, and fire times are computed a day ahead.
const epochMs = z.int().min(0).max(253_402_300_799_999);

export const laneName = z.string().regex(
  /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/,
  'a lane name is 1–40 letters, digits, dots, dashes or underscores',
);
const kindName = z.string().min(1).max(100);
const tags = z.array(z.string().min(1).max(50)).max(20);

export const backoffInput = z.strictObject({
  type: z.enum(['fixed', 'exponential']).default(DEFAULT_BACKOFF.type),
  delayMs: z.int().min(0).max(7 * DAY).default(DEFAULT_BACKOFF.delayMs),
  maxDelayMs: z.int().min(0).max(30 * DAY).default(DEFAULT_BACKOFF.maxDelayMs),
  jitter: z.number().min(0).max(1).default(DEFAULT_BACKOFF.jitter),
});

const rateLimit = z.strictObject({
  max: z.int().min(1).max(1_000_000),
  intervalMs: z.int().min(1).max(DAY),
});

/** The parts of a run definition shared by enqueue, tasks and their overrides. */
const runOptions = {
  lane: laneName,
  priority: z.int().min(0).max(10),
  maxAttempts: z.int().min(1).max(100),
  backoff: backoffInput,
  timeoutMs: z.int().min(1).max(30 * DAY).nullable(),
  name: z.string().min(1).max(200),
  tags,
};

export const DEFAULT_PRIORITY = 5;
export const DEFAULT_MAX_ATTEMPTS = 3;

export const enqueueInput = z.strictObject({
  kind: kindName,
  input: z.unknown().default({}),
  lane: runOptions.lane.default('default'),
  priority: runOptions.priority.default(DEFAULT_PRIORITY),
  runAt: epochMs.optional(),
  delayMs: z.int().min(0).max(366 * DAY).optional(),
  maxAttempts: runOptions.maxAttempts.default(DEFAULT_MAX_ATTEMPTS),
  backoff: runOptions.backoff.optional(),
  timeoutMs: runOptions.timeoutMs.optional(),
  dedupeKey: z.string().min(1).max(200).optional(),
  name: runOptions.name.optional(),
  tags: tags.default([]),
  /** Runs that must all succeed first; if one of them ends without success, so does this one. */
  after: z.array(id).max(100).optional(),
}).refine((v) => v.runAt === undefined || v.delayMs === undefined, {
  message: 'give runAt or delayMs, not both',
  path: ['delayMs'],
});
export type EnqueueInput = z.input<typeof enqueueInput>;
export type EnqueueParsed = z.output<typeof enqueueInput>;

export const enqueueManyInput = z.strictObject({ runs: z.array(z.unknown()).min(1).max(100_000) });

const byId = z.strictObject({ id });
const byIds = z.strictObject({ ids });
export const cancelInput = byIds;
export const retryInput = byIds;
export const discardInput = byIds;
export const getRunInput = byId;
export const promoteInput = byIds;
export const holdInput = byIds;
export const releaseInput = byIds;
/** A waiting run changed before it starts: its priority, lane, name or input (checked by its kind). */
export const editRunInput = z.strictObject({
  id,
  priority: runOptions.priority.optional(),
  lane: runOptions.lane.optional(),
  name: runOptions.name.nullable().optional(),
  input: z.unknown().optional(),
}).refine((v) => v.priority !== undefined || v.lane !== undefined || v.name !== undefined || v.input !== undefined,
  { message: 'give what to change: priority, lane, name or input', path: ['id'] });

export const runStatus = z.enum(RUN_STATUSES);
/** What filters runs: the window's and the CLI's filters, and a bulk action's. */
const runFilterFields = {
  status: z.array(runStatus).max(RUN_STATUSES.length).optional(),
  lane: laneName.optional(),
  taskId: id.optional(),
  kind: kindName.optional(),
  text: z.string().min(1).max(200).optional(),
  createdFrom: epochMs.optional(),
  createdTo: epochMs.optional(),
};
export const runFilter = z.strictObject(runFilterFields);
export const listRunsInput = z.strictObject({
  ...runFilterFields,
  /** The `nextCursor` of the previous page. */
  cursor: id.optional(),
  limit: z.int().min(1).max(500).default(50),
  /** Oldest first instead of newest first (cursor then pages forward). */
  oldestFirst: z.boolean().default(false),
  /** Also count every run that matches the filter (a COUNT over the filter: ask once per filter, not per page). */
  withTotal: z.boolean().default(false),
});
export type ListRunsInput = z.input<typeof listRunsInput>;

/** Retry, cancel or discard every run that matches a filter (among those the action applies to). */
export const bulkInput = z.strictObject({
  action: z.enum(['retry', 'cancel', 'discard']),
  filter: runFilter.default({}),
});

/** Full-text search over run names, tags, input text and log lines (search). */
const { text: _text, ...searchFilterFields } = runFilterFields;
export const searchInput = z.strictObject({
  ...searchFilterFields,
  /** Words (default): every word must occur, the last one as a prefix; punctuation is
   *  ignored, so any text is a valid query. fts: SQLite FTS5 query syntax (AND, OR, NOT,
   *  "phrases", prefix*, NEAR); a syntax error is INVALID_QUERY. */
  query: z.string().trim().min(1).max(500),
  syntax: z.enum(['words', 'fts']).default('words'),
  /** rank: best match first (the newest 1,000 matches of the runs and of the log lines,
   *  ranked by how much of the text the words are); newest: the newest match first (a run's
   *  creation, or the time of the log line that matched). */
  order: z.enum(['rank', 'newest']).default('rank'),
  limit: z.int().min(1).max(200).default(50),
  offset: z.int().min(0).max(10_000).default(0),
});
export type SearchInput = z.input<typeof searchInput>;

/** Runs that ended, counted per hour or day (history): what the rollups keep, also for
 *  runs since pruned. */
export const historyInput = z.strictObject({
  /** [from, to); default: the last 24 hours. */
  from: epochMs.optional(),
  to: epochMs.optional(),
  bucket: z.enum(['hour', 'day']).default('hour'),
  taskId: id.optional(),
  lane: laneName.optional(),
  kind: kindName.optional(),
}).refine((v) => v.from === undefined || v.to === undefined || v.from < v.to, { message: 'from must be before to', path: ['to'] });

/** The next fires across every enabled schedule, soonest first. */
export const upcomingFiresInput = z.strictObject({ limit: z.int().min(1).max(100).default(10) });

export const emptyInput = z.strictObject({});
/** A command's name (the engine says which names exist). */
export const describeCommandInput = z.strictObject({ name: z.string().min(1).max(100) });

export const createLaneInput = z.strictObject({
  name: laneName,
  concurrency: z.int().min(1).max(1000).default(1),
  rateLimit: rateLimit.nullable().default(null),
  pauseOnFailure: z.boolean().default(false),
});
export const updateLaneInput = z.strictObject({
  name: laneName,
  concurrency: z.int().min(1).max(1000).optional(),
  rateLimit: rateLimit.nullable().optional(),
  pauseOnFailure: z.boolean().optional(),
});
export const laneByName = z.strictObject({ name: laneName });

// A schedule: cron in a zone, or once at an instant; what a fire does when the last run has
// not ended (overlap), and what happens to fires missed while Tasklane was off (catch-up).
export const OVERLAP_POLICIES = ['skip', 'queue', 'allow'] as const;
export const CATCH_UP_POLICIES = ['once', 'all', 'skip'] as const;
const scheduleShape = {
  /** 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first. */
  cron: z.string().min(1).max(200).optional(),
  /** IANA zone; defaults to the system's. */
  timeZone: z.string().min(1).max(100).optional(),
  /** A single run at this instant, instead of a cron expression. */
  runAt: epochMs.optional(),
  overlap: z.enum(OVERLAP_POLICIES).default('skip'),
  catchUp: z.enum(CATCH_UP_POLICIES).default('once'),
  catchUpMax: z.int().min(1).max(10_000).default(100),
  enabled: z.boolean().default(true),
};
function scheduleRules<S extends z.ZodType<{ cron?: string; runAt?: number; timeZone?: string }>>(schema: S) {
  return schema.refine((v) => (v.cron === undefined) !== (v.runAt === undefined), {
    message: 'give either cron or runAt',
    path: ['cron'],
  }).refine((v) => v.runAt === undefined || v.timeZone === undefined, {
    message: 'timeZone goes with cron; runAt is already an instant',
    path: ['timeZone'],
  });
}
/** A task's schedule given with the task itself (createTask, updateTask): saved with it, or not at all. */
export const taskScheduleInput = scheduleRules(z.strictObject(scheduleShape));

/** A part of the notification policy (what is left out stays as it is). */
const notifyPolicy = z.strictObject({
  failed: z.boolean(), dead: z.boolean(), succeeded: z.boolean(),
  slowSuccessMs: z.int().min(1_000).max(30 * DAY).nullable(),
  missed: z.boolean(), longerThanUsual: z.boolean(),
  runningLongerThanMs: z.int().min(1_000).max(30 * DAY).nullable(),
}).partial();
export const setNotifyPolicyInput = notifyPolicy.extend({ messages: z.boolean().optional() });

/** A secret's name: an environment variable's. */
const secretName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,99}$/, 'a secret is named like an environment variable (letters, digits, _)');
const secretValue = z.string().min(1).max(10_000);

export const HOOK_EVENTS = ['succeeded', 'failed', 'dead', 'ended'] as const;
export const httpUrl = z.string().max(2000).refine((u) => { try { return ['http:', 'https:'].includes(new URL(u).protocol); } catch { return false; } },
  'an http:// or https:// URL');
/** A completion hook: when (on), and what: run a task (by id), or POST to a webhook. */
export const hookInput = z.strictObject({
  on: z.enum(HOOK_EVENTS),
  runTask: id.optional(),
  /** The secret signs each POST (HMAC-SHA256); one is made when none is given. */
  webhook: z.strictObject({ url: httpUrl, secret: z.string().min(16).max(200).optional() }).optional(),
}).refine((h) => (h.runTask === undefined) !== (h.webhook === undefined), { message: 'give either runTask or webhook', path: ['runTask'] });
const hooks = z.array(hookInput).max(20);

const taskFields = {
  ...runOptions,
  name: z.string().min(1).max(100),
  kind: kindName,
  input: z.unknown(),
};
export const createTaskInput = z.strictObject({
  name: taskFields.name,
  kind: taskFields.kind,
  input: taskFields.input.default({}),
  lane: taskFields.lane.default('default'),
  priority: taskFields.priority.default(DEFAULT_PRIORITY),
  maxAttempts: taskFields.maxAttempts.default(DEFAULT_MAX_ATTEMPTS),
  backoff: taskFields.backoff.optional(),
  timeoutMs: taskFields.timeoutMs.default(null),
  tags: taskFields.tags.default([]),
  hooks: hooks.default([]),
  /** Its own notification policy over the global one (null: none). */
  notify: notifyPolicy.nullable().default(null),
  /** Secrets by name: stored encrypted, given to its runs, never shown again. */
  secrets: z.record(secretName, secretValue).optional(),
  /** Its schedule, saved in the same transaction (a schedule refused: no task either). */
  schedule: taskScheduleInput.optional(),
});
export const updateTaskInput = z.strictObject({
  id,
  name: taskFields.name.optional(),
  kind: taskFields.kind.optional(),
  input: taskFields.input.optional(),
  lane: taskFields.lane.optional(),
  priority: taskFields.priority.optional(),
  maxAttempts: taskFields.maxAttempts.optional(),
  backoff: taskFields.backoff.optional(),
  timeoutMs: taskFields.timeoutMs.optional(),
  tags: taskFields.tags.optional(),
  hooks: hooks.optional(),
  notify: notifyPolicy.nullable().optional(),
  /** Secrets to set (a value) or remove (null); those not named stay as they are. */
  secrets: z.record(secretName, secretValue.nullable()).optional(),
  /** A new schedule, or null to clear it (left out: as it is), in the same transaction. */
  schedule: taskScheduleInput.nullable().optional(),
});
export const deleteTaskInput = byId;
export const runTaskInput = z.strictObject({
  id,
  overrides: z.strictObject({
    input: z.unknown().optional(),
    lane: runOptions.lane.optional(),
    priority: runOptions.priority.optional(),
    maxAttempts: runOptions.maxAttempts.optional(),
    timeoutMs: runOptions.timeoutMs.optional(),
    runAt: epochMs.optional(),
    delayMs: z.int().min(0).max(366 * DAY).optional(),
  }).optional(),
});

export const pruneInput = z.strictObject({
  olderThanDays: z.number().min(0).max(36_500).default(30),
  keepLast: z.int().min(0).max(10_000_000).default(1000),
});

// ---- schedules -------------------------------------------------------------------------


export const setScheduleInput = scheduleRules(z.strictObject({ taskId: id, ...scheduleShape }));
export const scheduleByTask = z.strictObject({ taskId: id });
export const previewScheduleInput = z.strictObject({
  cron: z.string().min(1).max(200),
  timeZone: z.string().min(1).max(100).optional(),
  from: epochMs.optional(),
  count: z.int().min(1).max(100).default(5),
});

// ---- logs -------------------------------------------------------------------------------

export const getLogsInput = z.strictObject({
  runId: id,
  /** Lines after this sequence number (0: from the start). */
  afterSeq: z.int().min(0).default(0),
  limit: z.int().min(1).max(10_000).default(1000),
});
export const tailLogsInput = z.strictObject({ runId: id, lines: z.int().min(1).max(10_000).default(100) });

// ---- setup files --------------------------------------------------------------------------

/** The file's outer shape; each lane and task in it is checked with its own command's schema. */
export const configFile = z.strictObject({
  version: z.literal(1),
  lanes: z.array(z.unknown()).max(1000).default([]),
  tasks: z.array(z.unknown()).max(100_000).default([]),
  /** Checked by setIntakeRules' schema, after the tasks it names are in. */
  intake: z.strictObject({ rules: z.array(z.unknown()).max(100) }).optional(),
});
export const importInput = z.strictObject({ config: z.unknown() });

// ---- stats -----------------------------------------------------------------------------------

export const statsInput = z.strictObject({
  /** Runs that ended in [from, to); default: the last 24 hours, up to now included. */
  from: epochMs.optional(),
  to: epochMs.optional(),
  groupBy: z.enum(['task', 'lane', 'kind']).default('task'),
}).refine((v) => v.from === undefined || v.to === undefined || v.from < v.to, { message: 'from must be before to', path: ['to'] });

// ---- intake inbox ------------------------------------------------------------------------

/** A message is at most this long (an HTTP body, a file, the CLI's text). */
export const MESSAGE_LIMIT = 1024 * 1024;
export const MESSAGE_STATUSES = ['pending', 'approved', 'rejected'] as const;
const sourceName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'a source is named with 1–40 lowercase letters, digits, - and _');
const taskName = z.string().min(1).max(100);
/** A rule's pattern, in RE2's syntax (re2js: matching takes linear time, so a message cannot
 *  hang the engine with a pattern that backtracks; no lookaround or backreferences). */
const pattern = z.string().min(1).max(500).superRefine((p, ctx) => {
  try { RE2JS.compile(p); } catch (e) {
    ctx.addIssue({ code: 'custom', message: `not a valid regular expression (RE2 syntax): ${(e as Error).message.replace(/^error parsing regexp: /, '')}` });
  }
});
/** What a message asks for: a run of a task (by name, with an input or the task's own), or a new task. */
export const proposalInput = z.union([
  z.strictObject({ task: taskName, input: z.unknown().optional() }),
  /** Checked by createTask's schema when approved. */
  z.strictObject({ createTask: z.record(z.string(), z.unknown()) }),
]);
/**
 * A rule: messages from `source` (any when left out) whose text matches `match` (a regular
 * expression; every message when left out) propose a run of `task`, with `input` filled in
 * from the message ({{message.text}}, {{match.1}}, {{match.name}}, {{json.a.b}}), or the
 * task's own input filled in the same way. Without `task`, the message names it ({"task",
 * "input"}). `autoApprove`: run it without asking.
 */
export const intakeRuleInput = z.strictObject({
  name: z.string().min(1).max(100).optional(),
  source: sourceName.optional(),
  match: pattern.optional(),
  task: taskName.optional(),
  input: z.unknown().optional(),
  autoApprove: z.boolean().default(false),
}).refine((r) => r.input === undefined || r.task !== undefined, { message: 'input needs a task (without one, the message names the task and its input)', path: ['input'] });

export const listMessagesInput = z.strictObject({
  status: z.enum(MESSAGE_STATUSES).optional(),
  source: sourceName.optional(),
  /** Messages older than this id (the next page). */
  beforeId: id.optional(),
  limit: z.int().min(1).max(500).default(100),
});
export const sendMessageInput = z.strictObject({
  source: sourceName.default('api'),
  text: z.string().min(1).max(MESSAGE_LIMIT),
  /** Left out: JSON when the text is a JSON object, else text. */
  format: z.enum(['text', 'json']).optional(),
});
export const messageById = byId;
export const approveMessageInput = z.strictObject({ id, proposal: proposalInput.optional() });
export const rejectMessageInput = z.strictObject({ id, reason: z.string().min(1).max(500).optional() });
export const addIntakeSourceInput = z.strictObject({
  name: sourceName.refine((n) => n !== 'folder' && n !== 'api' && n !== 'cli' && n !== 'window', { message: 'folder, api, cli and window are taken' }),
  /** The source exists: give it a new token (the old one stops working). */
  newToken: z.boolean().default(false),
});
export const intakeSourceByName = z.strictObject({ name: sourceName });
export const setIntakeRulesInput = z.strictObject({ rules: z.array(intakeRuleInput).max(100) });
