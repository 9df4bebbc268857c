// The list of runs shared by Runs and Dead letter: one row per run, click to open it. Rows are
// memoised by their run (a row the events did not touch keeps its object, so it does not
// render again); only a running run's row follows the clock.
import { memo, useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
// @tanstack/react-virtual: the well-kept, headless virtualiser (TanStack, small, no styles of its
// own), so the table keeps its markup and only the rows in view are in the page.
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Run } from '../../../core/api/types';
import { useKeys } from '../keys';
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

/** The clock a row needs: only a run that is running shows a time that moves. */
const clockFor = (r: Run, now: number) => (r.startedAt !== null && r.finishedAt === null ? now : 0);

const Head = ({ select }: { select: boolean }) => (
  <thead>
    <tr aria-rowindex={1}>{select && <th className="col-select"><span className="visually-hidden">selected</span></th>}<th className="col-id">#</th><th className="col-run">run</th><th className="col-lane">lane</th><th className="col-status">status</th><th className="col-attempt">attempt</th><th className="col-progress">progress</th><th className="col-time">created</th><th className="col-duration">time</th></tr>
  </thead>
);

interface RowProps {
  run: Run; open: boolean; now: number; onOpen(id: number): void;
  selected?: boolean; onSelect?: (id: number, on: boolean) => void;
  /** For the virtual list: the row's element (VirtualRow numbers and measures it). */
  rowRef?: (el: HTMLTableRowElement | null) => void;
  /** The row Tab reaches (tabindex 0; the others -1). */
  focusable?: boolean;
}

const RunRow = memo(function RunRow({ run: r, open, now, onOpen, selected, onSelect, rowRef, focusable }: RowProps) {
  return (
    // One row takes the focus by Tab (the open one, else the first: roving); j and k move it.
    <tr data-run-id={r.id} ref={rowRef} className={`${open ? 'open' : ''}${r.error ? ' has-error' : ''}`} onClick={() => onOpen(r.id)} tabIndex={focusable ? 0 : -1}
      aria-selected={open} onKeyDown={(e) => { if (e.key === 'Enter' && e.target === e.currentTarget) onOpen(r.id); }}>
      {onSelect && (
        <td onClick={(e) => e.stopPropagation()}>
          <input type="checkbox" aria-label={`select run ${r.id}`} checked={selected ?? false}
            onChange={(e) => onSelect(r.id, e.target.checked)} />
        </td>
      )}
      <td className="num">{r.id}</td>
      <td className="title" title={title(r)}>{title(r)}{r.error && <div className="error-line">{r.error.code}: {r.error.message}</div>}</td>
      <td>{r.lane}</td>
      <td><StatusBadge status={r.status} /></td>
      <td className="num col-attempt">{r.attempt}/{r.maxAttempts}</td>
      <td className="col-progress">{r.progress !== null && r.status === 'running' ? <progress max={100} value={r.progress} title={r.progressMessage ?? ''} /> : null}</td>
      <td className="col-time">{clock(r.createdAt)}</td>
      <td className="col-duration">{runTime(r, now)}</td>
    </tr>
  );
});

export function RunTable({ runs, selected, onSelect, empty }: {
  runs: Run[]; selected?: Set<number>; onSelect?: (id: number, on: boolean) => void; empty: string;
}) {
  const openRun = useApp((s) => s.openRun);
  const openRunId = useApp((s) => s.openRunId);
  const now = useNow();
  if (!runs.length) return <p className="empty">{empty}</p>;
  return (
    <table className="runs">
      <Head select={!!onSelect} />
      <tbody>
        {runs.map((r) => (
          <RunRow key={r.id} run={r} open={r.id === openRunId} now={clockFor(r, now)} onOpen={openRun}
            selected={selected?.has(r.id) ?? false} onSelect={onSelect} />
        ))}
      </tbody>
    </table>
  );
}

/** Writes a row's place (the virtualiser's data-index, and aria-rowindex: the head is row 1). */
function number(el: HTMLTableRowElement, index: number) {
  el.dataset.index = String(index);
  el.setAttribute('aria-rowindex', String(index + 2));
}

/**
 * A row of the virtual list. Its place is written on its element here, not passed to RunRow:
 * a run added at the top moves every row's index, and only this wrapper renders again for it
 * (RunRow, memoised by its run, does not).
 */
function VirtualRow({ index, ...row }: Omit<RowProps, 'rowRef'> & { index: number }) {
  const el = useRef<HTMLTableRowElement | null>(null);
  const at = useRef(index);
  at.current = index;
  const rowRef = useCallback((node: HTMLTableRowElement | null) => {
    el.current = node;
    if (node) number(node, at.current);
  }, []);
  useLayoutEffect(() => { if (el.current) number(el.current, index); }, [index]);
  return <RunRow {...row} rowRef={rowRef} />;
}

/** A row's height (styles.css holds it): one line, or two with the error under the run; and
 *  the head's. Rows are not measured: reading a row's height in the page forces a layout of
 *  the whole table, which took 50–70 ms while runs arrived or the list scrolled (bench/window). */
const ROW_PX = 31;
const ROW_ERROR_PX = 49;
const HEAD_PX = 30;
/** Rows from the end at which the next page is read. */
const NEAR_END = 40;

/**
 * The Runs view's list: only the rows in view (and a few around) are in the page, in a table
 * with spacer rows above and below. Near the end of what is loaded it asks for the next page
 * (`onMore`, one read at a time: the store coalesces).
 */
export function VirtualRunTable({ runs, more, total, loading, onMore, empty, selected, onSelect }: {
  runs: Run[]; more: boolean; loading: boolean; onMore(): void; empty: string;
  /** Ticked rows (a box per row when given), and what ticking one does. */
  selected?: Set<number>; onSelect?: (id: number, on: boolean) => void;
  /** How many runs match in all, if known (the table's aria-rowcount). */
  total?: number | null;
}) {
  const openRun = useApp((s) => s.openRun);
  const openRunId = useApp((s) => s.openRunId);
  const now = useNow();
  const scroller = useRef<HTMLDivElement>(null);
  const count = runs.length + (more ? 1 : 0);
  // The same function while the rows are the same: a new one makes the virtualiser work out
  // every row's place again.
  const getItemKey = useCallback((i: number) => runs[i]?.id ?? 'more', [runs]);
  const v = useVirtualizer({
    count, getScrollElement: () => scroller.current, estimateSize: (i) => (runs[i]?.error ? ROW_ERROR_PX : ROW_PX), overscan: 4, paddingStart: HEAD_PX, getItemKey,
  });
  const items = v.getVirtualItems();
  const lastIndex = items.length ? items[items.length - 1].index : -1;
  useEffect(() => {
    if (more && !loading && lastIndex >= runs.length - NEAR_END) onMore();
  }, [more, loading, lastIndex, runs.length, onMore]);

  // j / k (and the arrows, from a row): the next or previous run opens, comes into view and
  // takes the focus.
  const step = (by: number) => {
    if (!runs.length) return;
    const at = runs.findIndex((r) => r.id === openRunId);
    const next = Math.min(runs.length - 1, Math.max(0, at < 0 ? 0 : at + by));
    const id = runs[next].id;
    openRun(id);
    v.scrollToIndex(next, { align: 'auto' });
    requestAnimationFrame(() => scroller.current?.querySelector<HTMLElement>(`tr[data-run-id="${id}"]`)?.focus({ preventScroll: true }));
  };
  useKeys({ j: () => step(1), k: () => step(-1) });
  const openShown = openRunId !== null && runs.some((x) => x.id === openRunId);
  const onArrows = (e: ReactKeyboardEvent) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') { e.preventDefault(); step(e.key === 'ArrowDown' ? 1 : -1); }
  };

  if (!runs.length) return <p className="empty">{empty}</p>;
  const top = items.length ? items[0].start - HEAD_PX : 0;
  const bottom = items.length ? v.getTotalSize() - items[items.length - 1].end : 0;
  return (
    <div className="runs-scroll" ref={scroller} data-testid="runs-scroll" onKeyDown={onArrows}>
      <table className="runs" aria-rowcount={total != null ? total + 1 : more ? -1 : runs.length + 1}>
        <Head select={!!onSelect} />
        <tbody>
          {top > 0 && <tr aria-hidden className="spacer" style={{ height: top }} />}
          {items.map((it) => {
            const r = runs[it.index];
            if (!r) {
              return (
                <tr key="more" className="loading-more" data-index={it.index} aria-rowindex={it.index + 2}>
                  <td colSpan={onSelect ? 9 : 8}>{loading ? 'loading more runs…' : 'more runs below'}</td>
                </tr>
              );
            }
            const focusable = openShown ? r.id === openRunId : it.index === 0;
            return <VirtualRow key={r.id} run={r} open={r.id === openRunId} now={clockFor(r, now)} onOpen={openRun} index={it.index} focusable={focusable}
              selected={selected?.has(r.id) ?? false} onSelect={onSelect} />;
          })}
          {bottom > 0 && <tr aria-hidden className="spacer" style={{ height: bottom }} />}
        </tbody>
      </table>
    </div>
  );
}
