// How the window reaches the engine: a Transport (Electron IPC through the preload, or HTTP
// and a WebSocket to `tasklane serve`) and a typed client over it. Only the contract's
// types come from the engine.
import type { CommandInput, CommandName, CommandResult, Outcome } from '../../core/api/contract';
import type { EngineEvent, ErrorCode, ErrorShape } from '../../core/api/types';
import { takeToken } from './url';

export interface Transport {
  call(name: CommandName, input: unknown): Promise<Outcome<unknown>>;
  /** Events in order. `onReset`: (re)connected or a gap in `seq`: read the snapshot again;
   *  `lastSeq`, when the transport knows it (the WebSocket's hello): the engine's last event
   *  then, the next one on the stream is lastSeq + 1. */
  subscribe(onEvents: (events: EngineEvent[]) => void, onReset: (connected: boolean, lastSeq?: number) => void): () => void;
}

/** An error the engine returned, rebuilt with its code and field. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly field?: string;
  constructor(shape: ErrorShape) {
    super(shape.message);
    this.code = shape.code;
    if (shape.field !== undefined) this.field = shape.field;
  }
}

export type Api = { [N in CommandName]: (input?: CommandInput<N>) => Promise<CommandResult<N>> };

export function createApi(transport: Transport): Api {
  const read = createRead(transport);
  return new Proxy({} as Api, {
    get: (_, name: string) => async (input?: unknown) => (await read(name as CommandName, input as never)).value,
  });
}

/** An answer with the seq it reflects: every event up to `seq` is in `value`, none after.
 *  `seq` is undefined from an engine older than answers with a seq. */
export interface Answer<T> { value: T; seq: number | undefined }
export type Read = <N extends CommandName>(name: N, input?: CommandInput<N>) => Promise<Answer<CommandResult<N>>>;

/** The store's reads: a command's value with its seq (an error is thrown, as from the Api). */
export function createRead(transport: Transport): Read {
  return async <N extends CommandName>(name: N, input: CommandInput<N> | Record<string, never> = {}) => {
    const outcome = await transport.call(name, input);
    if (!outcome.ok) throw new ApiError(outcome.error);
    return { value: outcome.value as CommandResult<N>, seq: outcome.seq };
  };
}

/** The desktop app's own settings (not the engine's): only the desktop window has them. */
export interface DesktopBridge {
  /** Whether Tasklane starts at login; null where the desktop app cannot do it (Linux). */
  openAtLogin(): Promise<boolean | null>;
  setOpenAtLogin(on: boolean): Promise<boolean | null>;
}

/** What the Electron preload puts on `window.tasklane`: `call` for every command, `on`, and `desktop`. */
export interface PreloadApi {
  desktop?: DesktopBridge;
  call(name: CommandName, input: unknown): Promise<Outcome<unknown>>;
  on(listener: (events: EngineEvent[]) => void): () => void;
  /** A notice clicked on the desktop: the run to open. */
  onOpenRun?(listener: (runId: number) => void): () => void;
}

export function ipcTransport(bridge: PreloadApi): Transport {
  return {
    call: (name, input) => bridge.call(name, input),
    subscribe(onEvents, onReset) {
      onReset(true);
      return bridge.on(onEvents);
    },
  };
}

/** Saves a file a run kept (serve's GET /files/<run>/<name>, with the tab's token) as a download. */
export async function downloadFile(runId: number, name: string): Promise<void> {
  const res = await fetch(`/files/${runId}/${encodeURIComponent(name)}`, { headers: { authorization: `Bearer ${sessionStorage.getItem('tasklane.token') ?? ''}` } });
  if (!res.ok) throw new Error(((await res.json()) as { error?: { message?: string } }).error?.message ?? `HTTP ${res.status}`);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** `tasklane serve`: the token arrives once in the address (#token=…) and is kept for the tab. */
export function httpTransport(): Transport {
  // Only the token leaves the address: a view and filter beside it stay (url.ts).
  const { token: fromHash, rest } = takeToken(location.hash);
  if (fromHash) {
    sessionStorage.setItem('tasklane.token', fromHash);
    history.replaceState(null, '', location.pathname + location.search + rest);
  }
  const token = sessionStorage.getItem('tasklane.token') ?? '';
  return {
    async call(name, input) {
      try {
        const res = await fetch(`/api/${name}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-tasklane-origin': 'window' },
          body: JSON.stringify(input ?? {}),
        });
        return (await res.json()) as Outcome<unknown>;
      } catch {
        return { ok: false, error: { code: 'ENGINE_STOPPED', message: 'Tasklane is not reachable; is `tasklane serve` still running?' } };
      }
    },
    subscribe(onEvents, onReset) {
      let ws: WebSocket | null = null;
      let closed = false;
      let lastSeq = 0;
      let retryTimer: ReturnType<typeof setTimeout> | undefined;
      const connect = () => {
        ws = new WebSocket(`ws://${location.host}/api/events?window=1&token=${encodeURIComponent(token)}`);
        ws.onmessage = (m) => {
          const msg = JSON.parse(String(m.data)) as { type: 'hello'; lastSeq: number } | { type: 'events'; events: EngineEvent[] };
          if (msg.type === 'hello') { lastSeq = msg.lastSeq; onReset(true, msg.lastSeq); return; }
          const first = msg.events[0];
          if (first && first.seq !== lastSeq + 1) onReset(true);
          if (msg.events.length) lastSeq = msg.events[msg.events.length - 1].seq;
          onEvents(msg.events);
        };
        ws.onclose = () => {
          if (closed) return;
          onReset(false);
          retryTimer = setTimeout(connect, 1000);
        };
      };
      connect();
      return () => { closed = true; clearTimeout(retryTimer); ws?.close(); };
    },
  };
}
