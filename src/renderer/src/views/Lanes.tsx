// Lanes: how many runs at once, how fast, paused or not.
import { useEffect, useState, type FormEvent } from 'react';
import type { Lane, RateLimit } from '../../../core/api/types';
import { useApp } from '../context';
import type { PreloadApi } from '../api';
import { StartAtLogin } from './StartAtLogin';
import { rateText } from '../format';
import { parseRate, RATE_EXAMPLES, typedDuration } from '../../../shared/duration';

/** A rate as it is typed: 10 per minute → "10/1m"; none → "". */
function rateInput(r: RateLimit | null): string {
  return r ? `${r.max}/${typedDuration(r.intervalMs)}` : '';
}

/** "10/1m" → 10 per minute; "" → no limit. */
function rateOf(text: string): RateLimit | null {
  if (!text.trim()) return null;
  const rate = parseRate(text);
  if (!rate) throw new Error(`a rate is runs/interval, e.g. ${RATE_EXAMPLES}`);
  return rate;
}

export function Lanes() {
  const lanes = useApp((s) => s.lanes);
  return (
    <>
      <NewLane />
      <table className="lanes">
        <thead><tr><th>lane</th><th>at once</th><th>rate</th><th>on failure</th><th>running</th><th>queued</th><th><span className="visually-hidden">actions</span></th></tr></thead>
        <tbody>{lanes.map((l) => <LaneRow key={l.name} lane={l} />)}</tbody>
      </table>
      <h2 className="section">This computer</h2>
      <StartAtLogin desktop={(window as unknown as { tasklane?: PreloadApi }).tasklane?.desktop} />
    </>
  );
}

function LaneRow({ lane }: { lane: Lane }) {
  const act = useApp((s) => s.act);
  const say = useApp((s) => s.say);
  const [concurrency, setConcurrency] = useState(String(lane.concurrency));
  const [rate, setRate] = useState(rateInput(lane.rateLimit));
  // Changed elsewhere (another client, the CLI): the fields show it.
  useEffect(() => { setRate(rateInput(lane.rateLimit)); }, [lane.rateLimit]);
  useEffect(() => { setConcurrency(String(lane.concurrency)); }, [lane.concurrency]);
  const saveRate = () => {
    if (rate.trim() === rateInput(lane.rateLimit)) return;
    let limit: RateLimit | null;
    try {
      limit = rateOf(rate);
    } catch (e) {
      // Text that is not a rate: said, and the field shows the lane's rate again.
      say({ kind: 'error', text: `rate of ${lane.name}: ${(e as Error).message}` });
      setRate(rateInput(lane.rateLimit));
      return;
    }
    void act((a) => a.updateLane({ name: lane.name, rateLimit: limit }), `Lane ${lane.name}: ${limit ? `at most ${rateText(limit)}` : 'no rate limit'}`)
      .then((r) => { if (!r) setRate(rateInput(lane.rateLimit)); });
  };
  const save = () => {
    if (Number(concurrency) !== lane.concurrency) {
      void act((a) => a.updateLane({ name: lane.name, concurrency: Number(concurrency) }), `Lane ${lane.name} runs ${concurrency} at once`)
        .then((r) => { if (!r) setConcurrency(String(lane.concurrency)); });
    }
  };
  return (
    <tr data-lane={lane.name} className={lane.paused ? 'paused' : ''}>
      <td>{lane.name}{lane.paused && <span className="status cancelled"> paused</span>}
        {lane.pausedReason && <div className="error-line" data-testid="paused-reason">paused: {lane.pausedReason}</div>}</td>
      <td><input aria-label={`concurrency of ${lane.name}`} className="narrow" type="number" min={1} value={concurrency}
        onChange={(e) => setConcurrency(e.target.value)} onBlur={save} onKeyDown={(e) => { if (e.key === 'Enter') save(); }} /></td>
      <td><input aria-label={`rate of ${lane.name}`} className="narrow rate" placeholder="no limit" value={rate} title={`e.g. ${RATE_EXAMPLES}; empty: no limit`}
        onChange={(e) => setRate(e.target.value)} onBlur={saveRate} onKeyDown={(e) => { if (e.key === 'Enter') saveRate(); }} /></td>
      <td><label className="check"><input type="checkbox" aria-label={`pause ${lane.name} on failure`} checked={lane.pauseOnFailure}
        onChange={(e) => void act((a) => a.updateLane({ name: lane.name, pauseOnFailure: e.target.checked }),
          e.target.checked ? `Lane ${lane.name} pauses when a run fails` : `Lane ${lane.name} goes on when a run fails`)} /> pause</label></td>
      <td className="num">{lane.running}</td>
      <td className="num">{lane.queued}</td>
      <td className="actions">
        <button onClick={() => void act((a) => (lane.paused ? a.resumeLane({ name: lane.name }) : a.pauseLane({ name: lane.name })),
          `Lane ${lane.name} ${lane.paused ? 'resumed' : 'paused'}`)}>{lane.paused ? 'Resume' : 'Pause'}</button>
        <button onClick={() => void act((a) => a.deleteLane({ name: lane.name }), `Lane ${lane.name} deleted`)}>Delete</button>
      </td>
    </tr>
  );
}

function NewLane() {
  const act = useApp((s) => s.act);
  const [name, setName] = useState('');
  const [concurrency, setConcurrency] = useState(1);
  const [rate, setRate] = useState('');
  const [pauseOnFailure, setPauseOnFailure] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await act(async (a) => a.createLane({ name, concurrency, rateLimit: rateOf(rate), pauseOnFailure }), `Lane ${name} created`);
    if (ok) { setName(''); setRate(''); setPauseOnFailure(false); }
  };
  return (
    <form className="new-lane" aria-label="new lane" onSubmit={(e) => void submit(e)}>
      <input aria-label="lane name" placeholder="new lane, e.g. gpu" value={name} onChange={(e) => setName(e.target.value)} />
      <label>at once <input aria-label="at once" className="narrow" type="number" min={1} value={concurrency} onChange={(e) => setConcurrency(Number(e.target.value))} /></label>
      <label>rate <input aria-label="rate" placeholder="e.g. 10/1m" value={rate} onChange={(e) => setRate(e.target.value)} /></label>
      <label className="check"><input type="checkbox" checked={pauseOnFailure} onChange={(e) => setPauseOnFailure(e.target.checked)} /> pause when a run fails</label>
      <button type="submit">Add lane</button>
    </form>
  );
}
