// Runs that used up their attempts (dead) or failed for good: look, retry, or discard.
import { useState } from 'react';
import { DEAD_LETTER_STATUSES } from '../../../core/api/statuses';
import type { RunStatus } from '../../../core/api/types';
import { useApp } from '../context';
import { RunTable } from './RunTable';
import { useBulk, useUndoable } from './Bulk';

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
  const undoable = useUndoable();
  const bulk = useBulk(undoable);
  const run = (action: 'retry' | 'discard') => {
    if (ids.length) {
      const chosen = ids;
      if (action === 'retry') void act((a) => a.retry({ ids: chosen }), `${chosen.length} queued again`).then(done);
      else {
        undoable.later(`${chosen.length === 1 ? `run ${chosen[0]}` : `${chosen.length} runs`}`, () => void act((a) => a.discard({ ids: chosen }), `${chosen.length} discarded`));
        done();
      }
      return;
    }
    // Every dead or failed run: the engine's bulk, after saying how many.
    bulk(action, { status: DEAD }, total, 'dead or failed runs');
  };
  return (
    <>
      {undoable.notice}
      <div className="toolbar">
        <button disabled={!total} onClick={() => run('retry')}>Retry {which}</button>
        <button disabled={!total} onClick={() => run('discard')}>Discard {which}</button>
      </div>
      <RunTable runs={dead} selected={selected} empty="Nothing dead. Runs that use up their attempts wait here."
        onSelect={(id, on) => { const next = new Set(selected); if (on) next.add(id); else next.delete(id); setSelected(next); }} />
    </>
  );
}
