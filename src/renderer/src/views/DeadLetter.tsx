// Runs that used up their attempts (dead) or failed for good: look, retry, or discard.
import { useState } from 'react';
import { DEAD_LETTER_STATUSES } from '../../../core/api/statuses';
import type { RunStatus } from '../../../core/api/types';
import { useApp } from '../context';
import { RunTable } from './RunTable';

const DEAD: RunStatus[] = [...DEAD_LETTER_STATUSES];

export function DeadLetter() {
  const dead = useApp((s) => s.dead);
  const act = useApp((s) => s.act);
  // All of them, not only the rows loaded: the header's count, and a bulk action on the filter.
  const total = useApp((s) => DEAD.reduce((n, st) => n + (s.counts.total[st] ?? 0), 0));
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const ids = dead.filter((r) => selected.has(r.id)).map((r) => r.id);
  const done = () => setSelected(new Set());
  const which = ids.length ? `${ids.length} selected` : `all ${total.toLocaleString('en-US')}`;
  const run = (action: 'retry' | 'discard') => {
    if (ids.length) {
      void act((a) => (action === 'retry' ? a.retry({ ids }) : a.discard({ ids })), `${ids.length} ${action === 'retry' ? 'queued again' : 'discarded'}`).then(done);
      return;
    }
    // Every dead or failed run: say how many first.
    if (!window.confirm(`${action === 'retry' ? 'Retry' : 'Discard (delete, with their logs)'} all ${total.toLocaleString('en-US')} dead or failed runs?`)) return;
    void act(async (a) => {
      const r = await a.bulk({ action, filter: { status: DEAD } });
      return r;
    }, `${action === 'retry' ? 'Queued again' : 'Discarded'}: all dead or failed runs`).then(done);
  };
  return (
    <>
      <div className="toolbar">
        <button disabled={!total} onClick={() => run('retry')}>Retry {which}</button>
        <button disabled={!total} onClick={() => run('discard')}>Discard {which}</button>
      </div>
      <RunTable runs={dead} selected={selected} empty="Nothing dead. Runs that use up their attempts wait here."
        onSelect={(id, on) => { const next = new Set(selected); if (on) next.add(id); else next.delete(id); setSelected(next); }} />
    </>
  );
}
