// The contract over IPC: one handler per command, each checking that the call comes from
// our own window, then dispatching (the engine validates the input). Events go to the
// window in batches, at most every 50 ms.
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { COMMAND_NAMES } from '../../src/core/api/commands';
import { dispatch } from '../../src/core/api/contract';
import type { Engine, EngineEvent } from '../../src/core/index';

const BATCH_MS = 50;

export function bindIpc(engine: Engine, window: () => BrowserWindow | null, isOurPage: (url: string) => boolean): () => void {
  const fromUs = (e: IpcMainInvokeEvent) => {
    const frame = e.senderFrame;
    return frame !== null && frame === window()?.webContents.mainFrame && isOurPage(frame.url);
  };
  for (const name of COMMAND_NAMES) {
    ipcMain.handle(`tasklane:${name}`, (e, input: unknown) => {
      if (!fromUs(e)) return { ok: false, error: { code: 'FORBIDDEN', message: 'only the Tasklane window may call the engine' } };
      return dispatch(engine, name, input);
    });
  }
  let batch: EngineEvent[] = [];
  let timer: NodeJS.Timeout | undefined;
  const unsubscribe = engine.on('*', (event) => {
    const w = window();
    if (!w || w.isDestroyed()) return;
    batch.push(event);
    timer ??= setTimeout(() => {
      timer = undefined;
      const events = batch;
      batch = [];
      const target = window();
      if (target && !target.isDestroyed()) target.webContents.send('tasklane:events', events);
    }, BATCH_MS);
  });
  return () => {
    unsubscribe();
    clearTimeout(timer);
    for (const name of COMMAND_NAMES) ipcMain.removeHandler(`tasklane:${name}`);
  };
}
