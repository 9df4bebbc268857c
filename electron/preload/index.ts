// The bridge between the window and the main process: `call` for every command of the
// contract (the main process checks the name and the input), `on` for the event stream,
// and `desktop` for the app's own settings. Nothing else reaches the page (no ipcRenderer).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { EngineEvent } from '../../src/core/api/types';

contextBridge.exposeInMainWorld('tasklane', {
  call: (name: string, input: unknown) => ipcRenderer.invoke('tasklane:call', name, input),
  on: (listener: (events: EngineEvent[]) => void) => {
    const handler = (_: IpcRendererEvent, events: EngineEvent[]) => listener(events);
    ipcRenderer.on('tasklane:events', handler);
    return () => { ipcRenderer.removeListener('tasklane:events', handler); };
  },
  // A notice clicked on the desktop: the run to open.
  onOpenRun: (listener: (runId: number) => void) => {
    const handler = (_: IpcRendererEvent, runId: number) => listener(runId);
    ipcRenderer.on('tasklane:open-run', handler);
    return () => { ipcRenderer.removeListener('tasklane:open-run', handler); };
  },
  // The desktop app's own settings (not the engine's).
  desktop: {
    openAtLogin: () => ipcRenderer.invoke('tasklane:desktop', 'openAtLogin'),
    setOpenAtLogin: (on: boolean) => ipcRenderer.invoke('tasklane:desktop', 'setOpenAtLogin', on === true),
  },
});
