import { memo, useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type { Run, RunStatus } from '../../../core/api/types';
import { BULK_ACTION_STATUSES, HOLDABLE_STATUSES, PROMOTABLE_STATUSES } from '../../../core/api/statuses';
import { useApp } from '../context';
import type { Api } from '../api';
import { useKeys } from '../keys';
import { filterInput } from '../store';
import { takeHandoff } from '../draft';
import { RunOptionFields, useRunOptions } from './RunOptions';
import { useBulk, useUndoable, type BulkAction, type Undoable } from './Bulk';
import { parseDuration, DURATION_EXAMPLES } from '../../../shared/duration';
import { hashOf, STATUS_CHIPS, TEXT_MAX } from '../url';
import { VirtualRunTable } from './RunTable';
import { queryErrorText } from '../search';
import { hitsText, SearchResults } from './SearchResults';
import { KindFields, KindPicker, useKindForm } from './KindFields';

/** Kinds a run may have besides its tasks' kinds. */
const BUILT_IN_KINDS = ['shell', 'http', 'notify'];
const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

export function totalText(n: number): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? 'run' : 'runs'}`;
}

export function Runs() {
  const runs = useApp((s) => s.runs);
  const more = useApp((s) => s.runsMore);
  const total = useApp((s) => s.runsTotal);
  const loading = useApp((s) => s.loadingMore);
  const loadMore = useApp((s) => s.loadMore);
  const filter = useApp((s) => s.filter);
  const setFilter = useApp((s) => s.setFilter);
  const lanes = useApp((s) => s.lanes);
  const tasks = useApp((s) => s.tasks);
  const search = useApp((s) => s.search);
  const kinds = useMemo(() => {
    const all = new Set([...BUILT_IN_KINDS, ...tasks.map((t) => t.kind)]);
    if (filter.kind) all.add(filter.kind);
    return [...all].sort();
  }, [tasks, filter.kind]);
  const onMore = useMemo(() => () => void loadMore(), [loadMore]);
  const filtered = hashOf('runs', filter) !== '#runs';
  const searching = filter.text !== '';
  // How many runs the view holds: the list's total, or the hits of the search once answered.
  const count = searching ? (search.answered && !search.busy && !search.error ? hitsText(search.hits.length, search.more) : null)
    : total === null ? null : totalText(total);
  // The count is said aloud once per filter change (when it is known), not at every batch of
  // a drain that moves it.
  const [said, setSaid] = useState('');
  const saidFor = useRef(filter);
  useEffect(() => {
    if (count === null || saidFor.current === filter) return;
    saidFor.current = filter;
    setSaid(count);
  }, [filter, count]);
  // A discard held back for its undo window (the selection's or all matching's).
  const undoable = useUndoable();
  // Rows ticked for an action on them (a filter change starts again with none).
  const [selected, setSelected] = useState<Set<number>>(new Set());
  useEffect(() => { setSelected(new Set()); }, [filter]);
  const select = useCallback((id: number, on: boolean) => setSelected((was) => {
    const next = new Set(was);
    if (on) next.add(id); else next.delete(id);
    return next;
  }), []);
  // '/' goes to the search box, as in most lists of this kind.
  useKeys({ '/': () => document.querySelector<HTMLInputElement>('input[aria-label="search runs"]')?.focus() });
  return (
    <>
      <NewRun />
      <div className="toolbar search-row">
        <input type="search" placeholder="search names, commands, logs" aria-label="search runs" defaultValue={filter.text} maxLength={TEXT_MAX}
          aria-invalid={search.error ? true : undefined} aria-describedby={search.error ? 'search-error' : undefined}
          onChange={(e) => setFilter({ text: e.target.value.trim() })} />
        {searching && (
          <>
            <select aria-label="search order" value={filter.order ?? 'rank'} onChange={(e) => setFilter({ order: e.target.value === 'newest' ? 'newest' : undefined })}>
              <option value="rank">best match</option>
              <option value="newest">newest</option>
            </select>
            <label className="syntax" title={'SQLite FTS5 query syntax: AND, OR, NOT, "a phrase", prefix*, NEAR(a b)'}>
              <input type="checkbox" checked={filter.syntax === 'fts'} onChange={(e) => setFilter({ syntax: e.target.checked ? 'fts' : undefined })} />
              AND / OR / NOT
            </label>
          </>
        )}
        <span className="total" data-testid="runs-total">{count ?? ''}</span>
        <span className="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="runs-said">{said}</span>
        {searching && search.error && <p id="search-error" className="error-line search-error" role="alert">{queryErrorText(search.error)}</p>}
      </div>
      <div className="toolbar" aria-label="filters">
        {STATUS_CHIPS.map((f) => (
          <button key={f.label} className={sameSet(f.status, filter.status) ? 'chip active' : 'chip'}
            aria-pressed={sameSet(f.status, filter.status)} onClick={() => setFilter({ status: f.status })}>{f.label}</button>
        ))}
        <select aria-label="lane filter" value={filter.lane} onChange={(e) => setFilter({ lane: e.target.value })}>
          <option value="">every lane</option>
          {lanes.map((l) => <option key={l.name} value={l.name}>{l.name}</option>)}
          {filter.lane && !lanes.some((l) => l.name === filter.lane) && <option value={filter.lane}>{filter.lane}</option>}
        </select>
        <select aria-label="task filter" value={filter.taskId ?? ''} onChange={(e) => setFilter({ taskId: e.target.value ? Number(e.target.value) : null })}>
          <option value="">every task</option>
          {tasks.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
          {filter.taskId != null && !tasks.some((t) => t.id === filter.taskId) && <option value={filter.taskId}>task {filter.taskId}</option>}
        </select>
        <select aria-label="kind filter" value={filter.kind ?? ''} onChange={(e) => setFilter({ kind: e.target.value })}>
          <option value="">every kind</option>
          {kinds.map((k) => <option key={k} value={k}>{k}</option>)}
        </select>
        <span className="date">created <input type="date" aria-label="created from" value={filter.from ?? ''}
          onChange={(e) => setFilter({ from: e.target.value })} /> – <input type="date" aria-label="created to" value={filter.to ?? ''}
          onChange={(e) => setFilter({ to: e.target.value })} /></span>
      </div>
      {undoable.notice}
      {!searching && selected.size > 0 && <Selection runs={runs.filter((r) => selected.has(r.id))} onDone={() => setSelected(new Set())} undoable={undoable} />}
      {!searching && filtered && total !== null && total > 0 && selected.size === 0 && <AllMatching total={total} undoable={undoable} />}
      {searching ? <SearchResults filtered={hashOf('runs', { ...filter, text: '' }) !== '#runs'} /> : (
        <VirtualRunTable runs={runs} more={more} total={total} loading={loading} onMore={onMore} selected={selected} onSelect={select}
          empty={filtered ? 'No runs match these filters.' : 'No runs here yet. Add one above.'} />
      )}
    </>
  );
}

/** What can be done to the ticked runs, each action with how many of them it applies to:
 *  run next (waiting or held), hold (waiting), release (held), cancel (not ended), retry
 *  (dead, failed or cancelled), discard (dead or failed; after the undo window). */
const SELECTION: { label: string; statuses: readonly RunStatus[]; call(a: Api, ids: number[]): Promise<unknown>; did: string }[] = [
  { label: 'Run next', statuses: PROMOTABLE_STATUSES, call: (a, ids) => a.promote({ ids }), did: 'run next' },
  { label: 'Hold', statuses: HOLDABLE_STATUSES, call: (a, ids) => a.hold({ ids }), did: 'held' },
  { label: 'Release', statuses: ['held'], call: (a, ids) => a.release({ ids }), did: 'released' },
  { label: 'Cancel', statuses: BULK_ACTION_STATUSES.cancel, call: (a, ids) => a.cancel({ ids }), did: 'cancelled' },
  { label: 'Retry', statuses: BULK_ACTION_STATUSES.retry, call: (a, ids) => a.retry({ ids }), did: 'queued again' },
  { label: 'Discard', statuses: BULK_ACTION_STATUSES.discard, call: (a, ids) => a.discard({ ids }), did: 'discarded' },
];

function Selection({ runs, onDone, undoable }: { runs: Run[]; onDone(): void; undoable: Undoable }) {
  const act = useApp((s) => s.act);
  const which = (statuses: readonly RunStatus[]) => runs.filter((r) => statuses.includes(r.status)).map((r) => r.id);
  const go = (action: (typeof SELECTION)[number]) => {
    const ids = which(action.statuses);
    if (!ids.length) return;
    const what = ids.length === 1 ? `run ${ids[0]}` : `${ids.length} runs`;
    const send = () => void act((a) => action.call(a, ids), `${what} ${action.did}`);
    if (action.label === 'Discard') undoable.later(what, send); else send();
    onDone();
  };
  return (
    <div className="toolbar bulk" role="group" aria-label="selected runs">
        <span>{runs.length} selected:</span>
        {SELECTION.map((a) => {
          const n = which(a.statuses).length;
          // Waiting-run actions show only when some ticked run is waiting; the rest always.
          if (!n && ['Run next', 'Hold', 'Release'].includes(a.label)) return null;
          return <button key={a.label} disabled={!n} onClick={() => go(a)}>{a.label} {n}</button>;
        })}
        <button className="link-button" onClick={onDone}>clear</button>
    </div>
  );
}

/** What can be done to every run the filter matches, not only those loaded: the engine does
 *  it in chunks (bulk), after a confirmation that says how many. */
function AllMatching({ total, undoable }: { total: number; undoable: Undoable }) {
  const filter = useApp((s) => s.filter);
  const n = total.toLocaleString('en-US');
  const bulk = useBulk(undoable);
  const run = (action: BulkAction) => bulk(action, filterInput(filter), total, 'runs matching this filter', 'Those it does not apply to are left as they are.');
  return (
    <div className="toolbar bulk" role="group" aria-label="all matching">
      <span>All {n} matching:</span>
      <button onClick={() => run('cancel')}>Cancel all {n}</button>
      <button onClick={() => run('retry')}>Retry all {n}</button>
      <button onClick={() => run('discard')}>Discard all {n}</button>
    </div>
  );
}

/** The form keeps its own state: the list's batches do not render it again. */
const NewRun = memo(function NewRun() {
  const act = useApp((s) => s.act);
  const say = useApp((s) => s.say);
  const lanes = useApp((s) => s.lanes);
  const api = useApp((s) => s.api);
  // The command line (through the shell), or a kind with its fields made from its schema.
  const form = useKindForm(api);
  // A run handed over to duplicate (its panel's Duplicate): the form shows it, to change
  // and run. A shell run shows as its kind's fields (its args, folder and env with it).
  useEffect(() => {
    if (!form.kinds.length) return; // its fields come from the kinds' schemas
    return takeHandoff('run', (d) => {
      form.load(d.kind, d.input);
      setLane(d.lane);
      setName(d.name ?? '');
      setMore(true);
    });
  }, [form.kinds]);
  const [command, setCommand] = useState('');
  const [name, setName] = useState('');
  const [lane, setLane] = useState('default');
  const options = useRunOptions({ command: 'enqueue', dedupe: true });
  const [delay, setDelay] = useState('');
  const [cwd, setCwd] = useState('');
  const [more, setMore] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    // Empty: not given. Otherwise a duration, or null when it cannot be read.
    const delayMs = delay.trim() ? parseDuration(delay) : undefined;
    const what = form.read({ command, cwd: cwd.trim() || undefined });
    const opts = options.read();
    if (!what) return;
    if (!opts) { setMore(true); return; }
    const ok = await act(async (a) => {
      if (delayMs === null) throw new Error(`durations are a number with s, m, h or d (e.g. ${DURATION_EXAMPLES})`);
      const run = await a.enqueue({
        ...what,
        lane, ...opts,
        ...(name.trim() ? { name: name.trim() } : {}),
        ...(delayMs !== undefined ? { delayMs } : {}),
      });
      return run;
    }, undefined, (error) => {
      if (options.said(error)) { setMore(true); return true; }
      return form.said(error);
    });
    if (!ok) return;
    form.reset();
    setCommand('');
    setName('');
    say({ kind: 'info', text: ok.deduplicated ? `Run ${ok.id} was already there` : `Run ${ok.id} is ${ok.status}` });
  };

  return (
    <form className="new-run" onSubmit={(e) => void submit(e)} aria-label="new run">
      <KindPicker form={form} />
      {form.kind === 'command'
        ? <input className="command" aria-label="command" placeholder="a command to run, e.g. rsync -a ~/Photos /mnt/backup"
          value={command} onChange={(e) => setCommand(e.target.value)} />
        : <span className="command kind-title">a new {form.kind} run: its fields below</span>}
      <select aria-label="lane" value={lane} onChange={(e) => setLane(e.target.value)}>
        {lanes.map((l) => <option key={l.name} value={l.name}>{l.name}</option>)}
      </select>
      <button type="submit">Run</button>
      <button type="button" className="link-button" onClick={() => setMore(!more)}>{more ? 'fewer options' : 'more options'}</button>
      {form.kind !== 'command' && <KindFields fields={form.fields} values={form.values} errors={form.errors} onChange={form.set} />}
      {more && (
        <div className="options">
          <label>name <input aria-label="name" value={name} onChange={(e) => setName(e.target.value)} /></label>
          <label>folder <input aria-label="folder" placeholder="where it runs" value={cwd} onChange={(e) => setCwd(e.target.value)} /></label>
          <label>start in <input aria-label="delay" placeholder="e.g. 2h" value={delay} onChange={(e) => setDelay(e.target.value)} /></label>
          <RunOptionFields form={options} />
        </div>
      )}
    </form>
  );
});
