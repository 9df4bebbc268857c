// A waiting run changed before it starts (editRun): its priority, lane, name and input, the
// input in its kind's fields. A field the engine refuses is said under it; nothing changes.
import { useEffect, useState, type FormEvent } from 'react';
import type { RunDetail } from '../../../core/api/types';
import { useApp } from '../context';
import { KindFields, useKindForm } from './KindFields';
import { boundText, useOptionLimits, wholeIn } from '../optionLimits';

export function EditWaiting({ run, onDone }: { run: RunDetail; onDone(): void }) {
  const api = useApp((s) => s.api);
  const act = useApp((s) => s.act);
  const lanes = useApp((s) => s.lanes);
  const form = useKindForm(api);
  const limits = useOptionLimits(api, 'editRun');
  const [priority, setPriority] = useState(String(run.priority));
  const [lane, setLane] = useState(run.lane);
  const [name, setName] = useState(run.name ?? '');
  const [error, setError] = useState<{ field: string; text: string } | null>(null);
  // The input's fields come from the kind's schema (once the kinds are read).
  useEffect(() => { if (form.kinds.length) form.load(run.kind, run.input); }, [form.kinds, run.id]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const p = wholeIn(priority, limits?.priority);
    if (p === null) { setError({ field: 'priority', text: boundText(limits?.priority) }); return; }
    // Only what was changed is sent: the input only when one of its fields was edited.
    let input: unknown;
    if (form.touched) {
      const read = form.read({ command: '' });
      if (!read) return;
      input = read.input;
    }
    const newName = name.trim() || null;
    const change = {
      ...(p !== run.priority && { priority: p }), ...(lane !== run.lane && { lane }),
      ...(newName !== run.name && { name: newName }), ...(input !== undefined && { input }),
    };
    if (!Object.keys(change).length) { onDone(); return; }
    const ok = await act((a) => a.editRun({ id: run.id, ...change }), `Run ${run.id} edited`,
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
    <form className="edit-waiting" aria-label={`edit run ${run.id}`} onSubmit={(e) => void submit(e)}>
      <div className="options">
        <label className="option"><span>priority</span>
          <input aria-label="run priority" type="number" min={limits?.priority.min} max={limits?.priority.max} className="narrow" value={priority} onChange={(e) => setPriority(e.target.value)} />{said('priority')}</label>
        <label className="option"><span>lane</span>
          <select aria-label="run lane" value={lane} onChange={(e) => setLane(e.target.value)}>
            {lanes.map((l) => <option key={l.name} value={l.name}>{l.name}</option>)}
          </select>{said('lane')}</label>
        <label className="option"><span>name</span>
          <input aria-label="run name" value={name} onChange={(e) => setName(e.target.value)} />{said('name')}</label>
      </div>
      {form.kind === run.kind && <KindFields fields={form.fields} values={form.values} errors={form.errors} onChange={form.set} />}
      <div className="actions">
        {/* The input's fields come from its kind's schema: saving waits for them. */}
        <button type="submit" disabled={form.kind !== run.kind}>Save changes</button>
        <button type="button" onClick={onDone}>Cancel</button>
      </div>
    </form>
  );
}
