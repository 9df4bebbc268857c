// The window's state through the desktop bridge (the preload's shape: `call` for every
// command, and `on`), wired to a real engine the way electron/main/ipc.ts wires it.
import { afterEach, expect, it } from 'vitest';
import type { EngineEvent } from '../../core/api/types';
import { tempDir } from '../../core/testing/harness';
import { createEngine, dispatch, type Engine } from '../../core/index';
import { ipcTransport, type PreloadApi } from './api';
import { createStore } from './store';

let engine: Engine;
const temp = tempDir();
afterEach(async () => { await engine.stop({ timeoutMs: 0 }); temp.cleanup(); });

function bridge(e: Engine): PreloadApi {
  return {
    call: (name, input) => dispatch(e, name, input),
    on: (listener: (events: EngineEvent[]) => void) => e.on('*', (event) => listener([event])),
  };
}

it('the desktop window shows a run added elsewhere, then its end, and a refused command says why', async () => {
  engine = createEngine({ dataDir: temp.dir });
  await engine.start();
  const store = createStore(ipcTransport(bridge(engine)));
  expect(store.getState().connected).toBe(true);
  const { id } = engine.enqueue({ kind: 'shell', input: { command: process.execPath, args: ['-e', 'console.log("hi")'] } });
  await expect.poll(() => store.getState().runs.find((r) => r.id === id)?.status, { timeout: 15_000 }).toBe('succeeded');
  await store.getState().act((a) => a.createLane({ name: 'no spaces' }));
  expect(store.getState().notice).toEqual({ kind: 'error', text: 'name: a lane name is 1–40 letters, digits, dots, dashes or underscores' });
});
