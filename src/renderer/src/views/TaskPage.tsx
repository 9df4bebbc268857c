// One task: its definition, its schedule with the next fires on its clock and the person's,
// its runs of the last 30 days as charts, its latest runs (each opens in the run panel), and
// what can be done with it. Read when opened and again when runs end (at most once a second).
import { useEffect, useMemo, useRef, useState } from 'react';
import type { History, Run, SchedulePreview, TaskListItem } from '../../../core/api/types';
import { useApp } from '../context';
import { clock } from '../format';
import { endsRuns, seriesOf } from '../overview';
import { inputFacts } from '../runFacts';
import { errorText } from '../store';
import { fireText, optionFacts, scheduleText, successText, TASK_SPAN_MS } from '../taskView';
import { TrendCharts } from './Overview';
import { RunTable, StatusBadge } from './RunTable';
import { RunWithChanges } from './RunWithChanges';
import { TaskHooks } from './TaskHooks';
import { TaskNotify, TaskSecrets } from './TaskSettings';

const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const READ_GAP_MS = 1_000;

interface TaskReads { history: History | null; runs: Run[] | null; fires: SchedulePreview | null }

/** The task's history, latest runs and next fires, read when it opens and when runs end. */
function useTaskReads(task: TaskListItem): TaskReads {
  const api = useApp((s) => s.api);
  const listen = useApp((s) => s.listen);
  const say = useApp((s) => s.say);
  const [reads, setReads] = useState<TaskReads>({ history: null, runs: null, fires: null });
  const s = task.schedule;
  const cron = s?.cron ?? null;
  const zone = s?.timeZone ?? localZone;
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const fail = (e: unknown) => { if (live) say({ kind: 'error', text: errorText(e) }); };
    const read = () => {
      timer = undefined;
      api.history({ taskId: task.id, from: Date.now() - TASK_SPAN_MS, bucket: 'day' })
        .then((history) => { if (live) setReads((r) => ({ ...r, history })); }, fail);
      api.listRuns({ taskId: task.id, limit: 20 })
        .then((page) => { if (live) setReads((r) => ({ ...r, runs: page.runs })); }, fail);
    };
    read();
    const stop = listen({ events: (events) => { if (endsRuns(events) || events.some((e) => e.type === 'run.queued')) timer ??= setTimeout(read, READ_GAP_MS); } });
    return () => { live = false; stop(); if (timer) clearTimeout(timer); };
  }, [api, listen, say, task.id]);
  useEffect(() => {
    if (cron === null) { setReads((r) => ({ ...r, fires: null })); return; }
    let live = true;
    api.previewSchedule({ cron, timeZone: zone, count: 5 })
      .then((fires) => { if (live) setReads((r) => ({ ...r, fires })); }, (e: unknown) => { if (live) say({ kind: 'error', text: errorText(e) }); });
    return () => { live = false; };
  }, [api, say, cron, zone, task.schedule?.nextRunAt]);
  return reads;
}

export function TaskPage({ task, onBack, onEdit, onClone }: { task: TaskListItem; onBack(): void; onEdit(): void; onClone(): void }) {
  const act = useApp((s) => s.act);
  const reads = useTaskReads(task);
  const series = useMemo(() => (reads.history ? seriesOf(reads.history) : null), [reads.history]);
  const ended = series ? series.runs.reduce((a, b) => a + b, 0) : 0;
  const succeeded = series ? series.succeeded.reduce((a, b) => a + b, 0) : 0;
  const s = task.schedule;
  const zone = s?.timeZone ?? localZone;
  const heading = useRef<HTMLHeadingElement>(null);
  const [changing, setChanging] = useState(false);
  // Opening the page puts focus on its heading (a keyboard user lands on it, not on the list).
  useEffect(() => { heading.current?.focus(); }, [task.id]);
  return (
    <article className="task-page" aria-labelledby="task-title">
      <div className="toolbar">
        <button className="link-button" onClick={onBack}>← All tasks</button>
      </div>
      <div className="detail-head">
        <h2 id="task-title" tabIndex={-1} ref={heading}>{task.name} <span className="muted">{task.kind} task</span></h2>
      </div>
      <div className="actions task-actions">
        <button onClick={() => void act((a) => a.runTask({ id: task.id }), `Task ${task.name} queued`)}>Run now</button>
        <button onClick={() => setChanging(true)} disabled={changing}>Run with changes…</button>
        <button onClick={onEdit}>Edit</button>
        <button onClick={onClone}>Clone</button>
        {s && <button onClick={() => void act((a) => (s.enabled ? a.pauseSchedule({ taskId: task.id }) : a.resumeSchedule({ taskId: task.id })),
          `Schedule of ${task.name} ${s.enabled ? 'paused' : 'resumed'}`)}>{s.enabled ? 'Pause schedule' : 'Resume schedule'}</button>}
        <button onClick={() => { void act((a) => a.deleteTask({ id: task.id }), `Task ${task.name} deleted`).then((ok) => { if (ok) onBack(); }); }}>Delete</button>
      </div>
      {changing && <RunWithChanges task={task} onDone={() => setChanging(false)} />}
      <div className="task-columns">
        <section aria-labelledby="task-definition">
          <h3 id="task-definition">Definition</h3>
          <dl>
            {[...inputFacts(task.kind, task.input), ...optionFacts(task)].map((f) => (
              <div className="fact-row" key={f.label}><dt>{f.label}</dt><dd>{f.code ? <pre className="fact">{f.value}</pre> : f.value}</dd></div>
            ))}
          </dl>
        </section>
        <section aria-labelledby="task-schedule" data-testid="task-schedule">
          <h3 id="task-schedule">Schedule</h3>
          <p>{scheduleText(s, localZone)}{s && !s.enabled && <> <span className="status cancelled">paused</span></>}</p>
          {s && s.cron !== null && (
            <>
              <p className="muted">If still running: {s.overlap === 'skip' ? 'skip' : s.overlap === 'queue' ? 'queue one' : 'run anyway'}; missed while off: {s.catchUp === 'once' ? 'run once' : s.catchUp === 'all' ? 'run each' : 'skip'}.</p>
              <h4>Next fires{zone === localZone ? '' : ` (${zone}, and here)`}</h4>
              {reads.fires === null ? <p className="empty">Reading…</p> : !reads.fires.fires.length ? <p className="empty">It never fires.</p> : (
                <ol className="fires" data-testid="task-fires">{reads.fires.fires.map((at) => <li key={at}>{fireText(at, zone, localZone)}</li>)}</ol>
              )}
            </>
          )}
          {s && s.cron === null && s.runAt !== null && <p>Once, at {clock(s.runAt)}.</p>}
          <h4>Last run</h4>
          {task.lastRun ? <p data-testid="task-last-run"><StatusBadge status={task.lastRun.status} /> run {task.lastRun.id}, {clock(task.lastRun.at)}</p> : <p className="empty">It has not run yet.</p>}
          <h4>Last 30 days</h4>
          <p data-testid="task-success">{series ? successText({ runs: ended, succeeded }) : 'Reading…'}</p>
        </section>
      </div>
      <TaskHooks task={task} />
      <div className="task-columns">
        <TaskSecrets task={task} />
        <TaskNotify task={task} />
      </div>
      <TrendCharts series={series} span="month" label="last 30 days" id="task-trends" testPrefix="task-chart" />
      <section aria-labelledby="task-runs">
        <h3 id="task-runs">Latest runs</h3>
        {reads.runs === null ? <p className="empty">Reading…</p> : <RunTable runs={reads.runs} empty="No runs of this task are kept." />}
      </section>
    </article>
  );
}
