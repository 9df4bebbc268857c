// Runs that used up their attempts (dead) or failed for good: look, retry, or discard.
import { useState } from 'react';
import { DEAD_LETTER_STATUSES } from '../../../core/api/statuses';
import type { RunStatus } from '../../../core/api/types';
import { useApp } from '../context';
import { RunTable } from './RunTable';

const DEAD: RunStatus[] = [...DEAD_LETTER_STATUSES];
/** How long a discard can be taken back before it is sent. */
export const UNDO_MS = 5_000;

export function DeadLetter() {
  const dead = useApp((s) => s.dead);
  const act = useApp((s) => s.act);
  // All of them, not only the rows loaded: the header's count, and a bulk action on the filter.
  const total = useApp((s) => DEAD.reduce((n, st) => n + (s.counts.total[st] ?? 0), 0));
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const ids = dead.filter((r) => selected.has(r.id)).map((r) => r.id);
  const done = () => setSelected(new Set());
  const which = ids.length ? `${ids.length} selected` : `all ${total.toLocaleString('en-US')}`;
  // A discard waits UNDO_MS before it is sent, with Undo beside it: deleting runs and their
  // logs cannot be taken back once done.
  const [pending, setPending] = useState<{ what: string; timer: ReturnType<typeof setTimeout> } | null>(null);
  const later = (what: string, send: () => void) => {
    const timer = setTimeout(() => { setPending(null); send(); }, UNDO_MS);
    setPending({ what, timer });
    done();
  };
  const undo = () => { if (pending) clearTimeout(pending.timer); setPending(null); };
  const run = (action: 'retry' | 'discard') => {
    if (ids.length) {
      const chosen = ids;
      if (action === 'retry') void act((a) => a.retry({ ids: chosen }), `${chosen.length} queued again`).then(done);
      else later(`${chosen.length === 1 ? `run ${chosen[0]}` : `${chosen.length} runs`}`, () => void act((a) => a.discard({ ids: chosen }), `${chosen.length} discarded`));
      return;
    }
    // Every dead or failed run: say how many first.
    if (!window.confirm(`${action === 'retry' ? 'Retry' : 'Discard (delete, with their logs)'} all ${total.toLocaleString('en-US')} dead or failed runs?`)) return;
    const all = () => void act((a) => a.bulk({ action, filter: { status: DEAD } }),
      `${action === 'retry' ? 'Queued again' : 'Discarded'}: all dead or failed runs`).then(done);
    if (action === 'retry') all();
    else later(`all ${total.toLocaleString('en-US')} dead or failed runs`, all);
  };
  return (
    <>
      {pending && (
        <div className="notice info" role="status">
          Discarding {pending.what} in {UNDO_MS / 1000} s <button onClick={undo}>Undo</button>
        </div>
      )}
      <div className="toolbar">
        <button disabled={!total} onClick={() => run('retry')}>Retry {which}</button>
        <button disabled={!total} onClick={() => run('discard')}>Discard {which}</button>
      </div>
      <RunTable runs={dead} selected={selected} empty="Nothing dead. Runs that use up their attempts wait here."
        onSelect={(id, on) => { const next = new Set(selected); if (on) next.add(id); else next.delete(id); setSelected(next); }} />
    </>
  );
}
