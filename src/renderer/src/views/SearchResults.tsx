// The Runs view while its text box holds text: the engine's search hits, best match first
// (or newest), each with where it matched, its words marked; a log line's hit opens the run at
// that line. Pages of hits come with "more hits" (the search's offset).
import { memo } from 'react';
import type { SearchHit } from '../../../core/api/types';
import { useApp } from '../context';
import { clock, runTime, title } from '../format';
import { Marked } from './Marked';
import { StatusBadge, useNow } from './RunTable';

/** How many hits the view holds, as the total's place says it. */
export function hitsText(count: number, more: boolean): string {
  return more ? `${count.toLocaleString('en-US')}+ runs` : `${count.toLocaleString('en-US')} ${count === 1 ? 'run' : 'runs'}`;
}

/** Where a hit matched, before its snippet: a log line names its number. */
export function whereText(match: SearchHit['match']): string {
  if (match.field !== 'log' || match.seq === undefined) return '';
  return `log line ${match.seq}${match.stream === 'stderr' ? ' (stderr)' : ''}:`;
}

const HitRow = memo(function HitRow({ hit, open, now, onOpen }: {
  hit: SearchHit; open: boolean; now: number; onOpen(id: number, line?: number): void;
}) {
  const r = hit.run;
  const where = whereText(hit.match);
  const go = () => onOpen(r.id, hit.match.field === 'log' ? hit.match.seq : undefined);
  return (
    <tr data-run-id={r.id} className={open ? 'open' : ''} onClick={go} tabIndex={0}
      onKeyDown={(e) => { if (e.key === 'Enter') go(); }}>
      <td className="num">{r.id}</td>
      <td className="title">
        <div className="hit-title" title={title(r)}>{title(r)}</div>
        <div className="snippet" data-testid="snippet">
          {where && <span className="where">{where} </span>}
          <Marked parts={hit.match.parts} />
        </div>
      </td>
      <td>{r.lane}</td>
      <td><StatusBadge status={r.status} /></td>
      <td className="num">{r.attempt}/{r.maxAttempts}</td>
      <td>{clock(r.createdAt)}</td>
      <td>{runTime(r, now)}</td>
    </tr>
  );
});

export function SearchResults({ filtered }: { filtered: boolean }) {
  const search = useApp((s) => s.search);
  const text = useApp((s) => s.filter.text);
  const openRun = useApp((s) => s.openRun);
  const openRunId = useApp((s) => s.openRunId);
  const searchMore = useApp((s) => s.searchMore);
  const now = useNow();
  const { hits, more, pending, complete, busy, loadingMore, answered, error } = search;
  // The error is said under the box; nothing else to show for that query.
  if (error) return null;
  const indexing = (
    <>
      {pending > 0 && <p className="indexing" role="status">still indexing {pending.toLocaleString('en-US')} rows: runs among them are not found yet</p>}
      {!complete && <p className="indexing" role="status">only the newest matches were read (the search has a time limit): add words or loosen the filters to reach older runs</p>}
    </>
  );
  if (!hits.length) {
    return (
      <>
        {indexing}
        <p className="empty" aria-live="polite">
          {!answered ? 'searching…' : `No runs match “${text}”${filtered ? ' with these filters' : ''}.`}
        </p>
      </>
    );
  }
  return (
    <>
      {indexing}
      <div className="runs-scroll" data-testid="search-results" aria-busy={busy}>
        <table className={busy ? 'runs search-hits stale' : 'runs search-hits'}>
          <thead><tr><th>#</th><th>run, and where it matched</th><th>lane</th><th>status</th><th>attempt</th><th>created</th><th>time</th></tr></thead>
          <tbody>
            {hits.map((h) => (
              <HitRow key={h.run.id} hit={h} open={h.run.id === openRunId} onOpen={openRun}
                now={h.run.startedAt !== null && h.run.finishedAt === null ? now : 0} />
            ))}
          </tbody>
        </table>
        {more && (
          <p className="more-hits">
            <button onClick={searchMore} disabled={loadingMore || busy}>{loadingMore ? 'reading more hits…' : 'more hits'}</button>
          </p>
        )}
      </div>
    </>
  );
}
