// A waiting run changed before it starts (editRun): its priority, lane, name and input, the
// input in its kind's fields. A field the engine refuses is said under it; nothing changes.
import { useEffect, useState, type FormEvent } from 'react';
import type { RunDetail } from '../../../core/api/types';
import { useApp } from '../context';
import { KindFields, useKindForm } from './KindFields';

export function EditWaiting({ run, onDone }: { run: RunDetail; onDone(): void }) {
  const api = useApp((s) => s.api);
  const act = useApp((s) => s.act);
  const lanes = useApp((s) => s.lanes);
  const form = useKindForm(api);
  const [priority, setPriority] = useState(String(run.priority));
  const [lane, setLane] = useState(run.lane);
  const [name, setName] = useState(run.name ?? '');
  const [error, setError] = useState<{ field: string; text: string } | null>(null);
  // The input's fields come from the kind's schema (once the kinds are read).
  useEffect(() => { if (form.kinds.length) form.load(run.kind, run.input); }, [form.kinds, run.id]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const p = Number(priority);
    if (!Number.isInteger(p) || p < 0 || p > 10) { setError({ field: 'priority', text: 'a whole number from 0 to 10' }); return; }
    const read = form.read({ command: '' });
    if (!read) return;
    const ok = await act((a) => a.editRun({ id: run.id, priority: p, lane, name: name.trim() || null, input: read.input }), `Run ${run.id} changed`,
      (err) => {
        if (form.said(err)) return true;
        const field = (err as { field?: string }).field;
        if (field === 'priority' || field === 'lane' || field === 'name') { setError({ field, text: (err as Error).message }); return true; }
        return false;
      });
    if (ok) onDone();
  };
  const said = (field: string) => error?.field === field && <span className="error-line" role="alert">{error.text}</span>;
  return (
    <form className="edit-waiting" aria-label={`change run ${run.id}`} onSubmit={(e) => void submit(e)}>
      <div className="options">
        <label className="option"><span>priority</span>
          <input aria-label="run priority" type="number" min={0} max={10} className="narrow" value={priority} onChange={(e) => setPriority(e.target.value)} />{said('priority')}</label>
        <label className="option"><span>lane</span>
          <select aria-label="run lane" value={lane} onChange={(e) => setLane(e.target.value)}>
            {lanes.map((l) => <option key={l.name} value={l.name}>{l.name}</option>)}
          </select>{said('lane')}</label>
        <label className="option"><span>name</span>
          <input aria-label="run name" value={name} onChange={(e) => setName(e.target.value)} />{said('name')}</label>
      </div>
      {form.kind === run.kind && <KindFields fields={form.fields} values={form.values} errors={form.errors} onChange={form.set} />}
      <div className="actions">
        <button type="submit">Save changes</button>
        <button type="button" onClick={onDone}>Cancel</button>
      </div>
    </form>
  );
}
