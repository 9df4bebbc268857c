// The open run's log: its lines as they arrive, a search box that marks (or keeps only) the
// lines holding what is typed, Enter going to the next one, and the line a search hit named.
// The box looks through the lines loaded here, not through the engine's search: that one
// answers which runs match (with each run's best line), not every line of one run.
import { memo, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { LogLine, RunStatus } from '../../../core/api/types';
import { logFinder, matchingLines, nextMatch, type LogFinder } from '../logFind';
import { Marked } from './Marked';

const Line = memo(function Line({ line, finder, current, focus }: { line: LogLine; finder: LogFinder | null; current: boolean; focus: boolean }) {
  const cls = `line ${line.stream}${focus ? ' focus' : ''}${current ? ' current' : ''}`;
  return (
    <div data-seq={line.seq} className={cls} aria-current={current || undefined}>
      {finder ? <Marked parts={finder.parts(line.text)} current={current} /> : line.text}
    </div>
  );
});

export function RunLog({ lines, status, focusLine }: { lines: LogLine[]; status: RunStatus; focusLine: number | null }) {
  const [typed, setTyped] = useState('');
  const [only, setOnly] = useState(false);
  const [current, setCurrent] = useState(-1);
  const needle = typed.trim();
  const finder = useMemo(() => logFinder(needle), [needle]);
  const matches = useMemo(() => matchingLines(lines, finder), [lines, finder]);
  const matching = useMemo(() => new Set(matches), [matches]);
  useEffect(() => setCurrent(-1), [needle]);
  const box = useRef<HTMLDivElement>(null);
  const end = useRef<HTMLDivElement>(null);
  const scrollTo = (seq: number) => box.current?.querySelector(`[data-seq="${seq}"]`)?.scrollIntoView({ block: 'center' });

  // The line a search hit named comes into view once it is loaded; while it is shown, or
  // the person searches the log, new lines do not pull the view to the end.
  const focused = useRef<number | null>(null);
  const hasFocus = focusLine !== null && lines.some((l) => l.seq === focusLine);
  useEffect(() => {
    if (!lines.length) focused.current = null;
    if (!hasFocus || focused.current === focusLine) return;
    focused.current = focusLine;
    scrollTo(focusLine!);
  }, [hasFocus, focusLine, lines.length]);
  useEffect(() => {
    if (focusLine === null && !needle) end.current?.scrollIntoView({ block: 'nearest' });
  }, [lines.length, focusLine, needle]);

  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Escape') { setTyped(''); return; }
    if (e.key !== 'Enter') return;
    e.preventDefault();
    const n = nextMatch(matches.length, current, e.shiftKey);
    setCurrent(n);
    if (n >= 0) scrollTo(matches[n]);
  };
  const shown = only && finder ? lines.filter((l) => matching.has(l.seq)) : lines;
  const currentSeq = current >= 0 ? matches[current] : undefined;
  const found = !needle ? '' : !matches.length ? 'no line matches' : current >= 0 ? `${current + 1} of ${matches.length}` : `${matches.length} ${matches.length === 1 ? 'line' : 'lines'}`;

  return (
    <>
      <div className="log-head">
        <h3>Log</h3>
        {lines.length > 0 && (
          <div className="log-tools">
            <input type="search" aria-label="search in log" placeholder="search in log (Enter: next)" value={typed}
              onChange={(e) => setTyped(e.target.value)} onKeyDown={onKey} />
            <span className="log-found" aria-live="polite" data-testid="log-found">{found}</span>
            {needle && <label><input type="checkbox" checked={only} onChange={(e) => setOnly(e.target.checked)} /> only these lines</label>}
          </div>
        )}
      </div>
      {focusLine !== null && lines.length > 0 && !hasFocus && (
        <p className="empty">log line {focusLine} is past the lines loaded here</p>
      )}
      <div className="log" data-testid="log" ref={box}>
        {lines.length === 0 ? <span className="empty">{status === 'queued' || status === 'scheduled' ? 'not started yet' : 'no output'}</span> : null}
        {shown.map((l) => (
          <Line key={l.seq} line={l} finder={matching.has(l.seq) ? finder : null} current={l.seq === currentSeq} focus={l.seq === focusLine} />
        ))}
        <div ref={end} />
      </div>
    </>
  );
}
