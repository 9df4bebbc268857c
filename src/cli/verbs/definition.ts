// The options that say what a run does and how, shared by `add` (one run) and `task
// add|edit` (a saved task): the kind (a program, --http, --notify, --report, --plugin) and the run
// options (lane, priority, attempts, backoff, timeout, name, tags, env).
import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { CommandError } from '../client';
import { parseDuration, parseInteger } from '../format';
import { collect, pairs, readJson, readText } from '../kit';

export function definitionOptions(c: Command, what: 'run' | 'task'): Command {
  return c
    .option('--http <method-and-url...>', 'an HTTP call: [METHOD] URL (GET by default)')
    .option('--header <name:value>', 'an HTTP header (repeatable)', collect)
    .option('--body <text|@file|->', 'the HTTP body (JSON is sent as JSON), or the reminder\'s text')
    .option('--expect <statuses>', 'HTTP statuses that count as success, e.g. 200,201 (default: any 2xx)')
    .option('--notify <title>', 'a reminder: a desktop notification with this title')
    .addOption(new Option('--urgency <level>', 'the reminder\'s urgency').choices(['low', 'normal', 'critical']))
    .addOption(new Option('--report <template>', 'a report kept as report.md and report.html: a digest of the runs, or a table of a --sql query').choices(['digest', 'query']))
    .addOption(new Option('--period <period>', 'the digest\'s period, up to the run (default day)').choices(['day', 'week']))
    .option('--sql <select|@file|->', 'the report\'s query: one SELECT over the runs database')
    .option('--webhook <url>', 'the report is also POSTed here (JSON: title, markdown, data)')
    .option('--plugin <kind>', 'a plugin kind, with its input from --input')
    .option('--input <json|@file|->', 'the input of a plugin kind (JSON)')
    .option('--shell', 'run the command through the shell (pipes, globs)')
    .option('--cwd <dir>', 'the command\'s working folder')
    .option('--env <NAME=value>', 'an environment variable for the command (repeatable)', collect)
    .option('--lane <lane>', 'the lane')
    .option('--priority <0-10>', 'priority, 10 = most urgent', parseInteger)
    .option('--attempts <n>', 'attempts in all (default 3)', parseInteger)
    .option('--retries <n>', 'extra attempts after a failure (attempts = retries + 1)', parseInteger)
    .option('--backoff <type:delay[:max]>', 'wait between attempts: fixed:30s or exponential:10s:1h')
    .option('--timeout <duration>', 'end an attempt after this long (30s, 10m, 2h)', parseDuration)
    .option('--name <name>', what === 'run' ? 'a name to find it by' : 'the task\'s name')
    .option('--tag <tag>', 'a tag (repeatable)', collect);
}

export interface DefinitionOptions {
  http?: string[]; header?: string[]; body?: string; expect?: string; notify?: string; urgency?: string;
  report?: string; period?: string; sql?: string; webhook?: string;
  plugin?: string; input?: string; shell?: boolean; cwd?: string; env?: string[];
  lane?: string; priority?: number; attempts?: number; retries?: number; backoff?: string; timeout?: number;
  name?: string; tag?: string[];
}

function parseBackoff(text: string) {
  const m = /^(fixed|exponential|exp):([^:]+)(?::(.+))?$/.exec(text.trim());
  const delayMs = m ? parseDuration(m[2]) : null;
  if (!m || delayMs === null) throw new InvalidArgumentError(`'${text}' is not a backoff (try fixed:30s or exponential:10s:1h)`);
  return { type: m[1] === 'fixed' ? 'fixed' as const : 'exponential' as const, delayMs, ...(m[3] && { maxDelayMs: parseDuration(m[3]) }) };
}

/** The HTTP fields the options give (a body that reads as JSON is sent as JSON); for a new
 *  call and for an edit of a saved one. */
export function httpFields(o: DefinitionOptions): { headers?: Record<string, string>; body?: unknown; expectStatus?: number[] } {
  let body: unknown;
  if (o.body !== undefined) {
    const text = readText(o.body);
    try { body = JSON.parse(text); } catch { body = text; }
  }
  return {
    ...(o.header && { headers: pairs(o.header, ':', 'a header') }), ...(body !== undefined && { body }),
    ...(o.expect && { expectStatus: o.expect.split(',').map((s) => parseInteger(s.trim())) }),
  };
}

/** The kind and its input from the options (and a program with its arguments); null when
 *  nothing says what to do (an edit may leave the kind as it was). */
export function kindOf(o: DefinitionOptions, program?: string, args: string[] = []): { kind: string; input: unknown } | null {
  const chosen = [program !== undefined, o.http !== undefined, o.notify !== undefined, o.report !== undefined, o.plugin !== undefined].filter(Boolean).length;
  if (chosen > 1) throw new CommandError({ code: 'INVALID_INPUT', message: 'give one of: a program, --http, --notify, --report or --plugin' });
  if (o.report === undefined && (o.period !== undefined || o.sql !== undefined || o.webhook !== undefined)) {
    throw new CommandError({ code: 'INVALID_INPUT', message: '--period, --sql and --webhook go with --report' });
  }
  if (o.report !== undefined) {
    return { kind: 'report', input: {
      template: o.report, ...(o.period !== undefined && { period: o.period }), ...(o.sql !== undefined && { sql: readText(o.sql) }),
      ...(o.webhook !== undefined && { webhook: { url: o.webhook } }),
    } };
  }
  if (o.http) {
    const [first, second, ...rest] = o.http;
    if (rest.length) throw new CommandError({ code: 'INVALID_INPUT', message: '--http takes [METHOD] URL', field: 'http' });
    const [method, url] = second === undefined ? ['GET', first] : [first.toUpperCase(), second];
    return { kind: 'http', input: { method, url, ...httpFields(o) } };
  }
  if (o.notify !== undefined) {
    return { kind: 'notify', input: { title: o.notify, ...(o.body !== undefined && { body: readText(o.body) }), ...(o.urgency && { urgency: o.urgency }) } };
  }
  if (o.plugin !== undefined) return { kind: o.plugin, input: o.input === undefined ? {} : readJson(o.input, '--input') };
  if (program !== undefined) {
    return { kind: 'shell', input: {
      // The folder you are in, as pueue does, unless --cwd says another (relative to the
      // folder you are in; Tasklane's own folder is nobody's working folder).
      command: program, args, ...(o.shell && { shell: true }), cwd: resolve(o.cwd ?? '.'), ...(o.env && { env: pairs(o.env, '=', 'an environment variable') }),
    } };
  }
  return null;
}

/** The run options given (only those given). */
export function runOptionsOf(o: DefinitionOptions): Record<string, unknown> {
  if (o.attempts !== undefined && o.retries !== undefined) throw new CommandError({ code: 'INVALID_INPUT', message: 'give --attempts or --retries, not both' });
  const maxAttempts = o.attempts ?? (o.retries !== undefined ? o.retries + 1 : undefined);
  return {
    ...(o.lane !== undefined && { lane: o.lane }),
    ...(o.priority !== undefined && { priority: o.priority }),
    ...(maxAttempts !== undefined && { maxAttempts }),
    ...(o.backoff !== undefined && { backoff: parseBackoff(o.backoff) }),
    ...(o.timeout !== undefined && { timeoutMs: o.timeout }),
    ...(o.name !== undefined && { name: o.name }),
    ...(o.tag !== undefined && { tags: o.tag }),
  };
}
