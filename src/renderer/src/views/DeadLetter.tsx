// Runs that used up their attempts (dead) or failed for good: look, retry, or discard.
import { useState } from 'react';
import { useApp } from '../context';
import { RunTable } from './RunTable';

export function DeadLetter() {
  const dead = useApp((s) => s.dead);
  const act = useApp((s) => s.act);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const ids = dead.filter((r) => selected.has(r.id)).map((r) => r.id);
  const target = ids.length ? ids : dead.map((r) => r.id);
  const which = ids.length ? `${ids.length} selected` : `all ${dead.length}`;
  const done = () => setSelected(new Set());
  return (
    <>
      <div className="toolbar">
        <button disabled={!dead.length} onClick={() => void act((a) => a.retry({ ids: target }), `${target.length} queued again`).then(done)}>Retry {which}</button>
        <button disabled={!dead.length} onClick={() => void act((a) => a.discard({ ids: target }), `${target.length} discarded`).then(done)}>Discard {which}</button>
      </div>
      <RunTable runs={dead} selected={selected} empty="Nothing dead. Runs that use up their attempts wait here."
        onSelect={(id, on) => { const next = new Set(selected); if (on) next.add(id); else next.delete(id); setSelected(next); }} />
    </>
  );
}
