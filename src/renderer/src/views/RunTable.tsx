// The list of runs shared by Runs and Dead letter: one row per run, click to open it.
import { useEffect, useState } from 'react';
import type { Run } from '../../../core/api/types';
import { useApp } from '../context';
import { clock, runTime, title } from '../format';

export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => { const t = setInterval(() => setNow(Date.now()), everyMs); return () => clearInterval(t); }, [everyMs]);
  return now;
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`status ${status}`}>{status}</span>;
}

export function RunTable({ runs, selected, onSelect, empty }: {
  runs: Run[]; selected?: Set<number>; onSelect?: (id: number, on: boolean) => void; empty: string;
}) {
  const openRun = useApp((s) => s.openRun);
  const openRunId = useApp((s) => s.openRunId);
  const now = useNow();
  if (!runs.length) return <p className="empty">{empty}</p>;
  return (
    <table className="runs">
      <thead>
        <tr>{onSelect && <th />}<th>#</th><th>run</th><th>lane</th><th>status</th><th>attempt</th><th>progress</th><th>created</th><th>time</th></tr>
      </thead>
      <tbody>
        {runs.map((r) => (
          <tr key={r.id} data-run-id={r.id} className={r.id === openRunId ? 'open' : ''} onClick={() => openRun(r.id)}>
            {onSelect && (
              <td onClick={(e) => e.stopPropagation()}>
                <input type="checkbox" aria-label={`select run ${r.id}`} checked={selected?.has(r.id) ?? false}
                  onChange={(e) => onSelect(r.id, e.target.checked)} />
              </td>
            )}
            <td className="num">{r.id}</td>
            <td className="title" title={title(r)}>{title(r)}{r.error && <div className="error-line">{r.error.code}: {r.error.message}</div>}</td>
            <td>{r.lane}</td>
            <td><StatusBadge status={r.status} /></td>
            <td className="num">{r.attempt}/{r.maxAttempts}</td>
            <td>{r.progress !== null && r.status === 'running' ? <progress max={100} value={r.progress} title={r.progressMessage ?? ''} /> : null}</td>
            <td>{clock(r.createdAt)}</td>
            <td>{runTime(r, now)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
