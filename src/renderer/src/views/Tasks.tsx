// Tasks: saved work, run by hand or on a schedule (cron in a time zone).
import { useEffect, useState, type FormEvent } from 'react';
import type { SchedulePreview, StatsRow, Task, TaskListItem } from '../../../core/api/types';
import { useApp } from '../context';
import { clock, title } from '../format';
import { errorText } from '../store';
import { KindFields, KindPicker, useKindForm } from './KindFields';
import { takeHandoff } from '../draft';
import { copyName, fireText, scheduleText, successText, TASK_SPAN_MS } from '../taskView';
import { StatusBadge } from './RunTable';
import { TaskPage } from './TaskPage';
import { RunOptionFields, useRunOptions } from './RunOptions';

const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
/** The zones this browser knows (IANA names), offered as the time zone is typed. */
const TIME_ZONES: readonly string[] = (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];

export function Tasks() {
  const tasks = useApp((s) => s.tasks);
  const api = useApp((s) => s.api);
  // The task whose definition the form shows: to change it, or (clone) to save a copy.
  const [editing, setEditing] = useState<{ task: Task; clone: boolean } | null>(null);
  // The task whose page is shown instead of the list (null: the list); in the address.
  const openId = useApp((s) => s.openTaskId);
  const setOpenId = useApp((s) => s.openTask);
  // Success over the last 30 days, per task (read with the tasks).
  const [stats, setStats] = useState<Map<number, StatsRow>>(new Map());
  // Read when the view opens, when the tasks themselves change, and every 15 s (not at every
  // run that ends: a busy queue would read stats without pause).
  const taskIds = tasks.map((t) => t.id).join(',');
  useEffect(() => {
    let live = true;
    const read = () => api.stats({ groupBy: 'task', from: Date.now() - TASK_SPAN_MS })
      .then((st) => { if (live) setStats(new Map(st.rows.filter((r) => r.taskId !== null).map((r) => [r.taskId!, r]))); }, () => {});
    void read();
    const every = setInterval(() => void read(), 15_000);
    return () => { live = false; clearInterval(every); };
  }, [api, taskIds]);
  // A task handed over to edit (a run's panel: Open task).
  useEffect(() => {
    if (!tasks.length) return;
    return takeHandoff('taskId', (id) => { const t = tasks.find((x) => x.id === id); setEditing(t ? { task: t, clone: false } : null); setOpenId(null); });
  }, [tasks, setOpenId]);
  const edit = (task: Task, clone = false) => { setEditing({ task, clone }); setOpenId(null); };
  const open = openId === null ? undefined : tasks.find((t) => t.id === openId);
  if (open) return <TaskPage task={open} onBack={() => setOpenId(null)} onEdit={() => edit(open)} onClone={() => edit(open, true)} />;
  // An address naming a task that is not there (deleted, or another database).
  if (openId !== null && tasks.length > 0) {
    return <p className="empty">Task {openId} does not exist. <button className="link-button" onClick={() => setOpenId(null)}>All tasks</button></p>;
  }
  return (
    <>
      <NewTask editing={editing} taken={new Set(tasks.map((t) => t.name))} onDone={() => setEditing(null)} />
      {tasks.length === 0 ? <p className="empty">No tasks yet. A task is work you run again: by hand or on a schedule.</p> : (
        <table className="tasks">
          <thead><tr><th>task</th><th className="col-command">runs</th><th>lane</th><th>schedule</th><th>next</th><th>last run</th><th>30 days</th><th><span className="visually-hidden">actions</span></th></tr></thead>
          <tbody>{tasks.map((t) => <TaskRow key={t.id} task={t} stats={stats.get(t.id)} onOpen={() => setOpenId(t.id)} onEdit={() => edit(t)} onClone={() => edit(t, true)} />)}</tbody>
        </table>
      )}
    </>
  );
}

function TaskRow({ task, stats, onOpen, onEdit, onClone }: { task: TaskListItem; stats: StatsRow | undefined; onOpen(): void; onEdit(): void; onClone(): void }) {
  const act = useApp((s) => s.act);
  const s = task.schedule;
  return (
    <tr data-task={task.name}>
      <td><button className="link-button task-name" onClick={onOpen}>{task.name}</button><div className="muted small">{task.kind}</div></td>
      <td className="title col-command">{title({ name: null, kind: task.kind, input: task.input })}</td>
      <td>{task.lane}</td>
      <td>{s ? <>{scheduleText(s, localZone)}{!s.enabled && <span className="status cancelled"> paused</span>}</> : 'by hand'}</td>
      <td>{s?.enabled && s.nextRunAt !== null ? fireText(s.nextRunAt, s.timeZone ?? localZone, localZone) : ''}</td>
      <td>{task.lastRun ? <><StatusBadge status={task.lastRun.status} /> <span className="muted small">{clock(task.lastRun.at)}</span></> : <span className="muted">never</span>}</td>
      <td>{successText(stats)}</td>
      <td className="actions">
        <button onClick={() => void act((a) => a.runTask({ id: task.id }), `Task ${task.name} queued`)}>Run now</button>
        <button onClick={onEdit}>Edit</button>
        <button onClick={onClone}>Clone</button>
      </td>
    </tr>
  );
}

function NewTask({ editing: chosen, taken, onDone }: { editing: { task: Task; clone: boolean } | null; taken: ReadonlySet<string>; onDone(): void }) {
  // A clone is a new task filled from another: saved with createTask.
  const editing = chosen && !chosen.clone ? chosen.task : null;
  const source = chosen?.task ?? null;
  const act = useApp((s) => s.act);
  const api = useApp((s) => s.api);
  const lanes = useApp((s) => s.lanes);
  const [name, setName] = useState('');
  // The command line (through the shell), or a kind with its fields made from its schema.
  const form = useKindForm(api);
  const options = useRunOptions({ command: 'createTask' });
  // The run options are folded away unless asked for, or a loaded task has some of its own.
  const [showOptions, setShowOptions] = useState(false);
  const [command, setCommand] = useState('');
  const [lane, setLane] = useState('default');
  const [cron, setCron] = useState('');
  // A schedule repeats (cron in a zone) or fires once, at a moment typed on this clock.
  const [when, setWhen] = useState<'cron' | 'once'>('cron');
  const [onceAt, setOnceAt] = useState('');
  const [scheduleError, setScheduleError] = useState<string | null>(null);
  const [zone, setZone] = useState(localZone);
  const [overlap, setOverlap] = useState<'skip' | 'queue' | 'allow'>('skip');
  const [catchUp, setCatchUp] = useState<'once' | 'all' | 'skip'>('once');
  const [preview, setPreview] = useState<SchedulePreview | string | null>(null);

  // Editing: the form shows the task as it is saved.
  useEffect(() => {
    if (!source) return;
    setName(chosen?.clone ? copyName(source.name, taken) : source.name);
    setLane(source.lane);
    form.load(source.kind, source.input);
    options.load(source);
    setShowOptions(source.priority !== 5 || source.maxAttempts !== 3 || source.timeoutMs !== null || source.tags.length > 0 || source.backoff.type !== 'exponential' || source.backoff.delayMs !== 5_000);
    const sch = source.schedule;
    setCron(sch?.cron ?? '');
    setWhen(sch && sch.cron === null && sch.runAt !== null ? 'once' : 'cron');
    setOnceAt(sch && sch.cron === null && sch.runAt !== null ? localInput(sch.runAt) : '');
    if (sch?.timeZone) setZone(sch.timeZone);
    if (sch) { setOverlap(sch.overlap as typeof overlap); setCatchUp(sch.catchUp as typeof catchUp); }
    // form.load changes with the kinds loaded: a task opened before they came is shown again.
  }, [chosen, form.kinds]);

  // What the schedule means, as it is typed.
  useEffect(() => {
    if (when === 'once' || !cron.trim()) { setPreview(null); return; }
    let live = true;
    const t = setTimeout(() => {
      api.previewSchedule({ cron: cron.trim(), timeZone: zone, count: 3 })
        .then((p) => { if (live) setPreview(p); }, (e: unknown) => { if (live) setPreview(errorText(e)); });
    }, 200);
    return () => { live = false; clearTimeout(t); };
  }, [api, cron, zone, when]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const what = form.read({ command });
    const read = options.read();
    if (!what || !read) return;
    // A task's time limit left empty is none (not "as before").
    const opts = { ...read, timeoutMs: read.timeoutMs ?? null };
    // The schedule to set: cron in its zone, or once at a moment; none (by hand) when empty.
    const onceMs = when === 'once' && onceAt ? new Date(onceAt).getTime() : null;
    setScheduleError(null);
    const schedule = when === 'once'
      ? (onceMs !== null && Number.isFinite(onceMs) ? { runAt: onceMs } : null)
      : (cron.trim() ? { cron: cron.trim(), timeZone: zone, overlap, catchUp } : null);
    const ok = await act(async (a) => {
      // The task and its schedule in one command: a schedule refused saves nothing.
      if (editing) {
        // The schedule goes only when it changed (a one-time schedule that has fired is in
        // the past, and setting it again would be refused); cleared when the form has none.
        const change = schedule ? (sameSchedule(editing.schedule, schedule) ? {} : { schedule }) : editing.schedule ? { schedule: null } : {};
        return a.updateTask({ id: editing.id, name, ...what, lane, ...opts, ...change });
      }
      // A clone keeps its source's hooks and notifications (not its secrets: their values are never read back).
      const carried = chosen?.clone ? { hooks: chosen.task.hooks, notify: chosen.task.notify } : {};
      return a.createTask({ name, ...what, lane, ...opts, ...carried, ...(schedule ? { schedule } : {}) });
    }, `Task ${name} saved`, (error) => {
      if (options.said(error) || form.said(error)) return true;
      // A schedule the engine refuses: said under the schedule's fields.
      if (((error as { field?: string }).field ?? '').startsWith('schedule.')) { setScheduleError((error as Error).message); return true; }
      return false;
    });
    if (ok) { setName(''); setCommand(''); setCron(''); setOnceAt(''); setWhen('cron'); form.reset(); options.reset(); form.choose('command'); onDone(); }
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
      <details className="run-options-box" open={showOptions || Object.keys(options.errors).length > 0}
        onToggle={(e) => setShowOptions((e.target as HTMLDetailsElement).open)}>
        <summary>Run options: priority, attempts, time limit, tags</summary>
        <RunOptionFields form={options} prefix="task " />
      </details>
      <div className="row">
        <select aria-label="schedule" value={when} onChange={(e) => setWhen(e.target.value as typeof when)}>
          <option value="cron">repeats (cron)</option><option value="once">once, at</option>
        </select>
        {when === 'once'
          ? <input aria-label="once at" type="datetime-local" value={onceAt} onChange={(e) => setOnceAt(e.target.value)} />
          : <>
            <input aria-label="cron" className="cron" placeholder="cron, e.g. 0 3 * * * (empty: by hand)" value={cron} onChange={(e) => setCron(e.target.value)} />
            <input aria-label="time zone" list="time-zones" value={zone} onChange={(e) => setZone(e.target.value)} />
            <datalist id="time-zones">{TIME_ZONES.map((z) => <option key={z} value={z} />)}</datalist>
          </>}
        {when === 'cron' && <>
        <label>if still running <select aria-label="overlap" value={overlap} onChange={(e) => setOverlap(e.target.value as typeof overlap)}>
          <option value="skip">skip</option><option value="queue">queue one</option><option value="allow">run anyway</option></select></label>
        <label>missed while off <select aria-label="catch up" value={catchUp} onChange={(e) => setCatchUp(e.target.value as typeof catchUp)}>
          <option value="once">run once</option><option value="all">run each</option><option value="skip">skip</option></select></label>
        </>}
        <button type="submit">{editing ? 'Save changes' : 'Save task'}</button>
        {chosen && <button type="button" onClick={() => { setName(''); setCron(''); form.choose('command'); options.reset(); onDone(); }}>Cancel</button>}
      </div>
      {scheduleError && <p className="error-line" role="alert" data-testid="schedule-error">{scheduleError}</p>}
      {preview !== null && (
        <p className="preview" data-testid="schedule-preview">
          {typeof preview === 'string' ? <span className="error-line">{preview}</span>
            : <>{preview.description}; next: {preview.fires.map((f) => previewFireText(f, preview)).join(', ')}</>}
        </p>
      )}
    </form>
  );
}

/** Whether the form's schedule is the one the task has (nothing to set again). */
function sameSchedule(saved: Task['schedule'], next: { cron?: string; timeZone?: string; overlap?: string; catchUp?: string; runAt?: number }): boolean {
  if (!saved) return false;
  if (next.runAt !== undefined) return saved.cron === null && saved.runAt === next.runAt;
  return saved.cron === next.cron && saved.timeZone === next.timeZone && saved.overlap === next.overlap && saved.catchUp === next.catchUp;
}

/** A moment as a datetime-local field takes it, on this clock ("2026-12-24T18:00"). */
function localInput(at: number): string {
  const d = new Date(at);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** A next fire on the person's clock; one that a daylight-saving gap moved says so. */
function previewFireText(at: number, preview: SchedulePreview): string {
  const shifted = preview.shifted?.find((s) => s.at === at);
  if (!shifted) return clock(at);
  // The note's times are the schedule's wall clock; name its zone when it is not this machine's.
  return `${clock(at)} (${preview.timeZone === localZone ? '' : `${preview.timeZone}: `}${shifted.note})`;
}
