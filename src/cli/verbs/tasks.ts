// Verbs on tasks and their schedules: tasks, task add|edit|rm|show|run, and schedule
// set|pause|resume|clear|preview|explain.
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { HookEvent, Task } from '../../core/api/types';
import { CommandError, type Client } from '../client';
import { parseDuration, parseInteger, table, time, timeIn } from '../format';
import { collect, findTask, out, pairs, parseTime, readJson, readText, verb, type Cli } from '../kit';
import { definitionOptions, httpFields, kindOf, runOptionsOf, type DefinitionOptions } from './definition';
import { enqueued, runRows } from './runs';
import { HOOK_WHEN } from '../../shared/words';

const scheduleText = (t: Task) => (t.schedule
  ? `${t.schedule.description}${t.schedule.timeZone ? ` (${t.schedule.timeZone})` : ''}${t.schedule.enabled ? '' : ', paused'}`
  : '');

function scheduleOptions(c: Command): Command {
  return c
    .option('--cron <expression>', 'a cron schedule: 5 fields (minute hour day month weekday), or 6 with seconds first')
    .option('--tz <zone>', 'the cron\'s time zone (IANA, e.g. Europe/Berlin; default: this machine\'s)')
    .option('--once-at <time>', 'a single run at this time, instead of a cron', parseTime)
    .addOption(new Option('--overlap <policy>', 'when the previous run is still going').choices(['skip', 'queue', 'allow']))
    .addOption(new Option('--catch-up <policy>', 'fires missed while Tasklane was not running').choices(['once', 'all', 'skip']))
    .option('--catch-up-max <n>', 'with --catch-up all: at most this many', parseInteger);
}
type ScheduleOptions = { cron?: string; tz?: string; onceAt?: number; overlap?: string; catchUp?: string; catchUpMax?: number; paused?: boolean };

function scheduleInput(taskId: number, o: ScheduleOptions) {
  return {
    taskId, ...(o.cron !== undefined && { cron: o.cron }), ...(o.tz !== undefined && { timeZone: o.tz }),
    ...(o.onceAt !== undefined && { runAt: o.onceAt }), ...(o.overlap && { overlap: o.overlap }),
    ...(o.catchUp && { catchUp: o.catchUp }), ...(o.catchUpMax !== undefined && { catchUpMax: o.catchUpMax }),
    ...(o.paused && { enabled: false }),
  };
}

/**
 * What `task edit` changes of the kind and its input: a new program, --http, --notify or
 * --plugin replaces them (a shell task keeps its folder, env and shell setting unless given);
 * options of the task's own kind alone (--env, --header, --body, --expect, --input, …) change
 * just those fields. Options of another kind are refused, not ignored.
 */
function editedKind(current: Task, o: DefinitionOptions, prog: string | undefined, args: string[]): { kind: string; input: unknown } | null {
  const input = (current.input ?? {}) as Record<string, unknown>;
  const given = kindOf(o, prog, args);
  if (given) {
    if (given.kind !== current.kind) return given;
    if (given.kind === 'shell') {
      const { command: _c, args: _a, ...settings } = input;
      // A new program keeps the task's folder unless --cwd gives one (kindOf fills in the
      // folder the command was typed in, which is for new runs and tasks).
      const { cwd: _here, ...program } = given.input as { cwd?: string };
      return { kind: 'shell', input: { ...settings, ...(o.cwd ? given.input as object : program) } };
    }
    return { kind: given.kind, input: { ...input, ...(given.input as object) } };
  }
  // Which options were given, and which kind each belongs to.
  const options: [string, boolean, string[]][] = [
    ['--cwd', Boolean(o.cwd), ['shell']], ['--env', Boolean(o.env), ['shell']], ['--shell', Boolean(o.shell), ['shell']],
    ['--header', Boolean(o.header), ['http']], ['--expect', Boolean(o.expect), ['http']], ['--body', o.body !== undefined, ['http', 'notify']],
    ['--urgency', Boolean(o.urgency), ['notify']], ['--input', o.input !== undefined, ['plugin']],
  ];
  const kindOfTask = ['shell', 'http', 'notify'].includes(current.kind) ? current.kind : 'plugin';
  const passed = options.filter(([, on]) => on);
  const foreign = passed.filter(([, , kinds]) => !kinds.includes(kindOfTask)).map(([name]) => name);
  if (foreign.length) {
    throw new CommandError({ code: 'INVALID_INPUT', message: `${foreign.join(', ')} do not apply to task ${current.name}, which is ${current.kind}` });
  }
  if (!passed.length) return null;
  if (kindOfTask === 'plugin') return { kind: current.kind, input: readJson(o.input!, '--input') };
  if (current.kind === 'shell') {
    return { kind: 'shell', input: { ...input, ...(o.shell && { shell: true }), ...(o.cwd && { cwd: resolve(o.cwd) }),
      ...(o.env && { env: { ...(input.env as object | undefined), ...pairs(o.env, '=', 'an environment variable') } }) } };
  }
  if (current.kind === 'http') {
    const fields = httpFields(o);
    return { kind: 'http', input: { ...input, ...fields, ...(fields.headers && { headers: { ...(input.headers as object | undefined), ...fields.headers } }) } };
  }
  return { kind: 'notify', input: { ...input, ...(o.body !== undefined && { body: readText(o.body) }), ...(o.urgency && { urgency: o.urgency }) } };
}

/** A hook in words: "2. when it fails: run task report" / "… POST https://…". */
async function hookLines(c: Client, t: Task): Promise<string[]> {
  if (!t.hooks.length) return [];
  const names = new Map((await c.call('listTasks', {})).map((x) => [x.id, x.name]));
  return t.hooks.map((h, i) => `${i === 0 ? 'hooks' : '     '}     ${i + 1}. ${HOOK_WHEN[h.on]}: ${h.runTask !== undefined
    ? `run task ${names.get(h.runTask) ?? h.runTask}` : `POST ${h.webhook!.url} (signed with secret ${h.webhook!.secret})`}`);
}

/** --secret NAME=value (NAME=- reads the value from standard input, kept out of the shell's history). */
function secretsOf(given: string[] | undefined): Record<string, string> | undefined {
  const record = pairs(given, '=', 'a secret');
  if (!record) return undefined;
  for (const [k, v] of Object.entries(record)) if (v === '-') record[k] = readText('-').replace(/\r?\n$/, '');
  return record;
}
const SECRET_HELP = 'a secret for its runs (repeatable): in a shell run\'s environment, and {{secret.NAME}} in its input; stored encrypted and never shown; NAME=- reads the value from standard input';

async function describeTask(c: Client, t: Task): Promise<string> {
  const recent = await c.call('listRuns', { taskId: t.id, limit: 5 });
  return [
    `task ${t.id}  ${t.name}`,
    `kind      ${t.kind}  lane ${t.lane}  priority ${t.priority}  attempts ${t.maxAttempts}${t.timeoutMs ? `  timeout ${t.timeoutMs} ms` : ''}`,
    `input     ${JSON.stringify(t.input)}`,
    `schedule  ${scheduleText(t) || 'none'}`,
    ...(t.schedule?.nextRunAt ? [`next      ${timeIn(t.schedule.nextRunAt, t.schedule.timeZone)} (${time(t.schedule.nextRunAt)} here)`] : []),
    ...(t.tags.length ? [`tags      ${t.tags.join(', ')}`] : []),
    ...(t.secrets.length ? [`secrets   ${t.secrets.join(', ')} (values hidden)`] : []),
    ...(await hookLines(c, t)),
    '',
    recent.runs.length ? runRows(recent.runs) : 'no runs yet',
  ].join('\n');
}

export function registerTaskVerbs(cli: Cli): void {
  const { program, client } = cli;

  verb(program, 'tasks', 'list saved tasks').action(async (o: { json?: boolean }) => {
    const tasks = await client().call('listTasks', {});
    out(tasks, o.json, () => (tasks.length
      ? table(['ID', 'NAME', 'KIND', 'LANE', 'SCHEDULE', 'NEXT'], tasks.map((t) => [t.id, t.name, t.kind, t.lane, scheduleText(t), timeIn(t.schedule?.nextRunAt, t.schedule?.timeZone)]))
      : 'no tasks'));
  });

  const task = program.command('task').description('add, change, remove, show or run a saved task');

  scheduleOptions(definitionOptions(verb(task, 'add', 'save a task: a program (after --), --http, --notify or --plugin, with run options and an optional schedule'), 'task'))
    .argument('<name>', 'the task\'s name').argument('[program]', 'the program to run').argument('[args...]', 'its arguments')
    .option('--paused', 'save the schedule paused')
    .option('--secret <NAME=value>', SECRET_HELP, collect)
    .action(async (name: string, prog: string | undefined, args: string[], o: DefinitionOptions & ScheduleOptions & { secret?: string[]; json?: boolean }) => {
      const c = client();
      const what = kindOf(o, prog, args);
      if (!what) throw new CommandError({ code: 'INVALID_INPUT', message: 'say what the task does: a program (after --), --http, --notify or --plugin' });
      // The task and its schedule in one command: a schedule the engine refuses saves nothing.
      const { taskId: _, ...schedule } = scheduleInput(0, o);
      const saved = await c.call('createTask', {
        ...what, ...runOptionsOf(o), name, ...(o.cron !== undefined || o.onceAt !== undefined ? { schedule } : {}),
        ...(o.secret?.length && { secrets: secretsOf(o.secret) }),
      });
      out(saved, o.json, () => `task ${saved.id} (${saved.name}) saved${saved.schedule ? `: ${scheduleText(saved)}, next ${timeIn(saved.schedule.nextRunAt, saved.schedule.timeZone)}` : ''}`);
    });

  definitionOptions(verb(task, 'edit', 'change a task: only what you give changes (--name renames it)'), 'task')
    .argument('<task>', 'name or id').argument('[program]', 'a new program').argument('[args...]', 'its arguments')
    .option('--secret <NAME=value>', SECRET_HELP, collect)
    .option('--unset-secret <NAME>', 'remove a secret (repeatable)', collect)
    .action(async (key: string, prog: string | undefined, args: string[], o: DefinitionOptions & { secret?: string[]; unsetSecret?: string[]; json?: boolean }) => {
      const c = client();
      const current = await findTask(c, key);
      const what = editedKind(current, o, prog, args);
      const secrets: Record<string, string | null> = { ...secretsOf(o.secret), ...Object.fromEntries((o.unsetSecret ?? []).map((n) => [n, null])) };
      const patch = { id: current.id, ...(what ?? {}), ...runOptionsOf(o), ...(Object.keys(secrets).length && { secrets }) };
      if (Object.keys(patch).length === 1) throw new CommandError({ code: 'INVALID_INPUT', message: 'nothing to change: give what changes (see tasklane task edit --help)' });
      const saved = await c.call('updateTask', patch);
      out(saved, o.json, () => `task ${saved.id} (${saved.name}) changed`);
    });

  const hook = program.command('hook').description('what a task does when one of its runs ends: run another task, or POST to a webhook');
  verb(hook, 'add', 'add a hook to a task: --run <task> or --webhook <url>, --on succeeded|failed|dead|ended')
    .argument('<task>', 'name or id of the task whose runs it follows')
    .addOption(new Option('--on <outcome>', 'when: succeeded, failed (failed or dead), dead, or ended (any end, cancelled too)').choices(['succeeded', 'failed', 'dead', 'ended']).makeOptionMandatory())
    .option('--run <task>', 'run this task ({{run.id}}, {{run.status}}, {{run.result}}, {{run.log}}… in its input are filled in)')
    .option('--webhook <url>', 'POST a JSON summary here, signed (X-Tasklane-Signature: sha256=HMAC of the body)')
    .option('--secret <secret>', 'the webhook\'s signing secret, 16 characters or more (default: one is made)')
    .action(async (key: string, o: { on: HookEvent; run?: string; webhook?: string; secret?: string; json?: boolean }) => {
      const c = client();
      const t = await findTask(c, key);
      if ((o.run === undefined) === (o.webhook === undefined)) throw new CommandError({ code: 'INVALID_INPUT', message: 'say what the hook does: --run <task> or --webhook <url>' });
      const added = o.run !== undefined
        ? { on: o.on, runTask: (await findTask(c, o.run)).id }
        : { on: o.on, webhook: { url: o.webhook!, ...(o.secret !== undefined && { secret: o.secret }) } };
      const saved = await c.call('updateTask', { id: t.id, hooks: [...t.hooks, added] });
      const lines = o.json ? [] : await hookLines(c, saved);
      out(saved, o.json, () => [`task ${saved.name}: hook ${saved.hooks.length} added`, ...lines].join('\n'));
    });
  verb(hook, 'rm', 'remove a task\'s hook by its number (tasklane task show lists them)')
    .argument('<task>', 'name or id').argument('<n>', 'the hook\'s number', parseInteger)
    .action(async (key: string, n: number, o: { json?: boolean }) => {
      const c = client();
      const t = await findTask(c, key);
      if (n < 1 || n > t.hooks.length) throw new CommandError({ code: 'INVALID_INPUT', message: `task ${t.name} has ${t.hooks.length} hook${t.hooks.length === 1 ? '' : 's'}; there is no hook ${n}` });
      const saved = await c.call('updateTask', { id: t.id, hooks: t.hooks.filter((_, i) => i !== n - 1) });
      out(saved, o.json, () => `task ${saved.name}: hook ${n} removed`);
    });

  verb(task, 'rm', 'remove a task (its runs stay)').argument('<task>', 'name or id')
    .action(async (key: string, o: { json?: boolean }) => {
      const c = client();
      const t = await findTask(c, key);
      const result = await c.call('deleteTask', { id: t.id });
      out(result, o.json, () => `task ${t.id} (${t.name}) removed`);
    });

  verb(task, 'show', 'a task: its definition, its schedule and its latest runs').argument('<task>', 'name or id')
    .action(async (key: string, o: { json?: boolean }) => {
      const c = client();
      const t = await findTask(c, key);
      if (o.json) out(t, true, () => '');
      else console.log(await describeTask(c, t));
    });

  verb(task, 'run', 'run a task now (or later), optionally with changes for this run only').argument('<task>', 'name or id')
    .option('--input <json|@file|->', 'this run\'s input instead of the task\'s')
    .option('--lane <lane>', 'this run\'s lane')
    .option('--priority <0-10>', 'this run\'s priority', parseInteger)
    .option('--delay <duration>', 'start after this long', parseDuration)
    .option('--at <time>', 'start at this time', parseTime)
    .action(async (key: string, o: { input?: string; lane?: string; priority?: number; delay?: number; at?: number; json?: boolean }) => {
      const c = client();
      const t = await findTask(c, key);
      const overrides = {
        ...(o.input !== undefined && { input: readJson(o.input, '--input') }), ...(o.lane && { lane: o.lane }),
        ...(o.priority !== undefined && { priority: o.priority }), ...(o.delay !== undefined && { delayMs: o.delay }), ...(o.at !== undefined && { runAt: o.at }),
      };
      const result = await c.call('runTask', { id: t.id, ...(Object.keys(overrides).length && { overrides }) });
      out(result, o.json, () => `${enqueued(result, o.at ?? (o.delay !== undefined ? Date.now() + o.delay : undefined))} (task ${t.name})`);
    });

  const schedule = program.command('schedule').description('set, pause, resume, clear, preview or explain a task\'s schedule');
  scheduleOptions(verb(schedule, 'set', 'set (or replace) a task\'s schedule: --cron with --tz, or --once-at'))
    .argument('<task>', 'name or id').option('--paused', 'save it paused')
    .action(async (key: string, o: ScheduleOptions & { json?: boolean }) => {
      const c = client();
      const t = await findTask(c, key);
      // A new cron without --tz keeps the zone the task's schedule is in.
      const tz = o.tz ?? (o.cron !== undefined && t.schedule?.cron ? t.schedule.timeZone ?? undefined : undefined);
      const saved = await c.call('setSchedule', scheduleInput(t.id, { ...o, tz }));
      out(saved, o.json, () => `task ${saved.name}: ${scheduleText(saved)}; next ${timeIn(saved.schedule?.nextRunAt, saved.schedule?.timeZone)}`);
    });
  for (const [name, command, what, done] of [
    ['pause', 'pauseSchedule', 'stop firing until resumed (the time paused is not "missed")', 'paused'],
    ['resume', 'resumeSchedule', 'fire again, from the next fire time', 'resumed'],
    ['clear', 'clearSchedule', 'remove the schedule (the task stays)', 'cleared'],
  ] as const) {
    verb(schedule, name, what).argument('<task>', 'name or id').action(async (key: string, o: { json?: boolean }) => {
      const c = client();
      const t = await findTask(c, key);
      const saved = await c.call(command, { taskId: t.id });
      out(saved, o.json, () => `task ${saved.name}: schedule ${done}${saved.schedule?.nextRunAt ? `; next ${time(saved.schedule.nextRunAt)}` : ''}`);
    });
  }
  verb(schedule, 'preview', 'what a cron expression means, and its next fire times').argument('<cron>', 'the expression (quote it)')
    .option('--tz <zone>', 'its time zone (default: this machine\'s)')
    .option('--count <n>', 'how many fire times', parseInteger, 5)
    .option('--from <time>', 'from this time (default: now)', parseTime)
    .action(async (cron: string, o: { tz?: string; count: number; from?: number; json?: boolean }) => {
      const p = await client().call('previewSchedule', { cron, count: o.count, ...(o.tz && { timeZone: o.tz }), ...(o.from !== undefined && { from: o.from }) });
      const notes = new Map((p.shifted ?? []).map((s) => [s.at, s.note]));
      out(p, o.json, () => [`${p.description} (${p.timeZone})`,
        ...p.fires.map((f) => `  ${timeIn(f, p.timeZone)}  (${time(f)} here)${notes.has(f) ? `  ${notes.get(f)}` : ''}`)].join('\n'));
    });
  verb(schedule, 'upcoming', 'the next fires across every enabled schedule, soonest first')
    .option('--limit <n>', 'how many (at most 100)', parseInteger, 10)
    .action(async (o: { limit: number; json?: boolean }) => {
      const fires = await client().call('upcomingFires', { limit: o.limit });
      out(fires, o.json, () => (fires.length
        ? table(['WHEN', 'TASK', 'LANE', 'ZONE'], fires.map((f) => [time(f.at), f.task, f.lane, f.timeZone ?? '']))
        : 'no schedule will fire (none is set, or all are paused)'));
    });

  verb(schedule, 'explain', 'which fires were missed (app closed, machine asleep) and what catch-up will do').argument('<task>', 'name or id')
    .action(async (key: string, o: { json?: boolean }) => {
      const c = client();
      const t = await findTask(c, key);
      const e = await c.call('explainMissed', { taskId: t.id });
      out(e, o.json, () => e.summary);
    });

}
