import { useState, type FormEvent } from 'react';
import type { RunStatus } from '../../../core/api/types';
import { useApp } from '../context';
import { ACTIVE_STATUSES, DEAD_LETTER_STATUSES } from '../../../core/api/statuses';
import { parseDuration, DURATION_EXAMPLES } from '../../../shared/duration';
import { RunTable } from './RunTable';

const FILTERS: { label: string; status: RunStatus[] }[] = [
  { label: 'All', status: [] },
  { label: 'Active', status: [...ACTIVE_STATUSES] },
  { label: 'Succeeded', status: ['succeeded'] },
  { label: 'Dead or failed', status: [...DEAD_LETTER_STATUSES] },
  { label: 'Cancelled', status: ['cancelled'] },
];

export function Runs() {
  const runs = useApp((s) => s.runs);
  const filter = useApp((s) => s.filter);
  const setFilter = useApp((s) => s.setFilter);
  const lanes = useApp((s) => s.lanes);
  return (
    <>
      <NewRun />
      <div className="toolbar">
        {FILTERS.map((f) => (
          <button key={f.label} className={f.status.join() === filter.status.join() ? 'chip active' : 'chip'}
            onClick={() => setFilter({ status: f.status })}>{f.label}</button>
        ))}
        <select aria-label="lane filter" value={filter.lane} onChange={(e) => setFilter({ lane: e.target.value })}>
          <option value="">every lane</option>
          {lanes.map((l) => <option key={l.name} value={l.name}>{l.name}</option>)}
        </select>
        <input type="search" placeholder="search name or input" aria-label="search runs" defaultValue={filter.text}
          onChange={(e) => setFilter({ text: e.target.value.trim() })} />
      </div>
      <RunTable runs={runs} empty="No runs here yet. Add one above." />
    </>
  );
}

function NewRun() {
  const act = useApp((s) => s.act);
  const say = useApp((s) => s.say);
  const lanes = useApp((s) => s.lanes);
  const [command, setCommand] = useState('');
  const [name, setName] = useState('');
  const [lane, setLane] = useState('default');
  const [priority, setPriority] = useState(5);
  const [attempts, setAttempts] = useState(3);
  const [timeout, setTimeoutText] = useState('');
  const [delay, setDelay] = useState('');
  const [cwd, setCwd] = useState('');
  const [more, setMore] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    // Empty: not given. Otherwise a duration, or null when it cannot be read.
    const timeoutMs = timeout.trim() ? parseDuration(timeout) : undefined;
    const delayMs = delay.trim() ? parseDuration(delay) : undefined;
    const ok = await act(async (a) => {
      if (timeoutMs === null || delayMs === null) throw new Error(`durations are a number with s, m, h or d (e.g. ${DURATION_EXAMPLES})`);
      const run = await a.enqueue({
        kind: 'shell', input: { command, shell: true, ...(cwd.trim() ? { cwd: cwd.trim() } : {}) },
        lane, priority, maxAttempts: attempts,
        ...(name.trim() ? { name: name.trim() } : {}),
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        ...(delayMs !== undefined ? { delayMs } : {}),
      });
      return run;
    });
    if (!ok) return;
    setCommand('');
    setName('');
    say({ kind: 'info', text: ok.deduplicated ? `Run ${ok.id} was already there` : `Run ${ok.id} is ${ok.status}` });
  };

  return (
    <form className="new-run" onSubmit={(e) => void submit(e)} aria-label="new run">
      <input className="command" aria-label="command" placeholder="a command to run, e.g. rsync -a ~/Photos /mnt/backup"
        value={command} onChange={(e) => setCommand(e.target.value)} />
      <select aria-label="lane" value={lane} onChange={(e) => setLane(e.target.value)}>
        {lanes.map((l) => <option key={l.name} value={l.name}>{l.name}</option>)}
      </select>
      <button type="submit">Run</button>
      <button type="button" className="link-button" onClick={() => setMore(!more)}>{more ? 'fewer options' : 'more options'}</button>
      {more && (
        <div className="options">
          <label>name <input aria-label="name" value={name} onChange={(e) => setName(e.target.value)} /></label>
          <label>folder <input aria-label="folder" placeholder="where it runs" value={cwd} onChange={(e) => setCwd(e.target.value)} /></label>
          <label>priority <input aria-label="priority" type="number" min={0} max={10} value={priority} onChange={(e) => setPriority(Number(e.target.value))} /></label>
          <label>attempts <input aria-label="attempts" type="number" min={1} max={100} value={attempts} onChange={(e) => setAttempts(Number(e.target.value))} /></label>
          <label>timeout <input aria-label="timeout" placeholder="e.g. 10m" value={timeout} onChange={(e) => setTimeoutText(e.target.value)} /></label>
          <label>start in <input aria-label="delay" placeholder="e.g. 2h" value={delay} onChange={(e) => setDelay(e.target.value)} /></label>
        </div>
      )}
    </form>
  );
}
