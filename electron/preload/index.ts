// The bridge between the window and the main process: `call` for every command of the
// contract (the main process checks the name and the input), and `on` for the event
// stream. Nothing else reaches the page (no ipcRenderer).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { EngineEvent } from '../../src/core/api/types';

contextBridge.exposeInMainWorld('tasklane', {
  call: (name: string, input: unknown) => ipcRenderer.invoke('tasklane:call', name, input),
  on: (listener: (events: EngineEvent[]) => void) => {
    const handler = (_: IpcRendererEvent, events: EngineEvent[]) => listener(events);
    ipcRenderer.on('tasklane:events', handler);
    return () => { ipcRenderer.removeListener('tasklane:events', handler); };
  },
});
