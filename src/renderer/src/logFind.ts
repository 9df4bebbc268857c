// Finding words in the open run's log, in the page. The engine's search answers which runs
// match (each with its best line), not every line of one run; the run's lines are loaded here
// already, so the log's own search box looks through them here, as the person types.
import type { LogLine, SnippetPart } from '../../core/api/types';

/** Case-insensitive, the text as typed (no syntax). null: nothing to find. */
export interface LogFinder {
  test(text: string): boolean;
  /** The text in pieces, the found ones with `hit`. */
  parts(text: string): SnippetPart[];
}

export function logFinder(needle: string): LogFinder | null {
  if (!needle) return null;
  const source = needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // Unicode case folding in the regular expression keeps offsets in the original text.
  const one = new RegExp(source, 'iu');
  const every = new RegExp(source, 'giu');
  return {
    test: (text) => one.test(text),
    parts(text) {
      const out: SnippetPart[] = [];
      let at = 0;
      for (const m of text.matchAll(every)) {
        if (m.index > at) out.push({ text: text.slice(at, m.index) });
        out.push({ text: m[0], hit: true });
        at = m.index + m[0].length;
      }
      if (at < text.length) out.push({ text: text.slice(at) });
      return out;
    },
  };
}

/** The seqs of the lines that hold the needle, in order. */
export function matchingLines(lines: readonly LogLine[], finder: LogFinder | null): number[] {
  if (!finder) return [];
  const out: number[] = [];
  for (const l of lines) if (finder.test(l.text)) out.push(l.seq);
  return out;
}

/** The match after (or, `back`, before) the current one, round the ends; -1 when none. */
export function nextMatch(count: number, current: number, back = false): number {
  if (count === 0) return -1;
  if (current < 0 || current >= count) return back ? count - 1 : 0;
  return (current + (back ? count - 1 : 1)) % count;
}
