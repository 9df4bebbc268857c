// Verbs on runs: add (any kind, or many from JSON), remind, ls, search, show, logs, wait,
// and what a person does with runs: retry, cancel, discard, promote, hold, release; stats.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Option } from 'commander';
import type { EngineEvent, EnqueueResult, Run, RunStatus } from '../../core/api/types';
import { BULK_ACTION_STATUSES, RUN_STATUSES, TERMINAL_STATUSES } from '../../core/api/statuses';
import { duration, originText, title } from '../../shared/words';
import { CommandError } from '../client';
import { followEvents, type Follow } from '../events';
import { ids, oneLine, parseDuration, parseInteger, table, time } from '../format';
import { findTask, out, parseTime, readJson, verb, type Cli } from '../kit';
import { definitionOptions, kindOf, runOptionsOf, type DefinitionOptions } from './definition';

const TERMINAL = new Set<RunStatus>(TERMINAL_STATUSES);

export const runRows = (runs: Run[]) => table(
  ['ID', 'STATUS', 'LANE', 'PRI', 'TRY', 'RUN', 'CREATED', 'ERROR'],
  runs.map((r) => [r.id, r.status, r.lane, r.priority, `${r.attempt}/${r.maxAttempts}`, title(r), time(r.createdAt), r.error?.code ?? '']),
);

/** What an enqueue did, in words. */
export function enqueued(r: EnqueueResult, at?: number): string {
  if (r.deduplicated) return `run ${r.id} is already waiting with this dedupe key (${r.status}); nothing added`;
  if (r.status === 'dead') return `run ${r.id} is dead: a run it comes after already ended without success`;
  if (r.status === 'scheduled') return `run ${r.id} scheduled${at ? ` for ${time(at)}` : ''}`;
  return `run ${r.id} queued`;
}

export function registerRunVerbs(cli: Cli): void {
  const { program, client } = cli;

  definitionOptions(verb(program, 'add', 'add a run: a program and its arguments (after --), an --http call, a --notify reminder or a --plugin kind; - reads a JSON array of runs from stdin'), 'run')
    .argument('[program]', 'the program to run, or - to read a JSON array of enqueue inputs from stdin')
    .argument('[args...]', 'its arguments')
    .option('--delay <duration>', 'start after this long (10m, 2h)', parseDuration)
    .option('--at <time>', 'start at this time (2026-12-24T09:00)', parseTime)
    .option('--after <ids>', 'comma-separated run ids: wait until they succeeded (and die if one of them ends otherwise)')
    .option('--dedupe <key>', 'add nothing if a run with this key is still waiting or running')
    .action(async (prog: string | undefined, args: string[], o: DefinitionOptions & { delay?: number; at?: number; after?: string; dedupe?: string; json?: boolean }) => {
      const c = client();
      if (prog === '-' && !args.length) {
        const runs = readJson('-', 'standard input');
        if (!Array.isArray(runs)) throw new CommandError({ code: 'INVALID_INPUT', message: 'standard input must be a JSON array of runs ([{"kind": "shell", "input": {…}}, …])' });
        const results = await c.call('enqueueMany', { runs });
        out(results, o.json, () => results.map((r) => enqueued(r)).join('\n'));
        return;
      }
      const what = kindOf(o, prog, args);
      if (!what) throw new CommandError({ code: 'INVALID_INPUT', message: 'say what to run: a program (tasklane add -- make test), --http, --notify or --plugin' });
      const result = await c.call('enqueue', {
        ...what, ...runOptionsOf(o),
        ...(o.delay !== undefined && { delayMs: o.delay }), ...(o.at !== undefined && { runAt: o.at }),
        ...(o.after && { after: ids([o.after]) }), ...(o.dedupe !== undefined && { dedupeKey: o.dedupe }),
      });
      out(result, o.json, () => enqueued(result, o.at ?? (o.delay !== undefined ? Date.now() + o.delay : undefined)));
    });

  verb(program, 'remind', 'a reminder: a desktop notification after a while or at a time')
    .argument('<text>', 'what to say')
    .option('--in <duration>', 'after this long (10m, 2h)', parseDuration)
    .option('--at <time>', 'at this time (2026-12-24T09:00)', parseTime)
    .option('--body <text>', 'more text under the title')
    .addOption(new Option('--urgency <level>', 'how urgent').choices(['low', 'normal', 'critical']))
    .action(async (text: string, o: { in?: number; at?: number; body?: string; urgency?: string; json?: boolean }) => {
      if ((o.in === undefined) === (o.at === undefined)) throw new CommandError({ code: 'INVALID_INPUT', message: 'give --in or --at (one of them)' });
      const result = await client().call('enqueue', { kind: 'notify', input: { title: text, ...(o.body && { body: o.body }), ...(o.urgency && { urgency: o.urgency }) },
        name: `reminder: ${text}`.slice(0, 200), ...(o.in !== undefined ? { delayMs: o.in } : { runAt: o.at }) });
      const at = o.at ?? Date.now() + o.in!;
      out(result, o.json, () => `reminder set for ${time(at)} (run ${result.id})`);
    });

  /** The runs list's filter (ls, search). */
  const filterOptions = (c: ReturnType<typeof verb>) => c
    .option('--status <statuses>', `comma-separated: ${RUN_STATUSES.join(',')}`)
    .option('--lane <lane>', 'only this lane')
    .option('--task <name-or-id>', 'only runs of this task')
    .option('--kind <kind>', 'only this kind')
    .option('--since <time>', 'created at or after this time', parseTime)
    .option('--until <time>', 'created before this time', parseTime);
  const listOptions = (c: ReturnType<typeof verb>) => filterOptions(c)
    .option('--cursor <id>', 'the page after this one (the last page printed its cursor)', parseInteger)
    .option('--limit <n>', 'how many (at most 500)', parseInteger, 20)
    .option('--oldest-first', 'oldest first');
  type ListOptions = { status?: string; lane?: string; task?: string; kind?: string; since?: number; until?: number; cursor?: number; limit: number; oldestFirst?: boolean; json?: boolean };
  /** The filter the options say (a task by name or id). */
  const filterOf = async (c: ReturnType<typeof client>, o: ListOptions, text?: string) => {
    const taskId = o.task === undefined ? undefined : (await findTask(c, o.task)).id;
    return {
      ...(o.status && { status: o.status.split(',').map((s) => s.trim()) as RunStatus[] }), ...(o.lane && { lane: o.lane }),
      ...(taskId !== undefined && { taskId }), ...(o.kind && { kind: o.kind }), ...(text !== undefined && { text }),
      ...(o.since !== undefined && { createdFrom: o.since }), ...(o.until !== undefined && { createdTo: o.until }),
    };
  };
  const list = async (o: ListOptions) => {
    const c = client();
    const page = await c.call('listRuns', {
      ...await filterOf(c, o),
      ...(o.cursor !== undefined && { cursor: o.cursor }), limit: o.limit, ...(o.oldestFirst && { oldestFirst: true }), withTotal: true,
    });
    let empty = 'no runs';
    if (o.lane && !page.runs.length) {
      const lanes = (await c.call('listLanes', {})).map((l) => l.name);
      if (!lanes.includes(o.lane)) empty = `no runs in lane '${o.lane}' (it does not exist now; lanes: ${lanes.join(', ')})`;
    }
    out(page, o.json, () => (page.runs.length
      ? `${runRows(page.runs)}\n${page.runs.length} of ${(page.total ?? page.runs.length).toLocaleString('en-US')} run(s)${page.nextCursor !== null ? `; more: --cursor ${page.nextCursor}` : ''}`
      : empty));
  };
  listOptions(verb(program, 'ls', 'list runs, newest first')).action((o: ListOptions) => list(o));
  filterOptions(verb(program, 'search', 'find runs by words of their name, tags, input (command, URL, body) or log lines'))
    .argument('<words...>', 'what to look for (every word must occur; the last may be the start of a word)')
    .option('--fts', 'the words are an SQLite FTS5 query: AND, OR, NOT, "a phrase", prefix*')
    .option('--newest', 'newest runs first (default: best match first)')
    .option('--offset <n>', 'skip this many hits (the next page)', parseInteger)
    .option('--limit <n>', 'how many (at most 200)', parseInteger, 20)
    .action(async (words: string[], o: ListOptions & { fts?: boolean; newest?: boolean; offset?: number }) => {
      const c = client();
      const filter = await filterOf(c, o);
      const found = await c.call('search', {
        ...filter, query: words.join(' '), limit: o.limit, ...(o.offset !== undefined && { offset: o.offset }),
        ...(o.fts && { syntax: 'fts' }), ...(o.newest && { order: 'newest' }),
      });
      const snippet = (parts: { text: string; hit?: true }[]) => oneLine(parts.map((p) => (p.hit ? `[${p.text}]` : p.text)).join(''));
      const where = (m: (typeof found.hits)[number]['match']) => (m.field === 'log' ? `log line ${m.seq}: ` : '');
      out(found, o.json, () => [
        ...(found.hits.length
          ? [table(['ID', 'STATUS', 'RUN', 'MATCH'], found.hits.map((h) => [h.run.id, h.run.status, title(h.run), `${where(h.match)}${snippet(h.match.parts)}`]))]
          : ['no run matches']),
        ...(found.more ? [`more: --offset ${(o.offset ?? 0) + o.limit}`] : []),
        ...(found.pending ? [`(${found.pending.toLocaleString('en-US')} rows are still being indexed; search again in a moment for all hits)`] : []),
        ...(found.complete ? [] : ['(the search stopped at its time limit: these are the newest matches it read; add words or loosen the filters to find older ones)']),
      ].join('\n'));
    });

  verb(program, 'show', 'one run: what it is, where it came from, its attempts').argument('<id>', 'run id', parseInteger)
    .action(async (id: number, o: { json?: boolean }) => {
      const run = await client().call('getRun', { id });
      out(run, o.json, () => [
        `run ${run.id}  ${title(run)}`,
        `status    ${run.status}${run.error ? ` — ${run.error.code}: ${oneLine(run.error.message)}` : ''}`,
        ...(['scheduled', 'retrying'].includes(run.status) ? [`starts    ${time(run.runAt)}`] : []),
        ...(run.status === 'held' ? [`held      until released (tasklane release ${run.id})`] : []),
        `kind      ${run.kind}  lane ${run.lane}  priority ${run.priority}  attempt ${run.attempt}/${run.maxAttempts}`,
        `created   ${time(run.createdAt)} by ${originText(run.trigger)}${run.taskId !== null ? ` (task ${run.taskId})` : ''}`,
        `started   ${time(run.startedAt)}  finished ${time(run.finishedAt)}${run.startedAt !== null && run.finishedAt !== null ? `  (${duration(run.finishedAt - run.startedAt)})` : ''}`,
        `input     ${JSON.stringify(run.input)}`,
        ...(run.after.length ? [`after     ${run.after.map((r) => `${r.id} (${r.status})`).join(', ')}`] : []),
        ...(run.dependents.length ? [`then      ${run.dependents.map((r) => `${r.id} (${r.status})`).join(', ')}${run.moreDependents ? ', …' : ''}`] : []),
        ...(run.result !== null ? [`result    ${JSON.stringify(run.result)}`] : []),
        '',
        table(['TRY', 'OUTCOME', 'STARTED', 'FINISHED', 'EXIT', 'ERROR'],
          run.attempts.map((a) => [a.n, a.outcome, time(a.startedAt), time(a.finishedAt), a.exitCode, a.error?.message ?? ''])),
      ].join('\n'));
    });

  verb(program, 'files', 'the files a run kept (a line ::artifact <path> in its output); --save copies them out')
    .argument('<id>', 'run id', parseInteger)
    .option('--save <folder>', 'copy them into this folder')
    .action(async (id: number, o: { save?: string; json?: boolean }) => {
      const run = await client().call('getRun', { id });
      if (o.save !== undefined && run.artifacts.length) {
        mkdirSync(o.save, { recursive: true });
        for (const a of run.artifacts) copyFileSync(join(cli.dataDir(), 'artifacts', String(id), a.name), join(o.save, a.name));
      }
      out(run.artifacts, o.json, () => (run.artifacts.length
        ? [table(['FILE', 'BYTES'], run.artifacts.map((a) => [a.name, a.size.toLocaleString('en-US')])),
          ...(o.save !== undefined ? [`copied into ${o.save}`] : [])].join('\n')
        : `run ${id} kept no files (a line ::artifact <path> in its output keeps one)`));
    });

  verb(program, 'why', 'why a run is not running: its lane, its time, a run it waits for…').argument('<id>', 'run id', parseInteger)
    .action(async (id: number, o: { json?: boolean }) => {
      const why = await client().call('whyWaiting', { id });
      out(why, o.json, () => [`run ${id} is ${why.status}`, ...why.reasons.map((r) => `  - ${r.message}`)].join('\n'));
    });

  verb(program, 'logs', 'print a run\'s output (--json: one JSON line per log line)').argument('<id>', 'run id', parseInteger)
    .option('--tail <n>', 'only the last n lines', parseInteger)
    .option('-f, --follow', 'keep printing new lines as they come, until the run ends')
    .action(async (id: number, o: { tail?: number; follow?: boolean; json?: boolean }) => {
      const c = client();
      const print = (lines: { seq: number; stream: string; at: number; text: string }[]) => {
        for (const l of lines) {
          if (o.json) process.stdout.write(`${JSON.stringify({ runId: id, ...l })}\n`);
          else (l.stream === 'stderr' ? process.stderr : process.stdout).write(`${l.text}\n`);
        }
      };
      let last = 0;
      /** Everything after `last`, page by page. */
      const catchUp = async () => {
        for (;;) {
          const page = await c.call('getLogs', { runId: id, afterSeq: last, limit: 10_000 });
          print(page.lines);
          last = page.lastSeq;
          if (page.lines.length < 10_000) return;
        }
      };
      if (o.tail) {
        const page = await c.call('tailLogs', { runId: id, lines: o.tail });
        print(page.lines);
        last = page.lastSeq;
      }
      if (!o.follow) {
        if (!o.tail) await catchUp();
        if (last === 0 && !o.json) console.error(`(run ${id} has no output${TERMINAL.has((await c.call('getRun', { id })).status) ? '' : ' yet'})`);
        return;
      }
      // Follow the event stream; on (re)connect read what was missed.
      await new Promise<void>((resolve, reject) => {
        let busy = Promise.resolve();
        const serial = (fn: () => Promise<void>) => { busy = busy.then(fn).catch(reject); };
        const finish = () => serial(async () => { await catchUp(); follow.close(); resolve(); });
        const follow = followEvents(cli.dataDir(), {
          fail: reject,
          connect: () => serial(async () => {
            await catchUp();
            if (TERMINAL.has((await c.call('getRun', { id })).status)) finish();
          }),
          events: (events: EngineEvent[]) => serial(async () => {
            for (const e of events) {
              if (e.type === 'run.log' && e.runId === id) {
                if (e.logSeq === last + 1) { print([{ seq: e.logSeq, stream: e.stream, at: e.at, text: e.text }]); last = e.logSeq; }
                else if (e.logSeq > last) await catchUp();
              } else if ('runId' in e && e.runId === id && 'status' in e && e.status !== null && TERMINAL.has(e.status)) {
                finish();
              }
            }
          }),
        });
      });
    });

  for (const [name, command, what, done] of [
    ['retry', 'retry', 'queue dead, failed or cancelled runs again, with fresh attempts', 'queued again'],
    ['cancel', 'cancel', 'cancel waiting or running runs', 'cancelled'],
    ['discard', 'discard', 'delete dead or failed runs (with their logs)', 'discarded'],
    ['promote', 'promote', 'run waiting runs next: queued now, at the front of their lanes (priority 10)', 'promoted'],
    ['hold', 'hold', 'put waiting runs aside: they do not start until released', 'held'],
    ['release', 'release', 'let held runs go on: queued, or scheduled if their time is ahead', 'released'],
  ] as const) {
    verb(program, name, what).argument('<ids...>', 'run ids (spaces or commas)')
      .action(async (values: string[], o: { json?: boolean }) => {
        const result = await client().call(command, { ids: ids(values) });
        out(result, o.json, () => `${done}: ${result.ids.map((i) => `run ${i}`).join(', ')}`);
      });
  }

  verb(program, 'edit', 'change a waiting run before it starts: its priority, lane, name or input').argument('<id>', 'run id')
    .option('--priority <0-10>', 'its priority', parseInteger)
    .option('--lane <lane>', 'move it to this lane')
    .option('--name <name>', 'its name')
    .option('--input <json|@file|->', 'its whole input (checked against its kind)')
    .action(async (id: string, o: { priority?: number; lane?: string; name?: string; input?: string; json?: boolean }) => {
      const run = await client().call('editRun', {
        id: ids([id])[0],
        ...(o.priority !== undefined && { priority: o.priority }), ...(o.lane !== undefined && { lane: o.lane }),
        ...(o.name !== undefined && { name: o.name }), ...(o.input !== undefined && { input: readJson(o.input, '--input') }),
      });
      out(run, o.json, () => `run ${run.id} (${run.status}): lane ${run.lane}, priority ${run.priority}: ${title(run)}`);
    });

  listOptions(verb(program, 'bulk', 'retry, cancel or discard every run that matches a filter (asks for --yes, after saying how many)'))
    .argument('<action>', 'retry, cancel or discard')
    .option('--text <text>', 'only runs whose name, tags or kind contain this')
    .option('--yes', 'do it (without it: say how many runs it would touch)')
    .action(async (action: string, o: ListOptions & { text?: string; yes?: boolean }) => {
      if (!['retry', 'cancel', 'discard'].includes(action)) throw new CommandError({ code: 'INVALID_INPUT', message: `'${action}' is not retry, cancel or discard`, field: 'action' });
      const c = client();
      const filter = await filterOf(c, o, o.text);
      const applies = BULK_ACTION_STATUSES[action as 'retry' | 'cancel' | 'discard'];
      const status = (filter.status ?? [...applies]).filter((st) => applies.includes(st));
      const matching = status.length ? (await c.call('listRuns', { ...filter, status, limit: 1, withTotal: true })).total ?? 0 : 0;
      if (!o.yes) {
        out({ action, matching, done: 0 }, o.json, () => `${matching} run(s) match: add --yes to ${action} them`);
        return;
      }
      const result = await c.call('bulk', { action: action as 'retry' | 'cancel' | 'discard', filter });
      out(result, o.json, () => `${action}: ${result.done} run(s)${result.skipped ? `; ${result.skipped} left as they were (changed meanwhile, or a retry whose parent ended badly)` : ''}`);
    });

  verb(program, 'wait', 'wait until runs end; exit 0 if all succeeded, 1 if not, 2 on timeout')
    .argument('<ids...>', 'run ids')
    .option('--timeout <duration>', 'give up after this long', parseDuration)
    .action(async (values: string[], o: { timeout?: number; json?: boolean }) => {
      const c = client();
      const pending = new Set(ids(values));
      const ended: { id: number; status: RunStatus; error: string | null }[] = [];
      for (const id of pending) await c.call('getRun', { id }); // a missing run is an error now, not a wait
      const note = (id: number, status: RunStatus, error: string | null) => {
        if (!pending.delete(id)) return;
        ended.push({ id, status, error });
        if (!o.json) console.log(`run ${id}: ${status}${error ? ` (${error})` : ''}`);
      };
      let follow: Follow | undefined;
      const result = await new Promise<'done' | 'timeout'>((resolve, reject) => {
        const timer = o.timeout === undefined ? undefined : setTimeout(() => resolve('timeout'), o.timeout);
        const check = () => { if (!pending.size) { clearTimeout(timer); resolve('done'); } };
        follow = followEvents(cli.dataDir(), {
          fail: reject,
          connect: () => {
            void Promise.all([...pending].map(async (id) => {
              const run = await c.call('getRun', { id });
              if (TERMINAL.has(run.status)) note(id, run.status, run.error?.code ?? null);
            })).then(check, reject);
          },
          events: (events) => {
            for (const e of events) {
              if ('runId' in e && e.runId !== null && pending.has(e.runId) && 'status' in e && e.status !== null && TERMINAL.has(e.status)) {
                note(e.runId, e.status, 'error' in e ? e.error.code : null);
              }
            }
            check();
          },
        });
      });
      follow?.close();
      const failed = ended.some((r) => r.status !== 'succeeded');
      if (o.json) out({ ended, pending: [...pending], timedOut: result === 'timeout' }, true, () => '');
      if (result === 'timeout') {
        if (!o.json) console.error(`timed out waiting for: ${[...pending].join(', ')}`);
        process.exit(2);
      }
      process.exit(failed ? 1 : 0);
    });

  verb(program, 'counts', 'how many runs are in each status, per lane and in all').action(async (o: { json?: boolean }) => {
    const counts = await client().call('counts', {});
    const statuses = RUN_STATUSES.filter((st) => counts.total[st]);
    out(counts, o.json, () => (statuses.length
      ? table(['LANE', ...statuses.map((st) => st.toUpperCase())], [
        ...Object.entries(counts.lanes).map(([lane, c]) => [lane, ...statuses.map((st) => c[st] ?? 0)]),
        ['(all)', ...statuses.map((st) => counts.total[st] ?? 0)],
      ])
      : 'no runs'));
  });

  verb(program, 'prune', 'delete finished runs older than a while (the newest ones stay); Tasklane does this daily')
    .option('--older-than <duration>', 'finished longer ago than this (default 30d)', parseDuration)
    .option('--keep <n>', 'the newest n finished runs stay whatever their age (default 1000)', parseInteger)
    .action(async (o: { olderThan?: number; keep?: number; json?: boolean }) => {
      const result = await client().call('prune', { ...(o.olderThan !== undefined && { olderThanDays: o.olderThan / 86_400_000 }), ...(o.keep !== undefined && { keepLast: o.keep }) });
      out(result, o.json, () => `deleted ${result.deleted} finished run(s)`);
    });

  verb(program, 'stats', 'runs that ended in a range, by task, lane or kind: counts and durations')
    .option('--since <time>', 'from this time (default: 24 hours ago)', parseTime)
    .option('--until <time>', 'up to this time (default: now)', parseTime)
    .addOption(new Option('--by <what>', 'group by').choices(['task', 'lane', 'kind']).default('task'))
    .action(async (o: { since?: number; until?: number; by: 'task' | 'lane' | 'kind'; json?: boolean }) => {
      const stats = await client().call('stats', { groupBy: o.by, ...(o.since !== undefined && { from: o.since }), ...(o.until !== undefined && { to: o.until }) });
      out(stats, o.json, () => (stats.rows.length
        ? `${time(stats.from)} – ${time(stats.to)}\n${table([o.by.toUpperCase(), 'RUNS', 'SUCCEEDED', 'FAILED', 'DEAD', 'CANCELLED', 'P50', 'P95'],
          stats.rows.map((r) => [r.key, r.runs, r.succeeded, r.failed, r.dead, r.cancelled, r.p50Ms === null ? '' : duration(r.p50Ms), r.p95Ms === null ? '' : duration(r.p95Ms)]))}`
        : `no run ended between ${time(stats.from)} and ${time(stats.to)}`));
    });

  verb(program, 'history', 'runs that ended per hour or day, kept after the runs are pruned')
    .option('--since <time>', 'from this time (default: 24 hours ago)', parseTime)
    .option('--until <time>', 'up to this time (default: now)', parseTime)
    .addOption(new Option('--per <bucket>', 'one line per').choices(['hour', 'day']).default('hour'))
    .option('--task <name-or-id>', 'only runs of this task')
    .option('--lane <lane>', 'only this lane')
    .option('--kind <kind>', 'only this kind')
    .action(async (o: { since?: number; until?: number; per: 'hour' | 'day'; task?: string; lane?: string; kind?: string; json?: boolean }) => {
      const c = client();
      const taskId = o.task === undefined ? undefined : (await findTask(c, o.task)).id;
      const h = await c.call('history', {
        bucket: o.per, ...(o.since !== undefined && { from: o.since }), ...(o.until !== undefined && { to: o.until }),
        ...(taskId !== undefined && { taskId }), ...(o.lane && { lane: o.lane }), ...(o.kind && { kind: o.kind }),
      });
      const most = Math.max(1, ...h.points.map((p) => p.runs));
      // Hours or days in which nothing ended are left out of the table (--json has them all).
      const shown = h.points.filter((p) => p.runs > 0);
      const empty = h.points.length - shown.length;
      out(h, o.json, () => [
        ...(shown.length ? [table([o.per.toUpperCase(), 'RUNS', 'SUCCEEDED', 'FAILED', 'DEAD', 'CANCELLED', 'P50', 'P95', ''],
          shown.map((p) => [time(p.at), p.runs, p.succeeded, p.failed, p.dead, p.cancelled,
            p.p50Ms === null ? '' : `≤${duration(p.p50Ms)}`, p.p95Ms === null ? '' : `≤${duration(p.p95Ms)}`, '#'.repeat(Math.ceil((p.runs / most) * 30))]))] : []),
        ...(empty ? [`(${empty.toLocaleString('en-US')} ${o.per === 'day' ? (empty === 1 ? 'day' : 'days') : (empty === 1 ? 'hour' : 'hours')} with no run ended left out, from ${time(h.from)} to ${time(h.to)})`] : []),
      ].join('\n'));
    });
}
