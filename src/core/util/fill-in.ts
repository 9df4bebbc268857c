// Filling a task's input in with values from outside it: a run that ended (hooks' {{run.x}})
// or a message (the inbox's {{message.text}}, {{match.1}}, {{json.a.b}}). A value is data:
// - In a command line run through the shell (a shell task with `shell: true`, whose command
//   and args are one line for sh), each value stands as a quoted variable, "$TASKLANE_VALUE_1",
//   and the value itself goes in the run's environment: sh never parses it, so its quotes,
//   $(…), backticks, ; and newlines stay text. On Windows cmd.exe expands %VAR% before it
//   parses a line, so there no value may go into such a line (FillError says so).
// - Everywhere else (a program's own arguments, an http body, a reminder) it is put in as
//   text, with any "{{" in it broken up (U+2060, an invisible joiner, between the braces), so
//   what a message or a run printed cannot become {{secret.NAME}} when the run starts.
// A placeholder whose name has no value ({{secret.NAME}}, a typo) is left as it is.
import { mapStrings } from './map-strings';

const PLACEHOLDER = /\{\{\s*([\w.]+)\s*\}\}/g;

export class FillError extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
/** A value as text that can never read as a placeholder. */
const inert = (v: string) => v.replace(/\{\{/g, '{\u2060{');

export function fillInput(kind: string, input: unknown, value: (name: string) => string | undefined, platform: NodeJS.Platform = process.platform): unknown {
  const asText = (s: string) => s.replace(PLACEHOLDER, (all, name: string) => { const v = value(name); return v === undefined ? all : inert(v); });
  if (!(kind === 'shell' && isObject(input) && input.shell === true)) return mapStrings(input, asText);
  const env: Record<string, string> = {};
  let n = 0;
  const asVariable = (s: string) => s.replace(PLACEHOLDER, (all, name: string) => {
    const v = value(name);
    if (v === undefined) return all;
    if (platform === 'win32') {
      throw new FillError(`{{${name}}} cannot go into a command line run through the shell on Windows (cmd.exe would run what the value holds): run the program without the shell, with the value as an argument`);
    }
    const key = `TASKLANE_VALUE_${++n}`;
    env[key] = v;
    return `"$${key}"`;
  });
  const out = mapStrings(input, asText) as Record<string, unknown>;
  if (typeof input.command === 'string') out.command = asVariable(input.command);
  if (Array.isArray(input.args)) out.args = input.args.map((a) => (typeof a === 'string' ? asVariable(a) : a));
  if (n) out.env = { ...(isObject(out.env) ? out.env : {}), ...env };
  return out;
}
