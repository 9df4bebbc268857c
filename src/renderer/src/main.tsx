import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { httpTransport, ipcTransport, type PreloadApi } from './api';
import { App } from './App';
import { StoreContext } from './context';
import { createStore } from './store';
import { startTheme } from './theme';
import { hashOf, readHash } from './url';
import type { EngineEvent } from '../../core/api/types';
import './styles.css';

// The kept colour scheme, before the first paint (theme.ts).
startTheme();

// In the desktop app the preload puts the API on window.tasklane; in a browser the page
// talks to `tasklane serve` that served it.
const bridge = (window as unknown as { tasklane?: PreloadApi }).tasklane;
// The view and the filter are in the address (url.ts): a reload or a bookmark shows the same view.
const transport = bridge ? ipcTransport(bridge) : httpTransport(); // (it takes a #token= out of the address first)
const store = createStore(transport, readHash(location.hash));
store.subscribe((s, before) => {
  if (s.view === before.view && s.filter === before.filter && s.openTaskId === before.openTaskId) return;
  const hash = hashOf(s.view, s.filter, s.openTaskId);
  if (hash !== location.hash) history.replaceState(history.state, '', location.pathname + location.search + hash);
});

// Notices (the notification policy): said in the page; when it is not in view, a browser
// page shows them on the desktop (if allowed). The desktop app shows its own, and a click
// on one opens its run here.
store.getState().listen({
  events: (events) => {
    for (const e of events) if (e.type === 'notice') showNotice(e);
  },
});
bridge?.onOpenRun?.((runId) => { store.getState().setView('runs'); store.getState().openRun(runId); });
function showNotice(e: Extract<EngineEvent, { type: 'notice' }>): void {
  const open = () => { if (e.runId !== null) { store.getState().setView('runs'); store.getState().openRun(e.runId); } };
  // In view, in the desktop app, or where this browser may not show it: the page says it
  // (serve does not use notify-send while a page is open).
  if (document.visibilityState === 'visible' || bridge || typeof Notification === 'undefined' || Notification.permission !== 'granted') {
    // An error being said (a field refused, say) stays: the run is in the list anyway.
    if (store.getState().notice?.kind !== 'error') store.getState().say({ kind: 'info', text: `${e.title}${e.body ? ` — ${e.body}` : ''}` });
    return;
  }
  const n = new Notification(e.title, { body: e.body, tag: 'tasklane' });
  n.onclick = () => { window.focus(); open(); n.close(); };
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StoreContext.Provider value={store}>
      <App />
    </StoreContext.Provider>
  </StrictMode>,
);
