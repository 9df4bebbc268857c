// The database schema: the single source for drizzle-kit migrations (drizzle/) and for
// the typed queries. Times are epoch milliseconds (integers); JSON values are TEXT.
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { ACTIVE_STATUSES, DUE_STATUSES, NOT_STARTED_STATUSES, sqlSet, WAITING_STATUSES } from '../runs/lifecycle';

/**
 * The partial indexes' conditions, written from the lifecycle's status sets. SQLite uses a
 * partial index only for a query that repeats its condition verbatim, so the queries
 * (run-store.ts) build theirs from the same constants; architecture.test.ts checks that the
 * database's indexes say exactly this.
 */
export const INDEX_PREDICATES = {
  runs_status: `status != 'succeeded'`,
  runs_status_id: `status != 'succeeded'`,
  runs_due: `status IN ${sqlSet(DUE_STATUSES)}`,
  runs_dedupe: `dedupe_key IS NOT NULL AND status IN ${sqlSet(ACTIVE_STATUSES)}`,
  runs_wait_for: `wait_for IS NOT NULL AND status IN ${sqlSet(WAITING_STATUSES)}`,
  runs_after_pending: `has_after = 1 AND status IN ${sqlSet(NOT_STARTED_STATUSES)}`,
} as const;

export const lanes = sqliteTable('lanes', {
  name: text('name').primaryKey(),
  concurrency: integer('concurrency').notNull(),
  rateMax: integer('rate_max'),
  rateIntervalMs: integer('rate_interval_ms'),
  paused: integer('paused', { mode: 'boolean' }).notNull().default(false),
  createdAt: integer('created_at').notNull(),
  /** A run of the lane that fails or goes dead pauses it (and says why in paused_reason). */
  pauseOnFailure: integer('pause_on_failure', { mode: 'boolean' }).notNull().default(false),
  /** Why the lane was paused when the engine paused it (pause on failure); null otherwise. */
  pausedReason: text('paused_reason'),
});

export const tasks = sqliteTable('tasks', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  kind: text('kind').notNull(),
  input: text('input').notNull(),
  lane: text('lane').notNull(),
  priority: integer('priority').notNull(),
  maxAttempts: integer('max_attempts').notNull(),
  backoff: text('backoff').notNull(),
  timeoutMs: integer('timeout_ms'),
  tags: text('tags').notNull().default('[]'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
  // Completion hooks (hooks/hooks.ts): JSON, [] when none.
  hooks: text('hooks').notNull().default('[]'),
  // The task's own notification policy (JSON, a part of it), over the global one; null: none.
  notify: text('notify'),
  // Its secrets (secrets/secrets.ts): JSON of name → sealed value; null when none.
  secrets: text('secrets'),
  // Schedule (all null when the task only runs by hand).
  cron: text('cron'),
  timeZone: text('time_zone'),
  runAt: integer('run_at'),
  scheduleEnabled: integer('schedule_enabled', { mode: 'boolean' }).notNull().default(false),
  overlap: text('overlap').notNull().default('skip'),
  catchUp: text('catch_up').notNull().default('once'),
  catchUpMax: integer('catch_up_max').notNull().default(100),
  nextRunAt: integer('next_run_at'),
  lastFiredAt: integer('last_fired_at'),
}, (t) => [
  index('tasks_next_run').on(t.nextRunAt).where(sql`schedule_enabled = 1 AND next_run_at IS NOT NULL`),
]);

/** Settings kept with the data (the notification policy: key 'notify'), JSON values. */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

export const runs = sqliteTable('runs', {
  // No AUTOINCREMENT: its sequence table is one more page written by every enqueue.
  id: integer('id').primaryKey(),
  taskId: integer('task_id').references(() => tasks.id, { onDelete: 'set null' }),
  kind: text('kind').notNull(),
  input: text('input').notNull(),
  lane: text('lane').notNull(),
  priority: integer('priority').notNull(),
  status: text('status').notNull(),
  // When the run may start: creation time for queued runs, the delay for scheduled ones,
  // the backoff end for retrying ones.
  runAt: integer('run_at').notNull(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
  startedAt: integer('started_at'),
  finishedAt: integer('finished_at'),
  attempt: integer('attempt').notNull().default(0),
  maxAttempts: integer('max_attempts').notNull(),
  backoff: text('backoff').notNull(),
  timeoutMs: integer('timeout_ms'),
  dedupeKey: text('dedupe_key'),
  name: text('name'),
  tags: text('tags').notNull().default('[]'),
  progress: integer('progress'),
  progressMessage: text('progress_message'),
  result: text('result'),
  errorCode: text('error_code'),
  errorMessage: text('error_message'),
  scheduledFor: integer('scheduled_for'),
  trigger: text('trigger').notNull().default('api'),
  // Not claimed while this run is waiting or running (a schedule's overlap policy 'queue').
  waitFor: integer('wait_for'),
  // 1 when the run comes `after` others (its parents are in run_deps).
  hasAfter: integer('has_after').notNull().default(0),
  // Attempts are numbered across the run's whole life (1 2 3 4, also after a manual retry);
  // the current try's budget counts from here: it may run while attempt - base < max.
  attemptBase: integer('attempt_base').notNull().default(0),
  // The running attempt's process group and its leader's start time (process-tree.ts), so
  // that recovery ends a tree left alive by a host that died, and never touches a reused pid.
  pid: integer('pid'),
  pidStartedAt: text('pid_started_at'),
}, (t) => [
  // One index serves the claim path (queued runs of a lane by priority, then runAt, then
  // FIFO), counts (status × lane, covering), recovery and the status filter. Every index
  // an enqueue touches costs a page write per transaction, so there is one, not three.
  // Succeeded runs are left out: a success then deletes one index entry instead of moving
  // it (drain +15-20%, BENCHMARKS.md), and they are found by scanning the table, which is
  // as quick as scanning the index was. SQLite uses a partial index only when the query
  // repeats its condition verbatim: queries add IN_STATUS_INDEX (run-store.ts).
  index('runs_status').on(t.status, t.lane, sql`priority DESC`, t.runAt, t.id).where(sql.raw(INDEX_PREDICATES.runs_status)),
  // The one timer: the soonest scheduled or retrying run.
  index('runs_due').on(t.runAt).where(sql.raw(INDEX_PREDICATES.runs_due)),
  index('runs_dedupe').on(t.dedupeKey).where(sql.raw(INDEX_PREDICATES.runs_dedupe)),
  index('runs_task').on(t.taskId, t.id).where(sql`task_id IS NOT NULL`),
  // The runs list's filters read their first page newest first from an index (no sort of
  // everything that matches): by status (those not succeeded; succeeded runs are most runs,
  // found by scanning ids), by lane, by kind. runs/plans.test.ts reads the plans.
  index('runs_status_id').on(t.status, t.id).where(sql.raw(INDEX_PREDICATES.runs_status_id)),
  index('runs_lane_id').on(t.lane, t.id),
  index('runs_kind_id').on(t.kind, t.id),
  // Runs not started yet that wait for another run to end (overlap 'queue'), and runs not
  // started yet that come `after` others. The claim pays for these checks only while such
  // runs exist; the engine asks these two small indexes after every write, so the checks
  // end when the last such run starts. Finished runs leave them: they stay small however
  // long the history.
  index('runs_wait_for').on(t.waitFor).where(sql.raw(INDEX_PREDICATES.runs_wait_for)),
  index('runs_after_pending').on(t.id).where(sql.raw(INDEX_PREDICATES.runs_after_pending)),
  // A schedule never fires the same (task, fire time) twice, even across a crash.
  uniqueIndex('runs_task_fire').on(t.taskId, t.scheduledFor).where(sql`scheduled_for IS NOT NULL`),
]);

// A run that waits for other runs (`after`): claimed only once they all succeeded; dead
// (DEPENDENCY_FAILED) as soon as one of them ends without success.
export const runDeps = sqliteTable('run_deps', {
  runId: integer('run_id').notNull().references(() => runs.id, { onDelete: 'cascade' }),
  afterId: integer('after_id').notNull().references(() => runs.id, { onDelete: 'cascade' }),
}, (t) => [index('run_deps_run').on(t.runId), index('run_deps_after').on(t.afterId)]);

export const attempts = sqliteTable('attempts', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  runId: integer('run_id').notNull().references(() => runs.id, { onDelete: 'cascade' }),
  n: integer('n').notNull(),
  startedAt: integer('started_at').notNull(),
  finishedAt: integer('finished_at').notNull(),
  outcome: text('outcome').notNull(),
  errorCode: text('error_code'),
  errorMessage: text('error_message'),
  exitCode: integer('exit_code'),
}, (t) => [index('attempts_run').on(t.runId)]);

export const runLogs = sqliteTable('run_logs', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  runId: integer('run_id').notNull().references(() => runs.id, { onDelete: 'cascade' }),
  seq: integer('seq').notNull(),
  stream: text('stream').notNull(),
  at: integer('at').notNull(),
  text: text('text').notNull(),
}, (t) => [index('run_logs_run_seq').on(t.runId, t.seq)]);

/** A rollup's group (after its hour or day): task (0: runs without one), lane and kind. */
const rollupGroup = () => ({
  taskId: integer('task_id').notNull(),
  lane: text('lane').notNull(),
  kind: text('kind').notNull(),
});
/** How many runs of a rollup's group ended, and how. */
const rollupCounts = () => ({
  runs: integer('runs').notNull(),
  succeeded: integer('succeeded').notNull(),
  failed: integer('failed').notNull(),
  dead: integer('dead').notNull(),
  cancelled: integer('cancelled').notNull(),
  /** Of the runs that ran (started): how many, and their durations' sum. */
  ran: integer('ran').notNull(),
  msSum: integer('ms_sum').notNull(),
});
/** A duration histogram's bucket (DURATION_BUCKETS_MS) and how many runs it holds. */
const rollupBucket = () => ({ bucket: integer('bucket').notNull(), n: integer('n').notNull() });

/**
 * History that outlives the runs it counts (prune deletes runs, never rollups): per hour
 * (UTC, epoch ms of its start), task (0: runs without one), lane and kind, how many runs
 * ended and how. Written in the same transaction as the ends it counts (run-store.ts), so
 * it always agrees with them. A run retried by hand after it ended counts again when it
 * ends again.
 */
export const runRollups = sqliteTable('run_rollups', { hour: integer('hour').notNull(), ...rollupGroup(), ...rollupCounts() },
  (t) => [primaryKey({ columns: [t.hour, t.taskId, t.lane, t.kind] })]);

/** The durations of the runs each rollup counts, as a histogram (DURATION_BUCKETS_MS). */
export const runRollupDurations = sqliteTable('run_rollup_durations', { hour: integer('hour').notNull(), ...rollupGroup(), ...rollupBucket() },
  (t) => [primaryKey({ columns: [t.hour, t.taskId, t.lane, t.kind, t.bucket] })]);

/**
 * The hourly rollups summed per day (UTC), for the days that have ended: a month of stats
 * reads ~30 rows per task here instead of ~720 (history/rollups.ts compacts a day into
 * them once it is over). `day` is the epoch ms of the day's start.
 */
export const runRollupsDaily = sqliteTable('run_rollups_daily', { day: integer('day').notNull(), ...rollupGroup(), ...rollupCounts() },
  (t) => [primaryKey({ columns: [t.day, t.taskId, t.lane, t.kind] })]);

/** The daily rollups' duration histograms. */
export const runRollupDurationsDaily = sqliteTable('run_rollup_durations_daily', { day: integer('day').notNull(), ...rollupGroup(), ...rollupBucket() },
  (t) => [primaryKey({ columns: [t.day, t.taskId, t.lane, t.kind, t.bucket] })]);

/** One row: every day before `days_done` (epoch ms, a day's start) is in the daily rollups. */
export const rollupState = sqliteTable('rollup_state', {
  id: integer('id').primaryKey(),
  daysDone: integer('days_done').notNull(),
});

/**
 * The intake inbox (inbox/inbox.ts): every message that came in, kept before it is
 * acknowledged, with the proposal made of it and the decision taken (by whom, when, what
 * ran). `file_key`: a message from the inbox folder, by file name and content hash, so a
 * file is taken once even when a crash came between storing it and moving it out.
 */
export const messages = sqliteTable('messages', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  source: text('source').notNull(),
  receivedAt: integer('received_at').notNull(),
  /** 'text' or 'json' (a body that claims to be JSON and is not is kept as text, rejected). */
  format: text('format').notNull(),
  body: text('body').notNull(),
  fileKey: text('file_key'),
  /** 'pending' (a proposal awaits a decision), 'approved' or 'rejected'. */
  status: text('status').notNull(),
  /** JSON: what the rules propose ({task, input} or {createTask}); null: nothing matched. */
  proposal: text('proposal'),
  /** The rule that made the proposal (its name or number), if one did. */
  rule: text('rule'),
  /** Why it was rejected, or why it has no proposal. */
  reason: text('reason'),
  decidedAt: integer('decided_at'),
  /** Who decided: window, cli, api, or 'rule <name>' (auto-approved). */
  decidedBy: text('decided_by'),
  /** JSON: what was approved (the proposal, or its edit). */
  approved: text('approved'),
  runId: integer('run_id'),
  taskId: integer('task_id'),
}, (t) => [
  index('messages_status').on(t.status, t.id),
  uniqueIndex('messages_file').on(t.fileKey).where(sql`file_key IS NOT NULL`),
]);
