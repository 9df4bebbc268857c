// The run log's own search box: which lines hold what is typed, where in them, and where
// Enter goes next.
import { expect, it } from 'vitest';
import type { LogLine } from '../../core/api/types';
import { logFinder, matchingLines, nextMatch } from './logFind';

const line = (seq: number, text: string): LogLine => ({ seq, stream: 'stdout', at: 0, text });

it('finds the lines that hold the text, whatever its case, as typed (no syntax)', () => {
  const lines = [line(1, 'Disk FULL on /dev/sda1'), line(2, 'all good'), line(3, 'disk full again (a+b)*'), line(4, '(a+b)*')];
  expect(matchingLines(lines, logFinder('disk full'))).toEqual([1, 3]);
  expect(matchingLines(lines, logFinder('(a+b)*'))).toEqual([3, 4]);
  expect(matchingLines(lines, logFinder(''))).toEqual([]);
});

it('marks every place the text is found, the rest of the line kept as it is', () => {
  expect(logFinder('ab')!.parts('xABxaby')).toEqual([{ text: 'x' }, { text: 'AB', hit: true }, { text: 'x' }, { text: 'ab', hit: true }, { text: 'y' }]);
  expect(logFinder('ab')!.parts('ab')).toEqual([{ text: 'ab', hit: true }]);
  // Case folding that changes a letter's length keeps the offsets in the line.
  expect(logFinder('i̇stanbul')!.parts('to İstanbul').map((p) => p.text).join('')).toBe('to İstanbul');
  expect(logFinder('ß')!.parts('Straße').filter((p) => p.hit).map((p) => p.text)).toEqual(['ß']);
});

it('Enter goes to the next match, Shift+Enter to the one before, round the ends', () => {
  expect(nextMatch(0, -1)).toBe(-1);
  expect(nextMatch(3, -1)).toBe(0);
  expect(nextMatch(3, 0)).toBe(1);
  expect(nextMatch(3, 2)).toBe(0);
  expect(nextMatch(3, -1, true)).toBe(2);
  expect(nextMatch(3, 0, true)).toBe(2);
  expect(nextMatch(3, 7)).toBe(0); // the lines changed under it
});
