// One run: what it is, its attempts, its log as it arrives, and what can be done with it.
import { useEffect, useState } from 'react';
import { ACTIVE_STATUSES, HOLDABLE_STATUSES, PROMOTABLE_STATUSES, RETRYABLE_STATUSES, WAITING_STATUSES } from '../../../core/api/statuses';
import type { RunLink, RunStatus, WaitReason } from '../../../core/api/types';
import { downloadFile, type Api } from '../api';
import { useApp } from '../context';
import { clock, duration, originText, runTime, title } from '../format';
import { inputFacts, resultFacts, type Fact as FactRow } from '../runFacts';
import { RunLog } from './RunLog';
import { EditWaiting } from './EditWaiting';
import { useKeys } from '../keys';
import { handOff } from '../draft';

/** Runs linked to this one, each a button that opens it. */
function Links({ label, runs, more }: { label: string; runs: RunLink[]; more?: boolean }) {
  const openRun = useApp((s) => s.openRun);
  if (runs.length === 0) return null;
  return (
    <><dt>{label}</dt><dd><ul className="links">
      {runs.map((r) => (
        <li key={r.id}><button className="link-button" onClick={() => openRun(r.id)}>#{r.id} {title(r)}</button> <StatusBadge status={r.status} /></li>
      ))}
      {more && <li>and more</li>}
    </ul></dd></>
  );
}

/** In the desktop app (no HTTP download there): the page is given window.tasklane. */
const inDesktop = typeof window !== 'undefined' && Boolean((window as unknown as { tasklane?: unknown }).tasklane);
/** 1234567 → "1.2 MB". */
export function bytesText(n: number): string {
  if (n < 1024) return `${n} B`;
  const [v, u] = n < 1024 ** 2 ? [n / 1024, 'KB'] : n < 1024 ** 3 ? [n / 1024 ** 2, 'MB'] : [n / 1024 ** 3, 'GB'];
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${u}`;
}

function Fact({ fact }: { fact: FactRow }) {
  return <><dt>{fact.label}</dt><dd>{fact.code ? <pre className="fact">{fact.value}</pre> : fact.value}</dd></>;
}
import { StatusBadge, useNow } from './RunTable';

const ACTIVE = ACTIVE_STATUSES;
const WAITING = WAITING_STATUSES;
const RETRYABLE = RETRYABLE_STATUSES;

/** A button of the run's panel: the command it sends and what the notice says once it is done. */
export interface RunAction { label: string; call: (api: Api) => Promise<unknown>; done: string }

/** What can be done with a run in its status: run it next or hold a waiting one, release a
 *  held one, cancel one that has not ended, retry one that ended without success. */
export function runActions(run: { id: number; status: RunStatus }): RunAction[] {
  const ids = { ids: [run.id] };
  const actions: RunAction[] = [];
  if (PROMOTABLE_STATUSES.includes(run.status)) actions.push({ label: 'Run next', call: (a) => a.promote(ids), done: `Run ${run.id} runs next` });
  if (HOLDABLE_STATUSES.includes(run.status)) actions.push({ label: 'Hold', call: (a) => a.hold(ids), done: `Run ${run.id} held` });
  if (run.status === 'held') actions.push({ label: 'Release', call: (a) => a.release(ids), done: `Run ${run.id} released` });
  if (ACTIVE.includes(run.status)) actions.push({ label: 'Cancel', call: (a) => a.cancel(ids), done: `Run ${run.id} cancelled` });
  if (RETRYABLE.includes(run.status)) actions.push({ label: 'Retry', call: (a) => a.retry(ids), done: `Run ${run.id} queued again` });
  return actions;
}

export function RunDetailPanel() {
  const run = useApp((s) => s.detail);
  const id = useApp((s) => s.openRunId);
  const logs = useApp((s) => s.logs);
  const openLine = useApp((s) => s.openLine);
  const openRun = useApp((s) => s.openRun);
  const act = useApp((s) => s.act);
  const setView = useApp((s) => s.setView);
  const openTask = useApp((s) => s.openTask);
  const say = useApp((s) => s.say);
  const now = useNow();
  // Why a waiting run is not running: read again whenever the run or its status changes.
  const api = useApp((s) => s.api);
  const [why, setWhy] = useState<WaitReason[] | null>(null);
  const waiting = run !== null && WAITING.includes(run.status);
  // The change form of a waiting run (closed when another run opens, or this one starts).
  const [editing, setEditing] = useState(false);
  useEffect(() => { setEditing(false); }, [id]);
  useEffect(() => { if (!waiting) setEditing(false); }, [waiting]);
  useEffect(() => {
    setWhy(null);
    if (!run || !waiting) return;
    let current = true;
    api.whyWaiting({ id: run.id }).then((w) => { if (current) setWhy(w.reasons); }, () => { /* shown by the next read */ });
    return () => { current = false; };
  }, [api, run?.id, run?.status, run?.updatedAt, waiting]);

  // Keys while a run is open: Esc closes it; r retries it, c cancels it (when it can be).
  const key = (label: string) => () => {
    const action = run && runActions(run).find((a) => a.label === label);
    if (action) void act(action.call, action.done);
  };
  useKeys({ Escape: () => openRun(null), r: key('Retry'), c: key('Cancel') });

  return (
    <aside className="detail" aria-label={`run ${id}`}>
      {/* The head, the status and the actions stay in view while the rest scrolls. */}
      <div className="detail-sticky">
        <div className="detail-head">
          <h2>Run {id}</h2>
          <button className="link-button" aria-label="close" onClick={() => openRun(null)}>×</button>
        </div>
        {run && (
          <>
            <p className="run-title">{title(run)}</p>
            <p><StatusBadge status={run.status} /> {run.status === 'running' && run.progress !== null &&
              <><progress max={100} value={run.progress} /> {run.progress}% {run.progressMessage}</>}</p>
            <div className="actions">
              {runActions(run).map(({ label, call, done }) => <button key={label} onClick={() => void act(call, done)}>{label}</button>)}
              {waiting && !editing && <button onClick={() => setEditing(true)}>Edit</button>}
              <button onClick={() => { handOff({ run: { kind: run.kind, input: run.input, lane: run.lane, name: run.name } }); setView('runs'); }}>Duplicate</button>
              {run.taskId !== null && <button onClick={() => openTask(run.taskId)}>Open task</button>}
            </div>
          </>
        )}
      </div>
      {!run ? <p>Loading…</p> : (
        <>
          {editing && waiting && <EditWaiting key={`change-${run.id}`} run={run} onDone={() => setEditing(false)} />}
          {run.error && <p className="error-line" role="note">{run.error.code}: {run.error.message}</p>}
          {waiting && why && (
            <div className="why" aria-label="why it is waiting">
              <h3>Why it is waiting</h3>
              <ul>{why.map((r) => <li key={r.code + (r.runId ?? '')}>{r.message}</li>)}</ul>
            </div>
          )}
          <dl>
            {inputFacts(run.kind, run.input).map((f) => <Fact key={f.label} fact={f} />)}
            <dt>kind</dt><dd>{run.kind}</dd>
            <dt>lane</dt><dd>{run.lane}</dd>
            <dt>priority</dt><dd>{run.priority}</dd>
            <dt>attempts</dt><dd>{run.attempt} of {run.maxAttempts}</dd>
            <dt>created</dt><dd>{clock(run.createdAt)}, by {originText(run.trigger)}</dd>
            <Links label="comes after" runs={run.after} />
            <Links label="then" runs={run.dependents} more={run.moreDependents} />
            {run.status === 'scheduled' || run.status === 'retrying' ? <><dt>starts</dt><dd>{clock(run.runAt)}</dd></> : null}
            {run.startedAt !== null && <><dt>started</dt><dd>{clock(run.startedAt)}</dd></>}
            {run.startedAt !== null && <><dt>time</dt><dd>{runTime(run, now)}</dd></>}
            {run.timeoutMs !== null && <><dt>timeout</dt><dd>{duration(run.timeoutMs)}</dd></>}
            {resultFacts(run.kind, run.result).map((f) => <Fact key={f.label} fact={f} />)}
          </dl>
          {run.attempts.length > 0 && (
            <table className="attempts">
              <thead><tr><th>attempt</th><th>outcome</th><th>time</th><th>exit</th><th>error</th></tr></thead>
              <tbody>
                {run.attempts.map((a) => (
                  <tr key={a.n}><td>{a.n}</td><td>{a.outcome}</td><td>{a.finishedAt !== null ? duration(a.finishedAt - a.startedAt) : ''}</td>
                    <td>{a.exitCode ?? ''}</td><td>{a.error ? `${a.error.code}: ${a.error.message}` : ''}</td></tr>
                ))}
              </tbody>
            </table>
          )}
          {run.artifacts.length > 0 && (
            <section className="files" aria-labelledby="run-files">
              <h3 id="run-files">Files it kept</h3>
              <ul>
                {run.artifacts.map((f) => (
                  <li key={f.name}>
                    {inDesktop ? <code>{f.name}</code>
                      : <button className="link-button" onClick={() => { downloadFile(run.id, f.name).catch((e: unknown) => say({ kind: 'error', text: `${f.name}: ${(e as Error).message}` })); }}>{f.name}</button>}
                    {' '}<span className="muted">{bytesText(f.size)}</span>
                  </li>
                ))}
              </ul>
              {inDesktop && <p className="muted small">Copy them out with <code>tasklane files {run.id} --save &lt;folder&gt;</code>.</p>}
            </section>
          )}
          <RunLog key={run.id} runId={run.id} lines={logs} status={run.status} focusLine={openLine} attempts={run.attempts} run={run} />
        </>
      )}
    </aside>
  );
}
