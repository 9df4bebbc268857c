// Engine events for a window, in order, in batches at most every 50 ms: a drain of
// thousands of runs per second costs the window 20 messages a second. Shared by the
// desktop shell (IPC to its window) and the local host (WebSocket clients).
import type { EngineEvent } from '../core/api/types';

export const BATCH_MS = 50;

export interface EventSource { on(type: '*', fn: (event: EngineEvent) => void): () => void }

/**
 * `deliver` gets each batch; `wanted` says whether anyone listens now (events that come
 * while nobody does are dropped: a window that opens reads a snapshot first).
 */
export function batchEvents(source: EventSource, deliver: (events: EngineEvent[]) => void, wanted: () => boolean = () => true) {
  let batch: EngineEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (!batch.length) return;
    const events = batch;
    batch = [];
    deliver(events);
  };
  const unsubscribe = source.on('*', (event) => {
    if (!wanted()) return;
    batch.push(event);
    timer ??= setTimeout(flush, BATCH_MS);
  });
  return {
    /** Hands on what is pending now (before a close). */
    flush,
    close() { unsubscribe(); flush(); },
  };
}
