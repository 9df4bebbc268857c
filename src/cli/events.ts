// The running app's event stream for the CLI (`logs --follow`, `wait`): the same WebSocket
// the window uses. It connects again after a drop (1 s later), and says so through
// `onConnect`, after which the caller reads afresh what it follows.
import WebSocket from 'ws';
import type { EngineEvent } from '../core/api/types';
import { readEndpoint } from '../host/paths';
import { NotRunningError } from './client';

export interface Follow { close(): void }

/** `fail`: the first connection could not be made (Tasklane is not running); after one has
 *  been made, a drop is retried every second (the app may be restarting). */
export function followEvents(dataDir: string, on: { events(events: EngineEvent[]): void; connect(): void; drop?(): void; fail(error: Error): void }): Follow {
  let closed = false;
  let ws: WebSocket | null = null;
  let timer: NodeJS.Timeout | undefined;
  let everConnected = false;
  const open = () => {
    const found = readEndpoint(dataDir);
    if (!found) {
      if (!everConnected) { on.fail(new NotRunningError(dataDir)); return; }
      timer = setTimeout(open, 1000);
      return;
    }
    const host = `127.0.0.1:${found.endpoint.port}`;
    ws = new WebSocket(`ws://${host}/api/events?token=${encodeURIComponent(found.token)}`, { headers: { origin: `http://${host}` } });
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { type: 'hello' } | { type: 'events'; events: EngineEvent[] };
      if (msg.type === 'hello') { everConnected = true; on.connect(); } else on.events(msg.events);
    });
    ws.on('error', () => { /* a close follows */ });
    ws.on('close', () => {
      if (closed) return;
      if (!everConnected) { closed = true; on.fail(new NotRunningError(dataDir)); return; }
      on.drop?.();
      timer = setTimeout(open, 1000);
    });
  };
  open();
  return { close() { closed = true; clearTimeout(timer); ws?.close(); } };
}
