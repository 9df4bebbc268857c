// The contract over IPC: one channel for every command ('tasklane:call', name, input),
// checking that the call comes from our own window, then dispatching (which checks the
// name and the input). Events go to the window in batches, at most every 50 ms.
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { dispatch, type Engine } from '../../src/core/index';
import { batchEvents } from '../../src/host/batcher';

export function bindIpc(engine: Engine, window: () => BrowserWindow | null, isOurPage: (url: string) => boolean): () => void {
  const fromUs = (e: IpcMainInvokeEvent) => {
    const frame = e.senderFrame;
    return frame !== null && frame === window()?.webContents.mainFrame && isOurPage(frame.url);
  };
  ipcMain.handle('tasklane:call', (e, name: unknown, input: unknown) => {
    if (!fromUs(e)) return { ok: false, error: { code: 'FORBIDDEN', message: 'only the Tasklane window may call the engine' } };
    return dispatch(engine, String(name), input, { origin: 'window' });
  });
  const open = () => { const w = window(); return w !== null && !w.isDestroyed(); };
  const batcher = batchEvents(engine, (events) => { if (open()) window()!.webContents.send('tasklane:events', events); }, open);
  return () => {
    batcher.close();
    ipcMain.removeHandler('tasklane:call');
  };
}
