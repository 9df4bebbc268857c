// The contract over IPC: one channel for every command ('tasklane:call', name, input),
// checking that the call comes from our own window, then passing it to the engine thread
// (which checks the name and the input). Events go to the window in the batches the engine
// thread sends, at most every 50 ms.
import { app, ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';

/** The argument a start at login passes: start in the tray, without the window. */
export const HIDDEN = '--hidden';
import type { EngineEvent } from '../../src/core/api/types';
import type { EngineThread } from '../../src/host/engine-thread-client';

/** `call`: the engine thread's; `onEvents`: its event batches (already at most every 50 ms). */
export function bindIpc(call: EngineThread['call'], onEvents: (listener: (events: EngineEvent[]) => void) => () => void,
  window: () => BrowserWindow | null, isOurPage: (url: string) => boolean): () => void {
  const fromUs = (e: IpcMainInvokeEvent) => {
    const frame = e.senderFrame;
    return frame !== null && frame === window()?.webContents.mainFrame && isOurPage(frame.url);
  };
  ipcMain.handle('tasklane:call', (e, name: unknown, input: unknown) => {
    if (!fromUs(e)) return { ok: false, error: { code: 'FORBIDDEN', message: 'only the Tasklane window may call the engine' } };
    return call(String(name), input);
  });
  // The app's own settings: start at login (on Windows hidden in the tray: --hidden; macOS
  // does not pass arguments to login items), so schedules run after a reboot.
  ipcMain.handle('tasklane:desktop', (e, what: unknown, value: unknown) => {
    if (!fromUs(e)) throw new Error('only the Tasklane window may change the app\'s settings');
    // Electron's login items work on Windows and macOS only; on Linux the window points to
    // `tasklane service install` (null: not here).
    if (process.platform === 'linux') return null;
    if (what === 'setOpenAtLogin') app.setLoginItemSettings({ openAtLogin: value === true, args: [HIDDEN] });
    else if (what !== 'openAtLogin') throw new Error(`'${String(what)}' is not a setting`);
    return app.getLoginItemSettings({ args: [HIDDEN] }).openAtLogin;
  });
  const open = () => { const w = window(); return w !== null && !w.isDestroyed(); };
  const stop = onEvents((events) => { if (open()) window()!.webContents.send('tasklane:events', events); });
  return () => {
    stop();
    ipcMain.removeHandler('tasklane:call');
    ipcMain.removeHandler('tasklane:desktop');
  };
}
