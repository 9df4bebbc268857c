// The open run's log: its lines as they arrive, grouped by the attempt that wrote them, in
// their ANSI colours (text spans, logView.ts), with their times on request; follow on or off;
// copy and download; a search box that marks (or keeps only) the lines holding what is
// typed, Enter going to the next one, and the line a search hit named.
// The box looks through the lines loaded here, not through the engine's search: that one
// answers which runs match (with each run's best line), not every line of one run.
import { memo, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { Attempt, LogLine, RunStatus } from '../../../core/api/types';
import { duration } from '../format';
import { logFinder, matchingLines, nextMatch, type LogFinder } from '../logFind';
import { ansiParts, attemptSections, lineTime, logFile, plainText, type AttemptSection } from '../logView';
import { Marked } from './Marked';

function Styled({ text }: { text: string }) {
  const parts = ansiParts(text);
  if (parts.length === 1 && !parts[0].fg && !parts[0].bg && !parts[0].bold) return <>{parts[0].text}</>;
  return (
    <>
      {parts.map((p, i) => {
        const cls = [p.fg, p.bg && `${p.bg}-bg`, p.bold && 'ansi-bold', p.italic && 'ansi-italic', p.underline && 'ansi-underline', p.dim && 'ansi-dim'].filter(Boolean).join(' ');
        return cls ? <span key={i} className={cls}>{p.text}</span> : <span key={i}>{p.text}</span>;
      })}
    </>
  );
}

const Line = memo(function Line({ line, finder, current, focus, times }: { line: LogLine; finder: LogFinder | null; current: boolean; focus: boolean; times: boolean }) {
  const cls = `line ${line.stream}${focus ? ' focus' : ''}${current ? ' current' : ''}`;
  return (
    <div data-seq={line.seq} className={cls} aria-current={current || undefined}>
      {times && <time className="line-time" dateTime={new Date(line.at).toISOString()}>{lineTime(line.at)}</time>}
      {finder ? <Marked parts={finder.parts(plainText(line.text))} current={current} /> : <Styled text={line.text} />}
    </div>
  );
});

/** The heading of an attempt's lines: its number, when it started, how it ended. */
function attemptHeading(s: AttemptSection): string {
  if (s.n === 0) return 'before the first attempt';
  const ended = s.outcome === 'running' ? 'running'
    : s.outcome === null ? ''
      : `${s.outcome}${s.exitCode !== null ? ` (exit ${s.exitCode})` : ''}${s.error && s.outcome !== 'succeeded' ? `: ${s.error.message}` : ''}`;
  const took = s.startedAt !== null && s.finishedAt !== null ? duration(s.finishedAt - s.startedAt) : '';
  return [`Attempt ${s.n}`, s.startedAt !== null ? `started ${lineTime(s.startedAt)}` : '', ended, took].filter(Boolean).join(' · ');
}

export interface RunLogProps {
  runId: number; lines: LogLine[]; status: RunStatus; focusLine: number | null;
  attempts: Attempt[]; run: { attempt: number; startedAt: number | null; finishedAt: number | null };
}

export function RunLog({ runId, lines, status, focusLine, attempts, run }: RunLogProps) {
  const [times, setTimes] = useState(false);
  const [follow, setFollow] = useState(true);
  const [copied, setCopied] = useState(false);
  const [typed, setTyped] = useState('');
  const [only, setOnly] = useState(false);
  const [current, setCurrent] = useState(-1);
  const needle = typed.trim();
  const finder = useMemo(() => logFinder(needle), [needle]);
  // Search looks through the text without its escape codes.
  const plain = useMemo(() => (needle ? lines.map((l) => ({ ...l, text: plainText(l.text) })) : lines), [lines, needle]);
  const matches = useMemo(() => matchingLines(plain, finder), [plain, finder]);
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
    if (follow && focusLine === null && !needle) end.current?.scrollIntoView({ block: 'nearest' });
  }, [lines.length, focusLine, needle, follow]);

  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    // Esc empties the box first (and only then, pressed again, closes the run).
    if (e.key === 'Escape') { if (typed) { e.preventDefault(); setTyped(''); } return; }
    if (e.key !== 'Enter') return;
    e.preventDefault();
    const n = nextMatch(matches.length, current, e.shiftKey);
    setCurrent(n);
    if (n >= 0) scrollTo(matches[n]);
  };
  const shown = only && finder ? lines.filter((l) => matching.has(l.seq)) : lines;
  const sections = attemptSections(shown, attempts, { ...run, status });
  const copy = () => {
    void navigator.clipboard?.writeText(logFile(lines)).then(() => { setCopied(true); setTimeout(() => setCopied(false), 1500); }, () => {});
  };
  const download = () => {
    const url = URL.createObjectURL(new Blob([logFile(lines)], { type: 'text/plain' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `tasklane-run-${runId}.log`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
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
            <label><input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> follow</label>
            <label><input type="checkbox" checked={times} onChange={(e) => setTimes(e.target.checked)} /> times</label>
            <button type="button" onClick={copy}>{copied ? 'copied' : 'copy'}</button>
            <button type="button" onClick={download}>download</button>
          </div>
        )}
      </div>
      {focusLine !== null && lines.length > 0 && !hasFocus && (
        <p className="empty">log line {focusLine} is past the lines loaded here</p>
      )}
      <div className="log" data-testid="log" ref={box}>
        {lines.length === 0 ? <span className="empty">{status === 'queued' || status === 'scheduled' ? 'not started yet' : 'no output'}</span> : null}
        {sections.map((section) => (
          <section key={section.n} className="attempt-lines" aria-label={`attempt ${section.n}`}>
            {(sections.length > 1 || section.n > 1) && <h4 className={`attempt-head ${section.outcome ?? ''}`}>{attemptHeading(section)}</h4>}
            {section.lines.map((l) => (
              <Line key={l.seq} line={l} finder={matching.has(l.seq) ? finder : null} current={l.seq === currentSeq} focus={l.seq === focusLine} times={times} />
            ))}
          </section>
        ))}
        <div ref={end} />
      </div>
    </>
  );
}
