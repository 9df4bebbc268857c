// The Runs view's markup: the total is shown, and said aloud only by its own live region
// (changed when the filter changes, not at every batch); the table says how many rows it has.
// With a text, the search's hits instead.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { expect, it } from 'vitest';
import type { Outcome } from '../../../core/api/contract';
import type { Transport } from '../api';
import { StoreContext } from '../context';
import { createStore } from '../store';
import { pagedEngine, run } from '../pagedEngine.testing';
import { EMPTY_FILTER } from '../url';
import { Runs } from './Runs';

it('the total is not a live region; a region of its own is, and the table has aria-rowcount', async () => {
  const { transport } = pagedEngine(1000, { seq: 3 });
  const store = createStore(transport);
  await new Promise((r) => setTimeout(r, 10));
  // A server render shows a store's first state (zustand): show this one.
  Object.assign(store, { getInitialState: store.getState });
  const html = renderToStaticMarkup(createElement(StoreContext.Provider, { value: store }, createElement(Runs)));
  expect(html).toMatch(/<span class="total" data-testid="runs-total">1,000 runs<\/span>/);
  expect(html).toMatch(/<span class="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="runs-said"><\/span>/);
  expect(html.match(/aria-live/g)).toHaveLength(1);
  expect(html).toMatch(/<table class="runs" aria-rowcount="1001">/);
  expect(html).toMatch(/<tr aria-rowindex="1">/);
  expect(html).toMatch(/<input type="search"[^>]*maxLength="200"/);
});

it('with a text, the view lists the search\'s hits: the words marked, a log line\'s number, and "more hits"', async () => {
  const hits = [
    { run: run(6, 'succeeded'), match: { field: 'run', parts: [{ text: 'rsync ' }, { text: 'zebra', hit: true }] } },
    { run: run(5, 'running'), match: { field: 'log', parts: [{ text: 'saw a ' }, { text: 'zebra', hit: true }, { text: ' <b>' }], seq: 12, stream: 'stderr', at: 0 } },
  ];
  const transport: Transport = {
    async call(name) {
      const value = name === 'search' ? { hits, more: true, pending: 1234 } : name === 'listRuns' ? { runs: [], nextCursor: null }
        : name === 'counts' ? { lanes: {}, total: {} } : [];
      return { ok: true, value, seq: 0 } as Outcome<unknown>;
    },
    subscribe(_, onReset) { onReset(true); return () => {}; },
  };
  const store = createStore(transport, { filter: { ...EMPTY_FILTER, text: 'zebra' } });
  await new Promise((r) => setTimeout(r, 10));
  Object.assign(store, { getInitialState: store.getState });
  const html = renderToStaticMarkup(createElement(StoreContext.Provider, { value: store }, createElement(Runs)));
  expect(html).toContain('<span>rsync </span><mark>zebra</mark>');
  // Run output is text: its markup is shown, not made.
  expect(html).toContain('<span class="where">log line 12 (stderr): </span><span>saw a </span><mark>zebra</mark><span> &lt;b&gt;</span>');
  expect(html).toMatch(/<span class="total" data-testid="runs-total">2\+ runs<\/span>/);
  expect(html).toContain('still indexing 1,234 rows');
  expect(html).toContain('>more hits</button>');
  expect(html).not.toContain('data-testid="runs-scroll"');
  expect(html).toMatch(/<select aria-label="search order">/);
});
