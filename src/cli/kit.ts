// What every verb of the `tasklane` command shares: how a verb is declared (each one takes
// --json), how it prints, how it reads a value given as text, @file or - (stdin), and the
// client of the running app.
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { createClient, CommandError, type Client } from './client';

export interface Cli {
  program: Command;
  dataDir(): string;
  client(): Client;
}

/** A verb: every verb takes --json (printing JSON instead of words; the CLI test checks). */
export function verb(parent: Command, name: string, description: string): Command {
  return parent.command(name).description(description).option('--json', 'print JSON');
}

export function out(value: unknown, json: boolean | undefined, human: () => string): void {
  console.log(json ? JSON.stringify(value, null, 2) : human());
}

/** Text as given, `@file` for a file's content, `-` for standard input. */
export function readText(spec: string): string {
  if (spec === '-') return readFileSync(0, 'utf8');
  if (spec.startsWith('@')) {
    try { return readFileSync(spec.slice(1), 'utf8'); } catch (e) {
      throw new CommandError({ code: 'INVALID_INPUT', message: `${spec.slice(1)} cannot be read: ${(e as Error).message}` });
    }
  }
  return spec;
}

/** JSON as given, from `@file` or from `-` (stdin). */
export function readJson(spec: string, what: string): unknown {
  const text = readText(spec);
  try { return JSON.parse(text); } catch (e) {
    throw new CommandError({ code: 'INVALID_INPUT', message: `${what} is not valid JSON: ${(e as Error).message}` });
  }
}

/** Repeatable options collect into a list. */
export const collect = (value: string, previous: string[] = []) => [...previous, value];

/** K=V pairs (repeatable) → a record. */
export function pairs(values: string[] | undefined, sep: '=' | ':', what: string): Record<string, string> | undefined {
  if (!values?.length) return undefined;
  const record: Record<string, string> = {};
  for (const v of values) {
    const i = v.indexOf(sep);
    if (i <= 0) throw new InvalidArgumentError(`'${v}' is not ${what} (NAME${sep}VALUE)`);
    record[v.slice(0, i).trim()] = v.slice(i + 1).trimStart();
  }
  return record;
}

/** A time: ISO 8601 ("2026-12-24T09:00", "2026-12-24 09:00Z") or epoch milliseconds. */
export function parseTime(text: string): number {
  const t = /^\d{12,}$/.test(text) ? Number(text) : Date.parse(text.includes(' ') && !text.includes('T') ? text.replace(' ', 'T') : text);
  if (!Number.isFinite(t)) throw new InvalidArgumentError(`'${text}' is not a time (try 2026-12-24T09:00 or 2026-12-24T09:00Z)`);
  return t;
}

/** Finds a task by name or id. */
export async function findTask(c: Client, key: string) {
  const task = (await c.call('listTasks', {})).find((t) => String(t.id) === key || t.name === key);
  if (!task) throw new CommandError({ code: 'NOT_FOUND', message: `no task named or numbered '${key}'`, field: 'task' });
  return task;
}

export function cliContext(program: Command, dataDir: () => string): Cli {
  return { program, dataDir, client: () => createClient(dataDir()) };
}
