// What the Runs view (every run a filter matches) and Dead letter (every dead or failed run,
// or those ticked) do in bulk: a confirmation that says how many, the engine's bulk in
// chunks, a notice of how many were done; a discard waits UNDO_MS with Undo beside it, as
// deleting runs and their logs cannot be taken back once sent.
import { useEffect, useRef, useState } from 'react';
import type { BulkResult } from '../../../core/api/types';
import type { Api } from '../api';
import { useApp } from '../context';

/** How long a discard can be taken back before it is sent. */
export const UNDO_MS = 5_000;

export type BulkAction = 'cancel' | 'retry' | 'discard';
type Filter = NonNullable<Parameters<Api['bulk']>[0]>['filter'];
const VERB: Record<BulkAction, string> = { cancel: 'Cancel', retry: 'Retry', discard: 'Discard (delete, with their logs)' };
const DID: Record<BulkAction, string> = { cancel: 'cancelled', retry: 'queued again', discard: 'discarded' };

/** A discard held back for UNDO_MS: `later` holds one (what it is, how to send it), `undo`
 *  drops it; `notice` is the banner with Undo. Leaving the view sends what is held. */
export function useUndoable() {
  const [pending, setPending] = useState<{ what: string; send: () => void; timer: ReturnType<typeof setTimeout> } | null>(null);
  const held = useRef(pending);
  held.current = pending;
  // The view closes with a discard held: it is sent then (the person did not undo it).
  useEffect(() => () => { const p = held.current; if (p) { clearTimeout(p.timer); p.send(); } }, []);
  return {
    later(what: string, send: () => void) {
      if (held.current) { clearTimeout(held.current.timer); held.current.send(); }
      const timer = setTimeout(() => { setPending(null); send(); }, UNDO_MS);
      setPending({ what, send, timer });
    },
    undo() { if (held.current) clearTimeout(held.current.timer); setPending(null); },
    notice: pending && (
      <div className="notice info" role="status">
        Discarding {pending.what} in {UNDO_MS / 1000} s <button onClick={() => { clearTimeout(pending.timer); setPending(null); }}>Undo</button>
      </div>
    ),
  };
}

export type Undoable = ReturnType<typeof useUndoable>;

/** `action` on every run of `filter` (`count` of them, `noun` says which), after a
 *  confirmation; discards through `undoable`. Resolves once sent (or refused). */
export function useBulk(undoable: Undoable) {
  const act = useApp((s) => s.act);
  const say = useApp((s) => s.say);
  return (action: BulkAction, filter: Filter, count: number, noun: string, note = '') => {
    const n = count.toLocaleString('en-US');
    if (!window.confirm(`${VERB[action]} all ${n} ${noun}?${note ? ` ${note}` : ''}`)) return;
    const send = () => void act((a) => a.bulk({ action, filter })).then((r: BulkResult | undefined) => {
      if (r) say({ kind: 'info', text: `${r.done.toLocaleString('en-US')} ${DID[action]}${r.skipped ? `; ${r.skipped.toLocaleString('en-US')} left as they were` : ''}` });
    });
    if (action === 'discard') undoable.later(`all ${n} ${noun}`, send); else send();
  };
}
