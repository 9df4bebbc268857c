// "Run with changes" on a task's page: one run of the task with another input, lane,
// priority or start, the task itself unchanged (runTask's overrides). The input shows in the
// kind's fields, filled with the task's; an engine error names its field.
import { useEffect, useState, type FormEvent } from 'react';
import type { Task } from '../../../core/api/types';
import { DURATION_EXAMPLES, parseDuration } from '../../../shared/duration';
import { useApp } from '../context';
import { KindFields, useKindForm } from './KindFields';
import { boundText, useOptionLimits, wholeIn } from '../optionLimits';

export function RunWithChanges({ task, onDone }: { task: Task; onDone(): void }) {
  const api = useApp((s) => s.api);
  const act = useApp((s) => s.act);
  const lanes = useApp((s) => s.lanes);
  const form = useKindForm(api);
  // The bounds of the run it makes.
  const limits = useOptionLimits(api, 'enqueue');
  const [lane, setLane] = useState(task.lane);
  const [priority, setPriority] = useState(String(task.priority));
  const [delay, setDelay] = useState('');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => { if (form.kinds.length) form.load(task.kind, task.input); }, [form.kinds, task.id]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const p = wholeIn(priority, limits?.priority);
    const delayMs = delay.trim() ? parseDuration(delay) : undefined;
    if (p === null) { setError(`priority: ${boundText(limits?.priority)}`); return; }
    if (delayMs === null) { setError(`start in: a duration, e.g. ${DURATION_EXAMPLES}`); return; }
    // The task's input goes as it is saved unless one of its fields was edited.
    let input: unknown;
    if (form.touched) {
      const read = form.read({ command: '' });
      if (!read) return;
      input = read.input;
    }
    setError(null);
    const overrides = { ...(input !== undefined && { input }), lane, priority: p, ...(delayMs !== undefined ? { delayMs } : {}) };
    const ok = await act((a) => a.runTask({ id: task.id, overrides }), `Task ${task.name} queued with changes`,
      (err) => form.said(err));
    if (ok) onDone();
  };
  return (
    <form className="run-with-changes" aria-label={`run ${task.name} with changes`} onSubmit={(e) => void submit(e)}>
      <p className="muted">One run with these changes; the task stays as it is.</p>
      <div className="options">
        <label className="option"><span>lane</span>
          <select aria-label="this run's lane" value={lane} onChange={(e) => setLane(e.target.value)}>
            {lanes.map((l) => <option key={l.name} value={l.name}>{l.name}</option>)}
          </select></label>
        <label className="option"><span>priority</span>
          <input aria-label="this run's priority" type="number" min={limits?.priority.min} max={limits?.priority.max} className="narrow" value={priority} onChange={(e) => setPriority(e.target.value)} /></label>
        <label className="option"><span>start in</span>
          <input aria-label="start in" placeholder="now, or e.g. 10m" className="narrow" value={delay} onChange={(e) => setDelay(e.target.value)} /></label>
      </div>
      {form.kind === task.kind && <KindFields fields={form.fields} values={form.values} errors={form.errors} onChange={form.set} />}
      {error && <p className="error-line" role="alert">{error}</p>}
      <div className="actions">
        <button type="submit" disabled={form.kind !== task.kind}>Run with these changes</button>
        <button type="button" onClick={onDone}>Cancel</button>
      </div>
    </form>
  );
}
