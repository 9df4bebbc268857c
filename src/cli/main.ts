// The `tasklane` command: `serve` runs the engine headless; every other verb talks to the
// running app (desktop or serve) through the contract.
//
// Exit codes: 0 done · 1 a command failed (or a waited-for run did not succeed)
//             2 `wait` timed out · 3 Tasklane is not running · 4 bad usage or input
import { readFileSync, writeFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { createClient, CommandError, NotRunningError, type Client } from './client';
import { defaultDataDir } from '../host/paths';
import { DEFAULT_PORT, serve } from '../host/serve';
import { ids, parseDuration, parseInteger, parseRate, table, time } from './format';
import type { Run, RunStatus } from '../core/api/types';
import { TERMINAL_STATUSES } from '../core/api/statuses';
import { TasklaneError } from '../core/errors';
import { registerDbVerbs } from './db-verbs';

const TERMINAL = new Set<RunStatus>(TERMINAL_STATUSES);
const program = new Command('tasklane')
  .description('Run your jobs on your own machine: a durable queue with lanes, retries and schedules.')
  .option('--data-dir <dir>', 'data folder (default: the desktop app\'s; or $TASKLANE_DATA_DIR)')
  .showHelpAfterError()
  .exitOverride();

const dataDir = () => program.opts<{ dataDir?: string }>().dataDir ?? defaultDataDir();
const client = (): Client => createClient(dataDir());
const out = (value: unknown, json: boolean | undefined, human: () => string) =>
  console.log(json ? JSON.stringify(value, null, 2) : human());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const runRows = (runs: Run[]) => table(
  ['ID', 'STATUS', 'LANE', 'PRI', 'TRY', 'NAME', 'CREATED', 'ERROR'],
  runs.map((r) => [r.id, r.status, r.lane, r.priority, `${r.attempt}/${r.maxAttempts}`, r.name ?? r.kind, time(r.createdAt), r.error?.code ?? '']),
);

program.command('serve')
  .description('run Tasklane without a window: the engine, the UI and the API on 127.0.0.1')
  .option('--port <port>', `port (default ${DEFAULT_PORT}, another free one if taken)`, parseInteger, DEFAULT_PORT)
  .option('--metrics', 'expose Prometheus metrics at /metrics')
  .action(async (o: { port: number; metrics?: boolean }) => {
    await serve({ dataDir: dataDir(), port: o.port, metrics: Boolean(o.metrics) });
  });

program.command('add')
  .description('queue a command: tasklane add [options] -- <program> [args...]')
  .argument('<program>', 'the program to run')
  .argument('[args...]', 'its arguments')
  .option('--lane <lane>', 'lane', 'default')
  .option('--priority <0-10>', 'priority, 10 = most urgent', parseInteger)
  .option('--delay <duration>', 'start after this long (10m, 2h)', parseDuration)
  .option('--at <iso-time>', 'start at this time')
  .option('--retries <n>', 'extra attempts after a failure', parseInteger)
  .option('--timeout <duration>', 'end an attempt after this long', parseDuration)
  .option('--name <name>', 'a name to find it by')
  .option('--after <ids>', 'comma-separated run ids: wait until they succeeded (and die if one dies)')
  .option('--shell', 'run through the shell (pipes, globs)')
  .option('--cwd <dir>', 'working folder (default: the current one)')
  .option('--json', 'print JSON')
  .action(async (prog: string, args: string[], o) => {
    let runAt: number | undefined;
    if (o.at) {
      runAt = Date.parse(o.at);
      if (Number.isNaN(runAt)) throw new CommanderError(4, 'usage', `--at: '${o.at}' is not a date and time (try 2026-12-24T18:00)`);
    }
    const result = await client().call('enqueue', {
      kind: 'shell',
      input: { command: prog, args, cwd: o.cwd ?? process.cwd(), shell: Boolean(o.shell) },
      lane: o.lane,
      ...(o.priority !== undefined && { priority: o.priority }),
      ...(o.delay !== undefined && { delayMs: o.delay }),
      ...(runAt !== undefined && { runAt }),
      ...(o.retries !== undefined && { maxAttempts: o.retries + 1 }),
      ...(o.timeout !== undefined && { timeoutMs: o.timeout }),
      name: o.name ?? [prog, ...args].join(' ').slice(0, 200),
      ...(o.after && { after: ids([o.after]) }),
    });
    out(result, o.json, () => `${result.deduplicated ? 'already queued' : 'queued'}: run ${result.id} (${result.status})`);
  });

program.command('ls')
  .description('list runs, newest first')
  .option('--status <statuses>', 'comma-separated: queued,running,dead,...')
  .option('--lane <lane>', 'only this lane')
  .option('--task <id>', 'only runs of this task', parseInteger)
  .option('--limit <n>', 'how many', parseInteger, 20)
  .option('--json', 'print JSON')
  .action(async (o) => {
    const page = await client().call('listRuns', {
      ...(o.status && { status: String(o.status).split(',') }), ...(o.lane && { lane: o.lane }),
      ...(o.task && { taskId: o.task }), limit: o.limit,
    });
    out(page, o.json, () => (page.runs.length ? runRows(page.runs) : 'no runs'));
  });

program.command('show').description('one run with its attempts').argument('<id>', 'run id', parseInteger)
  .option('--json', 'print JSON')
  .action(async (id: number, o) => {
    const run = await client().call('getRun', { id });
    out(run, o.json, () => [
      `run ${run.id}  ${run.name ?? ''}`.trim(),
      `status    ${run.status}${run.error ? ` — ${run.error.code}: ${run.error.message}` : ''}`,
      `kind      ${run.kind}  lane ${run.lane}  priority ${run.priority}  attempt ${run.attempt}/${run.maxAttempts}`,
      `created   ${time(run.createdAt)}  started ${time(run.startedAt)}  finished ${time(run.finishedAt)}`,
      `input     ${JSON.stringify(run.input)}`,
      ...(run.result !== null ? [`result    ${JSON.stringify(run.result)}`] : []),
      '',
      table(['TRY', 'OUTCOME', 'STARTED', 'FINISHED', 'EXIT', 'ERROR'],
        run.attempts.map((a) => [a.n, a.outcome, time(a.startedAt), time(a.finishedAt), a.exitCode, a.error?.message ?? ''])),
    ].join('\n'));
  });

program.command('logs').description('print a run\'s output').argument('<id>', 'run id', parseInteger)
  .option('--tail <n>', 'only the last n lines', parseInteger)
  .option('-f, --follow', 'keep printing new lines until the run ends')
  .action(async (id: number, o) => {
    const c = client();
    const print = (lines: { stream: string; text: string }[]) => {
      for (const l of lines) (l.stream === 'stderr' ? process.stderr : process.stdout).write(`${l.text}\n`);
    };
    let page = o.tail ? await c.call('tailLogs', { runId: id, lines: o.tail }) : await c.call('getLogs', { runId: id, limit: 10_000 });
    print(page.lines);
    let seq = page.lastSeq;
    for (;;) {
      if (!o.follow && page.lines.length < 10_000) return;
      const status = o.follow ? (await c.call('getRun', { id })).status : 'running';
      page = await c.call('getLogs', { runId: id, afterSeq: seq, limit: 10_000 });
      print(page.lines);
      seq = page.lastSeq;
      if (o.follow && TERMINAL.has(status) && page.lines.length === 0) return;
      if (o.follow && page.lines.length === 0) await sleep(250);
    }
  });

for (const [verb, command, what] of [['retry', 'retry', 'retry dead, failed or cancelled runs'], ['cancel', 'cancel', 'cancel waiting or running runs']] as const) {
  program.command(verb).description(what).argument('<ids...>', 'run ids').option('--json', 'print JSON')
    .action(async (values: string[], o) => {
      const result = await client().call(command, { ids: ids(values) });
      out(result, o.json, () => `${verb === 'retry' ? 'retried' : 'cancelled'}: ${result.ids.join(', ')}`);
    });
}

program.command('wait').description('wait until runs end; exit 0 if all succeeded, 1 if not, 2 on timeout')
  .argument('<ids...>', 'run ids')
  .option('--timeout <duration>', 'give up after this long', parseDuration)
  .action(async (values: string[], o) => {
    const c = client();
    const deadline = o.timeout === undefined ? Infinity : Date.now() + o.timeout;
    const pending = new Set(ids(values));
    let failed = false;
    for (;;) {
      for (const id of [...pending]) {
        const run = await c.call('getRun', { id });
        if (TERMINAL.has(run.status)) {
          pending.delete(id);
          if (run.status !== 'succeeded') failed = true;
          console.log(`run ${id}: ${run.status}${run.error ? ` (${run.error.code})` : ''}`);
        }
      }
      if (!pending.size) process.exit(failed ? 1 : 0);
      if (Date.now() >= deadline) {
        console.error(`timed out waiting for: ${[...pending].join(', ')}`);
        process.exit(2);
      }
      await sleep(200);
    }
  });

program.command('lanes').description('list lanes').option('--json', 'print JSON').action(async (o) => {
  const lanes = await client().call('listLanes', {});
  out(lanes, o.json, () => table(['LANE', 'CONCURRENCY', 'RATE', 'PAUSED', 'RUNNING', 'QUEUED'],
    lanes.map((l) => [l.name, l.concurrency, l.rateLimit ? `${l.rateLimit.max}/${l.rateLimit.intervalMs}ms` : '', l.paused ? 'yes' : 'no', l.running, l.queued])));
});

const lane = program.command('lane').description('add, change or remove a lane');
const laneOptions = (c: Command) => c
  .option('--concurrency <n>', 'runs at once', parseInteger)
  .addOption(new Option('--rate <n/interval>', 'at most n starts per interval, e.g. 10/1s; "none" to remove').argParser((v) => (v === 'none' ? null : parseRate(v))));
laneOptions(lane.command('add').argument('<name>')).action(async (name: string, o) => {
  const l = await client().call('createLane', { name, ...(o.concurrency && { concurrency: o.concurrency }), ...(o.rate !== undefined && { rateLimit: o.rate }) });
  console.log(`lane ${l.name}: concurrency ${l.concurrency}`);
});
laneOptions(lane.command('set').argument('<name>')).action(async (name: string, o) => {
  const l = await client().call('updateLane', { name, ...(o.concurrency && { concurrency: o.concurrency }), ...(o.rate !== undefined && { rateLimit: o.rate }) });
  console.log(`lane ${l.name}: concurrency ${l.concurrency}${l.rateLimit ? `, at most ${l.rateLimit.max} per ${l.rateLimit.intervalMs} ms` : ''}`);
});
lane.command('rm').argument('<name>').action(async (name: string) => {
  await client().call('deleteLane', { name });
  console.log(`lane ${name} removed`);
});

program.command('pause').description('pause one lane, or all').argument('[lane]').action(async (name?: string) => {
  if (name) await client().call('pauseLane', { name }); else await client().call('pauseAll', {});
  console.log(`paused ${name ?? 'all lanes'}`);
});
program.command('resume').description('resume one lane, or all').argument('[lane]').action(async (name?: string) => {
  if (name) await client().call('resumeLane', { name }); else await client().call('resumeAll', {});
  console.log(`resumed ${name ?? 'all lanes'}`);
});

program.command('tasks').description('list saved tasks').option('--json', 'print JSON').action(async (o) => {
  const tasks = await client().call('listTasks', {});
  out(tasks, o.json, () => table(['ID', 'NAME', 'KIND', 'LANE', 'SCHEDULE', 'NEXT'],
    tasks.map((t) => [t.id, t.name, t.kind, t.lane, t.schedule ? `${t.schedule.description}${t.schedule.enabled ? '' : ' (paused)'}` : '', time(t.schedule?.nextRunAt)])));
});
program.command('task').description('run a saved task now').command('run').argument('<name-or-id>').option('--json', 'print JSON')
  .action(async (key: string, o) => {
    const c = client();
    const task = (await c.call('listTasks', {})).find((t) => String(t.id) === key || t.name === key);
    if (!task) throw new CommandError({ code: 'NOT_FOUND', message: `no task named or numbered '${key}'` });
    const result = await c.call('runTask', { id: task.id });
    out(result, o.json, () => `queued: run ${result.id} of task ${task.name}`);
  });

program.command('export').description('write lanes, tasks and schedules to a JSON file').argument('<file>')
  .action(async (file: string) => {
    const config = await client().call('exportConfig', {});
    writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
    console.log(`exported ${config.lanes.length} lane(s) and ${config.tasks.length} task(s) to ${file}`);
  });
program.command('import').description('read lanes, tasks and schedules from a JSON file (all or nothing)').argument('<file>')
  .action(async (file: string) => {
    let config: unknown;
    try { config = JSON.parse(readFileSync(file, 'utf8')); } catch (e) {
      throw new CommandError({ code: 'INVALID_INPUT', message: `${file} is not readable JSON: ${(e as Error).message}` });
    }
    const result = await client().call('importConfig', { config });
    console.log(`imported ${result.lanes} lane(s) and ${result.tasks} task(s)`);
  });

registerDbVerbs(program, dataDir);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exit(error.exitCode === 0 ? 0 : 4);
  } else if (error instanceof NotRunningError) {
    console.error(error.message);
    process.exit(3);
  } else if (error instanceof CommandError) {
    console.error(`error: ${error.error.message}${error.error.field ? ` [${error.error.field}]` : ''} (${error.error.code})`);
    // Input the person can fix (a bad value, a run, task or lane that does not exist) is 4.
    process.exit(['INVALID_INPUT', 'UNKNOWN_KIND', 'INVALID_SCHEDULE', 'NOT_FOUND', 'LANE_NOT_FOUND'].includes(error.error.code) ? 4 : 1);
  } else if (error instanceof TasklaneError) {
    // A fault found here (a damaged or read-only database, a file to restore): what to do, no stack.
    console.error(`error: ${error.message} (${error.code})`);
    process.exit(error.code === 'INVALID_INPUT' || error.code === 'NOT_FOUND' ? 4 : 1);
  } else {
    console.error(`error: ${(error as Error).message ?? String(error)}`);
    if (process.env.TASKLANE_DEBUG) console.error(error);
    process.exit(1);
  }
}
