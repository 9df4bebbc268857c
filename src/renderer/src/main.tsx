import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { httpTransport, ipcTransport, type PreloadApi } from './api';
import { App } from './App';
import { StoreContext } from './context';
import { createStore } from './store';
import './styles.css';

// In the desktop app the preload puts the API on window.tasklane; in a browser the page
// talks to `tasklane serve` that served it.
const bridge = (window as unknown as { tasklane?: PreloadApi }).tasklane;
const store = createStore(bridge ? ipcTransport(bridge) : httpTransport());

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StoreContext.Provider value={store}>
      <App />
    </StoreContext.Provider>
  </StrictMode>,
);
