// What the run's log shows besides the text: ANSI colours as text spans (anser parses them;
// nothing becomes HTML), the lines grouped by the attempt that wrote them, and the log as a
// plain-text file to copy or download.
import Anser from 'anser';
import type { Attempt, LogLine, RunStatus } from '../../core/api/types';

/** A piece of a line in one style. `fg`/`bg`: one of the 16 colours (class ansi-<name>);
 *  256-colour and true-colour codes are shown without colour. */
export interface AnsiPart { text: string; fg?: string; bg?: string; bold?: true; italic?: true; underline?: true; dim?: true }

const ESCAPE = /\u001b\[[0-9;?]*[ -/]*[@-~]/;
const BASIC = /^ansi-(bright-)?(black|red|green|yellow|blue|magenta|cyan|white)$/;

/** The line as styled pieces; a line without escape codes is one piece. */
export function ansiParts(text: string): AnsiPart[] {
  if (!ESCAPE.test(text)) return [{ text }];
  return Anser.ansiToJson(text, { use_classes: true, remove_empty: true }).map((e) => {
    const part: AnsiPart = { text: e.content };
    if (e.fg && BASIC.test(e.fg)) part.fg = e.fg;
    if (e.bg && BASIC.test(e.bg)) part.bg = e.bg;
    for (const d of e.decorations ?? []) {
      if (d === 'bold') part.bold = true;
      else if (d === 'italic') part.italic = true;
      else if (d === 'underline') part.underline = true;
      else if (d === 'dim') part.dim = true;
    }
    return part;
  });
}

/** The line without escape codes (what search looks through, and what is copied). */
export function plainText(text: string): string {
  return ESCAPE.test(text) ? ansiParts(text).map((p) => p.text).join('') : text;
}

/** The lines one attempt wrote, with how it ended (null: it has not). */
export interface AttemptSection {
  n: number; startedAt: number | null; finishedAt: number | null;
  outcome: Attempt['outcome'] | 'succeeded' | 'running' | null;
  exitCode: number | null; error: Attempt['error']; lines: LogLine[];
}

/**
 * The lines by attempt: a line belongs to the last attempt that had started when it was
 * written. The attempts table holds the attempts that ended without success; the run itself
 * holds the one under way or the one that succeeded (its attempt number, start and end).
 */
export function attemptSections(lines: readonly LogLine[], attempts: readonly Attempt[],
  run: { attempt: number; status: RunStatus; startedAt: number | null; finishedAt: number | null; exitCode?: number | null }): AttemptSection[] {
  const sections: AttemptSection[] = [...attempts].sort((a, b) => a.n - b.n).map((a) => ({
    n: a.n, startedAt: a.startedAt, finishedAt: a.finishedAt, outcome: a.outcome, exitCode: a.exitCode, error: a.error, lines: [],
  }));
  const last = sections[sections.length - 1];
  if (run.startedAt !== null && run.attempt > 0 && (!last || last.n < run.attempt)) {
    sections.push({
      n: run.attempt, startedAt: run.startedAt, finishedAt: run.status === 'running' ? null : run.finishedAt,
      outcome: run.status === 'running' ? 'running' : run.status === 'succeeded' ? 'succeeded' : null,
      exitCode: null, error: null, lines: [],
    });
  }
  if (!sections.length) return lines.length ? [{ n: 0, startedAt: null, finishedAt: null, outcome: null, exitCode: null, error: null, lines: [...lines] }] : [];
  let i = 0;
  for (const line of lines) {
    while (i + 1 < sections.length && (sections[i + 1].startedAt ?? Infinity) <= line.at) i++;
    sections[i].lines.push(line);
  }
  return sections;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
/** A line's time as hh:mm:ss.mmm in this machine's zone. */
export function lineTime(at: number): string {
  const d = new Date(at);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** The log as a text file: each line with its time (ISO, UTC) and stream, no escape codes. */
export function logFile(lines: readonly LogLine[]): string {
  return lines.map((l) => `${new Date(l.at).toISOString()} ${l.stream} ${plainText(l.text)}\n`).join('');
}
