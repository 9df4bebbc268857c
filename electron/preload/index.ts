// The bridge between the window and the main process: one function per command of the
// contract, and `on` for the event stream. Nothing else reaches the page (no ipcRenderer).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { COMMAND_NAMES } from '../../src/core/api/commands';
import type { EngineEvent } from '../../src/core/api/types';

const api: Record<string, unknown> = {};
for (const name of COMMAND_NAMES) api[name] = (input: unknown) => ipcRenderer.invoke(`tasklane:${name}`, input);
api.on = (listener: (events: EngineEvent[]) => void) => {
  const handler = (_: IpcRendererEvent, events: EngineEvent[]) => listener(events);
  ipcRenderer.on('tasklane:events', handler);
  return () => { ipcRenderer.removeListener('tasklane:events', handler); };
};
contextBridge.exposeInMainWorld('tasklane', api);
