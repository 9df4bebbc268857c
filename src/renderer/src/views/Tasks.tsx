// Tasks: saved work, run by hand or on a schedule (cron in a time zone).
import { useEffect, useState, type FormEvent } from 'react';
import type { SchedulePreview, Task } from '../../../core/api/types';
import { useApp } from '../context';
import { clock, title } from '../format';
import { errorText } from '../store';
import { KindFields, KindPicker, useKindForm } from './KindFields';
import { takeHandoff } from '../draft';

const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
/** The zones this browser knows (IANA names), offered as the time zone is typed. */
const TIME_ZONES: readonly string[] = (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];

export function Tasks() {
  const tasks = useApp((s) => s.tasks);
  // The task whose definition the form shows to change (null: the form makes a new one).
  const [editing, setEditing] = useState<Task | null>(null);
  // A task handed over to edit (a run's panel: Open task).
  useEffect(() => {
    if (!tasks.length) return;
    return takeHandoff('taskId', (id) => setEditing(tasks.find((t) => t.id === id) ?? null));
  }, [tasks]);
  return (
    <>
      <NewTask editing={editing} onDone={() => setEditing(null)} />
      {tasks.length === 0 ? <p className="empty">No tasks yet. A task is work you run again: by hand or on a schedule.</p> : (
        <table className="tasks">
          <thead><tr><th>task</th><th>runs</th><th>lane</th><th>schedule</th><th>next</th><th /></tr></thead>
          <tbody>{tasks.map((t) => <TaskRow key={t.id} task={t} onEdit={() => setEditing(t)} />)}</tbody>
        </table>
      )}
    </>
  );
}

function TaskRow({ task, onEdit }: { task: Task; onEdit(): void }) {
  const act = useApp((s) => s.act);
  const s = task.schedule;
  return (
    <tr data-task={task.name}>
      <td>{task.name}</td>
      <td className="title">{title({ name: null, kind: task.kind, input: task.input })}</td>
      <td>{task.lane}</td>
      <td>{s ? <>{s.description}{!s.enabled && <span className="status cancelled"> paused</span>}</> : 'by hand'}</td>
      <td>{s?.enabled ? clock(s.nextRunAt) : ''}</td>
      <td className="actions">
        <button onClick={() => void act((a) => a.runTask({ id: task.id }), `Task ${task.name} queued`)}>Run now</button>
        <button onClick={onEdit}>Edit</button>
        {s && <button onClick={() => void act((a) => (s.enabled ? a.pauseSchedule({ taskId: task.id }) : a.resumeSchedule({ taskId: task.id })),
          `Schedule of ${task.name} ${s.enabled ? 'paused' : 'resumed'}`)}>{s.enabled ? 'Pause schedule' : 'Resume schedule'}</button>}
        <button onClick={() => void act((a) => a.deleteTask({ id: task.id }), `Task ${task.name} deleted`)}>Delete</button>
      </td>
    </tr>
  );
}

function NewTask({ editing, onDone }: { editing: Task | null; onDone(): void }) {
  const act = useApp((s) => s.act);
  const api = useApp((s) => s.api);
  const lanes = useApp((s) => s.lanes);
  const [name, setName] = useState('');
  // The command line (through the shell), or a kind with its fields made from its schema.
  const form = useKindForm(api);
  const [command, setCommand] = useState('');
  const [lane, setLane] = useState('default');
  const [cron, setCron] = useState('');
  const [zone, setZone] = useState(localZone);
  const [overlap, setOverlap] = useState<'skip' | 'queue' | 'allow'>('skip');
  const [catchUp, setCatchUp] = useState<'once' | 'all' | 'skip'>('once');
  const [preview, setPreview] = useState<SchedulePreview | string | null>(null);

  // Editing: the form shows the task as it is saved.
  useEffect(() => {
    if (!editing) return;
    setName(editing.name);
    setLane(editing.lane);
    form.load(editing.kind, editing.input);
    const sch = editing.schedule;
    setCron(sch?.cron ?? '');
    if (sch?.timeZone) setZone(sch.timeZone);
    if (sch) { setOverlap(sch.overlap as typeof overlap); setCatchUp(sch.catchUp as typeof catchUp); }
    // form.load changes with the kinds loaded: a task opened before they came is shown again.
  }, [editing, form.kinds]);

  // What the schedule means, as it is typed.
  useEffect(() => {
    if (!cron.trim()) { setPreview(null); return; }
    let live = true;
    const t = setTimeout(() => {
      api.previewSchedule({ cron: cron.trim(), timeZone: zone, count: 3 })
        .then((p) => { if (live) setPreview(p); }, (e: unknown) => { if (live) setPreview(errorText(e)); });
    }, 200);
    return () => { live = false; clearTimeout(t); };
  }, [api, cron, zone]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const what = form.read({ command });
    if (!what) return;
    const ok = await act(async (a) => {
      if (editing) {
        const task = await a.updateTask({ id: editing.id, name, ...what, lane });
        if (cron.trim()) await a.setSchedule({ taskId: task.id, cron: cron.trim(), timeZone: zone, overlap, catchUp });
        else if (editing.schedule) await a.clearSchedule({ taskId: task.id });
        return task;
      }
      const task = await a.createTask({ name, ...what, lane });
      if (cron.trim()) {
        try {
          await a.setSchedule({ taskId: task.id, cron: cron.trim(), timeZone: zone, overlap, catchUp });
        } catch (error) {
          await a.deleteTask({ id: task.id });
          throw error;
        }
      }
      return task;
    }, `Task ${name} saved`, (error) => form.said(error));
    if (ok) { setName(''); setCommand(''); setCron(''); form.reset(); form.choose('command'); onDone(); }
  };

  return (
    <form className="new-task" aria-label={editing ? `edit task ${editing.name}` : 'new task'} onSubmit={(e) => void submit(e)}>
      <div className="row">
        <input aria-label="task name" placeholder="task name, e.g. backup" value={name} onChange={(e) => setName(e.target.value)} />
        <KindPicker form={form} label="task kind" />
        {form.kind === 'command'
          ? <input className="command" aria-label="task command" placeholder="command" value={command} onChange={(e) => setCommand(e.target.value)} />
          : <span className="command kind-title">a {form.kind} task: its fields below</span>}
        <select aria-label="task lane" value={lane} onChange={(e) => setLane(e.target.value)}>
          {lanes.map((l) => <option key={l.name} value={l.name}>{l.name}</option>)}
        </select>
      </div>
      {form.kind !== 'command' && <KindFields fields={form.fields} values={form.values} errors={form.errors} onChange={form.set} />}
      <div className="row">
        <input aria-label="cron" placeholder="cron, e.g. 0 3 * * * (empty: by hand)" value={cron} onChange={(e) => setCron(e.target.value)} />
        <input aria-label="time zone" list="time-zones" value={zone} onChange={(e) => setZone(e.target.value)} />
        <datalist id="time-zones">{TIME_ZONES.map((z) => <option key={z} value={z} />)}</datalist>
        <label>if still running <select aria-label="overlap" value={overlap} onChange={(e) => setOverlap(e.target.value as typeof overlap)}>
          <option value="skip">skip</option><option value="queue">queue one</option><option value="allow">run anyway</option></select></label>
        <label>missed while off <select aria-label="catch up" value={catchUp} onChange={(e) => setCatchUp(e.target.value as typeof catchUp)}>
          <option value="once">run once</option><option value="all">run each</option><option value="skip">skip</option></select></label>
        <button type="submit">{editing ? 'Save changes' : 'Save task'}</button>
        {editing && <button type="button" onClick={() => { setName(''); setCron(''); form.choose('command'); onDone(); }}>Cancel</button>}
      </div>
      {preview !== null && (
        <p className="preview" data-testid="schedule-preview">
          {typeof preview === 'string' ? <span className="error-line">{preview}</span>
            : <>{preview.description}; next: {preview.fires.map((f) => fireText(f, preview)).join(', ')}</>}
        </p>
      )}
    </form>
  );
}

/** A next fire on the person's clock; one that a daylight-saving gap moved says so. */
function fireText(at: number, preview: SchedulePreview): string {
  const shifted = preview.shifted?.find((s) => s.at === at);
  if (!shifted) return clock(at);
  // The note's times are the schedule's wall clock; name its zone when it is not this machine's.
  return `${clock(at)} (${preview.timeZone === localZone ? '' : `${preview.timeZone}: `}${shifted.note})`;
}
