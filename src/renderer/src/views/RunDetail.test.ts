// The run panel's buttons: which a run's status offers, the command each sends through the
// store's `act`, and the notice it leaves.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { CommandName, Outcome } from '../../../core/api/contract';
import type { Run, RunDetail, RunStatus } from '../../../core/api/types';
import type { Transport } from '../api';
import { StoreContext } from '../context';
import { createStore, type Store } from '../store';
import { RunDetailPanel, runActions } from './RunDetail';

const run = (id: number, status: RunStatus): Run => ({
  id, taskId: null, kind: 'shell', input: { command: 'true' }, lane: 'default', priority: 0, status, runAt: 0, createdAt: 0,
  updatedAt: 0, startedAt: null, finishedAt: null, attempt: 0, maxAttempts: 3, backoff: { type: 'fixed', delayMs: 0, maxDelayMs: 0, jitter: 0 },
  timeoutMs: null, dedupeKey: null, name: null, tags: [], progress: null, progressMessage: null, result: null, error: null,
  scheduledFor: null, trigger: 'api',
});

/** An engine that answers every command with empty values and records the writes. */
function fakeTransport() {
  const sent: [CommandName, unknown][] = [];
  const transport: Transport = {
    call(name, input) {
      const value = name === 'listRuns' ? { runs: [], nextCursor: null } : name === 'counts' ? { lanes: {}, total: {} }
        : name === 'listLanes' || name === 'listTasks' ? [] : { ids: (input as { ids?: number[] }).ids ?? [] };
      if (!['listRuns', 'counts', 'listLanes', 'listTasks', 'getRun', 'getLogs'].includes(name)) sent.push([name, input]);
      return Promise.resolve({ ok: true, value, seq: 0 } as Outcome<unknown>);
    },
    subscribe(_, onReset) { onReset(true); return () => {}; },
  };
  return { transport, sent };
}

const labels = (status: RunStatus) => runActions({ id: 1, status }).map((a) => a.label);

describe('the run panel', () => {
  it('offers run next and hold for a waiting run, release for a held one, beside cancel and retry', () => {
    expect(labels('queued')).toEqual(['Run next', 'Hold', 'Cancel']);
    expect(labels('scheduled')).toEqual(['Run next', 'Hold', 'Cancel']);
    expect(labels('retrying')).toEqual(['Run next', 'Hold', 'Cancel']);
    expect(labels('held')).toEqual(['Run next', 'Release', 'Cancel']);
    expect(labels('running')).toEqual(['Cancel']);
    expect(labels('dead')).toEqual(['Retry']);
    expect(labels('failed')).toEqual(['Retry']);
    expect(labels('cancelled')).toEqual(['Retry']);
    expect(labels('succeeded')).toEqual([]);
  });

  it('each button sends its command for the run and says what it did', async () => {
    const t = fakeTransport();
    const store = createStore(t.transport);
    const said: string[] = [];
    const press = async (status: RunStatus, label: string) => {
      const action = runActions({ id: 7, status }).find((a) => a.label === label)!;
      await store.getState().act(action.call, action.done);
      said.push(store.getState().notice!.text);
    };
    await press('queued', 'Hold');
    await press('held', 'Release');
    await press('scheduled', 'Run next');
    await press('running', 'Cancel');
    await press('dead', 'Retry');
    expect(t.sent).toEqual([
      ['hold', { ids: [7] }], ['release', { ids: [7] }], ['promote', { ids: [7] }], ['cancel', { ids: [7] }], ['retry', { ids: [7] }],
    ]);
    expect(said).toEqual(['Run 7 held', 'Run 7 released', 'Run 7 runs next', 'Run 7 cancelled', 'Run 7 queued again']);
  });

  it('shows the buttons for the open run, and its held badge', () => {
    const real = createStore(fakeTransport().transport);
    const detail: RunDetail = { ...run(7, 'held'), attempts: [], after: [], dependents: [], moreDependents: false, artifacts: [] };
    const state = { ...real.getState(), openRunId: 7, detail };
    // Rendered on the server, zustand reads the store's initial state: this one has the open run.
    const store = { ...real, getState: () => state, getInitialState: () => state, subscribe: () => () => {} } as unknown as Store;
    const html = renderToStaticMarkup(createElement(StoreContext.Provider, { value: store }, createElement(RunDetailPanel)));
    const buttons = [...html.matchAll(/<button[^>]*>([^<]*)<\/button>/g)].map((m) => m[1]);
    expect(buttons).toEqual(['×', 'Run next', 'Release', 'Cancel', 'Edit', 'Duplicate']);
    expect(html).toContain('<span class="status held">held</span>');
  });
});
