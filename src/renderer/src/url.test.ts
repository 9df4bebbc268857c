// The view and the Runs filter in the address: what the window writes it reads back the same.
import { describe, expect, it } from 'vitest';
import { listRunsInput } from '../../core/api/schemas';
import { createdRange, EMPTY_FILTER, hashOf, readHash, takeToken, validFilter } from './url';
import type { RunFilter } from './snapshot';

const f = (over: Partial<RunFilter>): RunFilter => ({ ...EMPTY_FILTER, ...over });

describe('the filter in the address', () => {
  it('every filter goes there and comes back the same', () => {
    const filters: RunFilter[] = [
      EMPTY_FILTER,
      f({ status: ['running'] }),
      f({ status: ['scheduled', 'queued', 'running', 'retrying', 'held'], lane: 'gpu' }),
      f({ status: ['dead', 'failed'], taskId: 3, kind: 'http' }),
      f({ status: ['queued', 'held'], from: '2026-01-01', to: '2026-02-01', text: 'backup & restore #2' }),
      f({ lane: 'a.b-c_d', text: 'x?y=z' }),
      f({ status: ['running'], text: 'rsync', order: 'newest' }),
      f({ text: '"disk full" OR enospc', syntax: 'fts' }),
    ];
    for (const filter of filters) expect(readHash(hashOf('runs', filter))).toEqual({ view: 'runs', filter, taskId: null });
  });

  it('reads the example of the issue', () => {
    const hash = '#runs?status=running&lane=gpu&task=3&kind=http&from=2026-01-01&to=2026-02-01&q=backup';
    expect(readHash(hash)).toEqual({
      view: 'runs', taskId: null, filter: f({ status: ['running'], lane: 'gpu', taskId: 3, kind: 'http', from: '2026-01-01', to: '2026-02-01', text: 'backup' }),
    });
    expect(hashOf('runs', readHash(hash).filter)).toBe(hash);
  });

  it('names a chip by its word, other sets by their statuses, and leaves out what is empty', () => {
    expect(hashOf('runs', EMPTY_FILTER)).toBe('#runs');
    expect(hashOf('runs', f({ status: ['running', 'queued', 'held', 'retrying', 'scheduled'] }))).toBe('#runs?status=active');
    expect(hashOf('runs', f({ status: ['failed', 'dead'] }))).toBe('#runs?status=dead');
    expect(hashOf('runs', f({ status: ['queued', 'held'] }))).toBe('#runs?status=queued%2Cheld');
    expect(hashOf('dead', f({ status: ['running'] }))).toBe('#dead');
  });

  it('a search\'s order and syntax go there only when they are not the defaults, and only with a text', () => {
    expect(hashOf('runs', f({ text: 'rsync', order: 'newest', syntax: 'fts' }))).toBe('#runs?q=rsync&order=newest&syntax=fts');
    expect(hashOf('runs', f({ text: 'rsync', order: 'rank', syntax: 'words' }))).toBe('#runs?q=rsync');
    expect(hashOf('runs', f({ order: 'newest', syntax: 'fts' }))).toBe('#runs');
    expect(readHash('#runs?q=rsync&order=oldest&syntax=regex')).toEqual({ view: 'runs', filter: f({ text: 'rsync' }), taskId: null });
  });

  it('what it cannot read is the default', () => {
    expect(readHash('')).toEqual({ view: 'runs', filter: EMPTY_FILTER, taskId: null });
    expect(readHash('#token=abc')).toEqual({ view: 'runs', filter: EMPTY_FILTER, taskId: null });
    expect(readHash('#lanes')).toEqual({ view: 'lanes', filter: EMPTY_FILTER, taskId: null });
    expect(readHash('#overview')).toEqual({ view: 'overview', filter: EMPTY_FILTER, taskId: null });
    expect(hashOf('overview', f({ status: ['running'] }))).toBe('#overview');
    expect(readHash('#runs?status=sleeping,running&task=-1&from=2026-02-30&to=yesterday')).toEqual({ view: 'runs', filter: f({ status: ['running'] }), taskId: null });
  });

  it("a task's page has its own address, and only a task's number opens one", () => {
    expect(hashOf('tasks', EMPTY_FILTER, 3)).toBe('#tasks/3');
    expect(hashOf('tasks', EMPTY_FILTER, null)).toBe('#tasks');
    expect(hashOf('runs', EMPTY_FILTER, 3)).toBe('#runs');
    expect(readHash('#tasks/3')).toEqual({ view: 'tasks', filter: EMPTY_FILTER, taskId: 3 });
    for (const bad of ['#tasks/0', '#tasks/-2', '#tasks/3x', '#tasks/1e3', '#tasks/99999999999999999999', '#lanes/3']) {
      expect(readHash(bad).taskId).toBeNull();
    }
  });

  it('the days are local days, the last one included', () => {
    expect(createdRange(f({ from: '2026-01-01', to: '2026-01-31' }))).toEqual({
      createdFrom: new Date(2026, 0, 1).getTime(), createdTo: new Date(2026, 1, 1).getTime(),
    });
    expect(createdRange(EMPTY_FILTER)).toEqual({});
  });

  it('the token leaves the address, the view and the filter stay', () => {
    expect(takeToken('#token=abc')).toEqual({ token: 'abc', rest: '' });
    expect(takeToken('#runs?status=running&token=abc')).toEqual({ token: 'abc', rest: '#runs?status=running' });
    expect(takeToken('#runs?token=abc')).toEqual({ token: 'abc', rest: '#runs' });
    expect(takeToken('#runs?status=running')).toEqual({ token: null, rest: '#runs?status=running' });
  });

  it('a filter the engine would refuse is dropped from the address, each part alone', () => {
    const cases: [string, Partial<RunFilter>][] = [
      ['#runs?from=1969-12-31&lane=gpu', { lane: 'gpu' }],
      ['#runs?to=9999-12-31&kind=http', { kind: 'http' }],
      ['#runs?lane=my%20lane&q=backup', { text: 'backup' }],
      ['#runs?lane=-gpu', {}],
      ['#runs?kind=' + 'k'.repeat(101), {}],
      ['#runs?q=' + 'x'.repeat(201) + '&status=running', { status: ['running'] }],
    ];
    for (const [hash, want] of cases) {
      const { filter } = readHash(hash);
      expect(filter, hash).toEqual(f(want));
      const input = { limit: 200, ...(filter.lane ? { lane: filter.lane } : {}), ...(filter.kind ? { kind: filter.kind } : {}),
        ...(filter.text ? { text: filter.text } : {}), ...createdRange(filter) };
      expect(listRunsInput.safeParse(input).success, hash).toBe(true);
    }
    // The bounds themselves are fine.
    expect(readHash('#runs?from=1970-01-02&to=9999-12-30&kind=' + 'k'.repeat(100)).filter).toMatchObject({ from: '1970-01-02', to: '9999-12-30' });
    expect(validFilter(f({ lane: 'my lane', text: 'y'.repeat(201), kind: 'ok' }))).toEqual(f({ kind: 'ok' }));
  });
});
