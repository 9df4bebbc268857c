// The log's colours, attempts and file: escape codes become styled pieces (never markup),
// lines go to the attempt that wrote them, and the file has no escape codes.
import { describe, expect, it } from 'vitest';
import type { Attempt, LogLine } from '../../core/api/types';
import { ansiParts, attemptSections, logFile, plainText } from './logView';

const line = (seq: number, at: number, text = `line ${seq}`): LogLine => ({ seq, at, stream: 'stdout', text });
const failed = (n: number, startedAt: number, finishedAt: number): Attempt =>
  ({ n, startedAt, finishedAt, outcome: 'failed', exitCode: 3, error: { code: 'EXIT_CODE', message: 'exited with 3' } });

describe('ANSI colours', () => {
  it('become pieces with the colour and weight they set, and the rest stays text', () => {
    expect(ansiParts('\u001b[1;31merror:\u001b[0m disk \u001b[32mok\u001b[0m')).toEqual([
      { text: 'error:', fg: 'ansi-red', bold: true }, { text: ' disk ' }, { text: 'ok', fg: 'ansi-green' },
    ]);
    expect(ansiParts('no codes <b>here</b>')).toEqual([{ text: 'no codes <b>here</b>' }]);
    // 256 colours: the text without colour; a cursor code: gone.
    expect(ansiParts('\u001b[38;5;208mamber\u001b[0m\u001b[2K')).toEqual([{ text: 'amber' }]);
    expect(plainText('\u001b[33mwarn\u001b[0m: <script>')).toBe('warn: <script>');
  });
});

describe('attempts', () => {
  it('each line goes to the attempt that had started when it was written; the run holds the last one', () => {
    const lines = [line(1, 100), line(2, 150), line(3, 300), line(4, 520), line(5, 530)];
    const sections = attemptSections(lines, [failed(1, 100, 200), failed(2, 290, 400)],
      { attempt: 3, status: 'succeeded', startedAt: 500, finishedAt: 600 });
    expect(sections.map((s) => [s.n, s.outcome, s.lines.map((l) => l.seq)])).toEqual([
      [1, 'failed', [1, 2]], [2, 'failed', [3]], [3, 'succeeded', [4, 5]],
    ]);
    expect(sections[0]).toMatchObject({ exitCode: 3, error: { code: 'EXIT_CODE' } });
  });

  it('a run under way shows its attempt as running; a run that never started has no sections', () => {
    expect(attemptSections([line(1, 10)], [], { attempt: 1, status: 'running', startedAt: 5, finishedAt: null })
      .map((s) => [s.n, s.outcome, s.finishedAt, s.lines.length])).toEqual([[1, 'running', null, 1]]);
    expect(attemptSections([], [], { attempt: 0, status: 'queued', startedAt: null, finishedAt: null })).toEqual([]);
  });

  it('a retried run: the attempt numbers go on, and a line written before any start stays shown', () => {
    const sections = attemptSections([line(1, 1), line(2, 700)], [failed(1, 5, 50), { ...failed(2, 60, 90), outcome: 'cancelled' }],
      { attempt: 3, status: 'running', startedAt: 650, finishedAt: null });
    expect(sections.map((s) => [s.n, s.outcome, s.lines.map((l) => l.seq)])).toEqual([[1, 'failed', [1]], [2, 'cancelled', []], [3, 'running', [2]]]);
  });
});

it('the file: time, stream and the text without escape codes, a line each', () => {
  expect(logFile([{ seq: 1, at: Date.UTC(2026, 11, 2, 8, 0, 0, 5), stream: 'stderr', text: '\u001b[31mboom\u001b[0m' }]))
    .toBe('2026-12-02T08:00:00.005Z stderr boom\n');
});
