// The Overview: each lane live, runs and failures over a chosen window, durations per task,
// the latest failures and the next fires. Lanes and failures come from the store's snapshot
// (kept by events); the rest is read while the view is shown (overview.ts).
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Run, Stats, UpcomingFire } from '../../../core/api/types';
import { useApp } from '../context';
import { clock, duration, rateText, title } from '../format';
import {
  laneLines, latestFailures, overviewReads, seriesOf, spanOf, SPANS, totalsOf, type OverviewReads, type Series, type Span, type Totals,
} from '../overview';
import { errorText } from '../store';
import { useNow } from './RunTable';
import { TimeChart, type ChartSeries } from './TimeChart';
import { NoticeSettings } from './NoticeSettings';

const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const n = (x: number) => x.toLocaleString('en-US');
const plural = (x: number, word: string) => `${n(x)} ${word}${x === 1 ? '' : 's'}`;

/** The Overview's reads while it is shown, live with the store's events. */
function useOverview(span: Span): OverviewReads {
  const api = useApp((s) => s.api);
  const listen = useApp((s) => s.listen);
  const say = useApp((s) => s.say);
  const tasks = useApp((s) => s.tasks);
  const [reads, setReads] = useState<OverviewReads>({ span, history: null, stats: null, fires: null });
  const ctl = useRef<ReturnType<typeof overviewReads> | null>(null);
  const first = useRef(span);
  useEffect(() => {
    const c = overviewReads({
      history: (q) => api.history(q), stats: (q) => api.stats(q), upcomingFires: (q) => api.upcomingFires(q),
      now: () => Date.now(), show: setReads, fail: (e) => say({ kind: 'error', text: errorText(e) }),
    }, first.current);
    const stop = listen({ events: (e) => c.see(e), reset: (connected) => c.reset(connected) });
    c.start();
    ctl.current = c;
    return () => { stop(); c.stop(); ctl.current = null; };
  }, [api, listen, say]);
  useEffect(() => { first.current = span; ctl.current?.setSpan(span); }, [span]);
  // This window's commands change tasks and schedules (the store reads its tasks again after
  // each): the next fires may have moved. (Not on the first render: start() read them.)
  const seenTasks = useRef(tasks);
  useEffect(() => {
    if (seenTasks.current === tasks) return;
    seenTasks.current = tasks;
    ctl.current?.tasksChanged();
  }, [tasks]);
  return reads;
}

export function Overview() {
  // In the desktop app the preload puts its bridge on window.tasklane (main.tsx).
  const desktopApp = Boolean((window as unknown as { tasklane?: unknown }).tasklane);
  const [span, setSpan] = useState<Span>('day');
  const reads = useOverview(span);
  const series = useMemo(() => (reads.history ? seriesOf(reads.history) : null), [reads.history]);
  const totals = useMemo(() => (series ? totalsOf(series) : null), [series]);
  const label = spanOf(span).label.toLowerCase();
  return (
    <div className="overview">
      <div className="toolbar" aria-label="window">
        {SPANS.map((s) => (
          <button key={s.span} className={s.span === span ? 'chip active' : 'chip'} aria-pressed={s.span === span} onClick={() => setSpan(s.span)}>{s.label}</button>
        ))}
        <span className="total" data-testid="overview-totals">{totals ? totalsText(totals) : ''}</span>
      </div>
      <div className="overview-grid">
        <LanesCard />
        <Failures />
        <Fires fires={reads.fires} />
        <TrendCharts series={series} span={span} label={label} />
        <TaskStats stats={reads.stats} label={label} />
        <NoticeSettings desktopApp={desktopApp} />
      </div>
    </div>
  );
}

function totalsText(t: Totals): string {
  return `${plural(t.runs, 'run')} ended: ${n(t.succeeded)} succeeded, ${n(t.failed)} failed or dead, ${n(t.cancelled)} cancelled`;
}

function LanesCard() {
  const lanes = useApp((s) => s.lanes);
  const counts = useApp((s) => s.counts.lanes);
  const lines = useMemo(() => laneLines(lanes, counts), [lanes, counts]);
  return (
    <section className="card" aria-labelledby="ov-lanes">
      <h2 id="ov-lanes">Lanes</h2>
      <table className="compact" data-testid="overview-lanes">
        <thead><tr><th>lane</th><th className="num">running</th><th className="num">waiting</th><th className="num">in dead letter</th><th><span className="visually-hidden">state</span></th></tr></thead>
        <tbody>
          {lines.map((l) => (
            <tr key={l.name} data-lane={l.name}>
              <td>{l.name}</td>
              <td className="num">{n(l.running)} <span className="of">of {l.concurrency}</span></td>
              <td className="num">{n(l.waiting)}</td>
              <td className={l.failing ? 'num failing' : 'num'}>{n(l.failing)}</td>
              <td>
                {l.paused ? <span className="status cancelled">paused</span> : l.running >= l.concurrency && l.waiting > 0 ? <span className="status running">full</span> : null}
                {l.rateLimit && <span className="of">{l.paused || l.running >= l.concurrency ? ' ' : ''}at most {rateText(l.rateLimit)}</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Runs ended and durations over a window, as two charts (the Overview's, and a task page's:
 *  `id` names the section's heading, `testPrefix` the charts). */
export function TrendCharts({ series, span, label, id = 'ov-trends', testPrefix = 'chart' }: { series: Series | null; span: Span; label: string; id?: string; testPrefix?: string }) {
  const s = spanOf(span);
  const bucketMs = s.bucket === 'day' ? 86_400_000 : 3_600_000;
  const per = s.bucket === 'day' ? 'day' : 'hour';
  const at = (t: number) => bucketLabel(t, s.bucket);
  const ended = useMemo((): ChartSeries[] => (series ? [
    { label: 'ended', values: series.runs, color: 'runs', style: 'bars' },
    { label: 'failed or dead', values: series.failed, color: 'failed', style: 'bars' },
  ] : []), [series]);
  const durations = useMemo((): ChartSeries[] => (series ? [
    { label: 'p50', values: series.p50, color: 'p50', style: 'line' },
    { label: 'p95', values: series.p95, color: 'p95', style: 'line' },
  ] : []), [series]);
  if (!series) return <section className="card wide" aria-busy="true"><h2>Runs</h2><p className="empty">Reading the history…</p></section>;
  return (
    <section className="card wide" aria-labelledby={id}>
      <h2 id={id}>Runs, {label}</h2>
      <div className="charts">
        <TimeChart title={`Runs ended per ${per}`} testId={`${testPrefix}-runs`} at={series.at} bucketMs={bucketMs} series={ended} label={at} utc={s.bucket === 'day'}
          summary={countSummary(series, per, label)} />
        <TimeChart title={`Duration per ${per} (p50, p95)`} testId={`${testPrefix}-durations`} at={series.at} bucketMs={bucketMs} series={durations} label={at}
          utc={s.bucket === 'day'} format={duration} summary={durationSummary(series, label)} />
      </div>
    </section>
  );
}

/** A bucket's start: an hour on the person's clock, or a UTC day (the engine's days are UTC). */
function bucketLabel(at: number, bucket: 'hour' | 'day'): string {
  return bucket === 'day'
    ? new Date(at).toLocaleDateString(undefined, { timeZone: 'UTC', weekday: 'short', month: 'short', day: 'numeric' })
    : new Date(at).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

function countSummary(s: Series, per: string, label: string): string {
  const t = totalsOf(s);
  if (!t.runs) return `Runs ended per ${per}, ${label}: none.`;
  const top = s.runs.indexOf(Math.max(...s.runs));
  return `Runs ended per ${per}, ${label}: ${plural(t.runs, 'run')}, ${n(t.failed)} failed or dead; the busiest ${per} had ${n(s.runs[top])} (${bucketLabel(s.at[top], per === 'day' ? 'day' : 'hour')}).`;
}

function durationSummary(s: Series, label: string): string {
  const p95 = s.p95.filter((v): v is number => v !== null);
  if (!p95.length) return `Durations, ${label}: no run ran.`;
  const p50 = s.p50.filter((v): v is number => v !== null);
  return `Durations, ${label}: p50 from ${duration(Math.min(...p50))} to ${duration(Math.max(...p50))}; p95 up to ${duration(Math.max(...p95))}.`;
}

function TaskStats({ stats, label }: { stats: Stats | null; label: string }) {
  return (
    <section className="card" aria-labelledby="ov-tasks">
      <h2 id="ov-tasks">Duration per task, {label}</h2>
      {!stats ? <p className="empty">Reading…</p> : !stats.rows.length ? <p className="empty">No run ended in this window.</p> : (
        <table className="compact" data-testid="overview-tasks">
          <thead><tr><th>task</th><th className="num">runs</th><th className="num">failed or dead</th><th className="num">p50</th><th className="num">p95</th></tr></thead>
          <tbody>
            {stats.rows.map((r) => (
              <tr key={`${r.taskId ?? r.key}`}>
                <td>{r.key}</td>
                <td className="num">{n(r.runs)}</td>
                <td className={r.failed + r.dead ? 'num failing' : 'num'}>{n(r.failed + r.dead)}</td>
                <td className="num">{r.p50Ms === null ? '–' : duration(r.p50Ms)}</td>
                <td className="num">{r.p95Ms === null ? '–' : duration(r.p95Ms)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Failures() {
  const dead = useApp((s) => s.dead);
  const openRun = useApp((s) => s.openRun);
  const openRunId = useApp((s) => s.openRunId);
  const runs = useMemo(() => latestFailures(dead), [dead]);
  return (
    <section className="card" aria-labelledby="ov-failures">
      <h2 id="ov-failures">Latest failures</h2>
      {!runs.length ? <p className="empty">No failures. Runs that fail for good show here.</p> : (
        <table className="compact failures" data-testid="latest-failures">
          <tbody>{runs.map((r) => <FailureRow key={r.id} run={r} open={r.id === openRunId} onOpen={openRun} />)}</tbody>
        </table>
      )}
    </section>
  );
}

function FailureRow({ run: r, open, onOpen }: { run: Run; open: boolean; onOpen(id: number): void }) {
  return (
    <tr data-run-id={r.id} className={open ? 'open' : ''} onClick={() => onOpen(r.id)}>
      <td className="num">{r.id}</td>
      <td className="title">
        <button className="link-button" aria-label={`${title(r)} (open run ${r.id})`} onClick={(e) => { e.stopPropagation(); onOpen(r.id); }}>{title(r)}</button>
        {r.error && <div className="error-line">{r.error.code}: {r.error.message}</div>}
      </td>
      <td>{r.lane}</td>
      <td className="when"><time dateTime={new Date(r.finishedAt ?? r.updatedAt).toISOString()}>{clock(r.finishedAt ?? r.updatedAt)}</time></td>
    </tr>
  );
}

function Fires({ fires }: { fires: UpcomingFire[] | null }) {
  const now = useNow(30_000);
  return (
    <section className="card" aria-labelledby="ov-fires">
      <h2 id="ov-fires">Next fires</h2>
      {!fires ? <p className="empty">Reading…</p> : !fires.length ? <p className="empty">No schedules. A task with a schedule shows its next runs here.</p> : (
        <table className="compact" data-testid="next-fires">
          <tbody>
            {fires.map((f) => (
              <tr key={`${f.taskId}-${f.at}`} data-task={f.task}>
                <td>{f.task}<div className="of">{f.lane}</div></td>
                <td className="when">
                  <time dateTime={new Date(f.at).toISOString()}>{fireTime(f.at)}</time>
                  {f.timeZone && f.timeZone !== localZone && <div className="zone">{zoneTime(f.at, f.timeZone)}</div>}
                </td>
                <td className="of">{f.at > now ? `in ${duration(f.at - now)}` : 'due'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** A fire's time on the person's clock. */
function fireTime(at: number): string {
  return new Date(at).toLocaleString(undefined, { weekday: 'short', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** A fire's time on its schedule's clock, with the zone: "Thu 03:00 AM Pacific/Auckland" (a zone this browser does not know: nothing). */
function zoneTime(at: number, timeZone: string): string {
  try {
    return `${new Date(at).toLocaleString(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit', timeZone })} ${timeZone}`;
  } catch {
    return '';
  }
}
