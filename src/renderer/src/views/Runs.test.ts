// The Runs view's markup: the total is shown, and said aloud only by its own live region
// (changed when the filter changes, not at every batch); the table says how many rows it has.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { expect, it } from 'vitest';
import { StoreContext } from '../context';
import { createStore } from '../store';
import { pagedEngine } from '../pagedEngine.testing';
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
