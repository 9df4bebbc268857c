// The Inbox: messages that came in (an intake source's POST, a file put in the inbox folder,
// `tasklane inbox send`), each with what the rules propose of it. The person approves it (the
// run is made, or the task), edits then approves it, or rejects it with a reason; what was
// decided stays shown (by whom, when, the run it made). Below, where messages come from: the
// sources (a token is shown once, when made), the inbox folder, and the rules in order.
// It reads again when a `message` event says one came in or was decided.
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { Intake, IntakeRule, Message, MessagePage, MessageStatus, Proposal } from '../../../core/api/types';
import { clockTime, ruleText } from '../../../shared/words';
import { useApp } from '../context';

const CHIPS: { status: MessageStatus | undefined; label: string }[] = [
  { status: 'pending', label: 'To review' }, { status: 'approved', label: 'Approved' }, { status: 'rejected', label: 'Rejected' }, { status: undefined, label: 'All' },
];
const json = (v: unknown) => JSON.stringify(v, null, 2);

/** How many messages wait for a decision, kept current by the `message` events (the tab's badge). */
export function usePendingMessages(): number {
  const api = useApp((s) => s.api);
  const listen = useApp((s) => s.listen);
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    const read = () => api.listMessages({ status: 'pending', limit: 1 }).then((p) => { if (live) setN(p.counts.pending); }, () => {});
    read();
    const stop = listen({ events: (es) => { if (es.some((e) => e.type === 'message')) read(); }, reset: (up) => { if (up) read(); } });
    return () => { live = false; stop(); };
  }, [api, listen]);
  return n;
}

function ProposalText({ p }: { p: Proposal }) {
  if ('createTask' in p) return <>create the task <strong>{String(p.createTask.name ?? '?')}</strong> ({String(p.createTask.kind ?? '?')})<pre className="message-json">{json(p.createTask)}</pre></>;
  return <>run the task <strong>{p.task}</strong>{p.input === undefined ? ' with its own input' : <> with<pre className="message-json">{json(p.input)}</pre></>}</>;
}

/** The edit of a proposal: a task and its input, or a new task's JSON. */
function EditProposal({ message, onDone }: { message: Message; onDone(): void }) {
  const tasks = useApp((s) => s.tasks);
  const act = useApp((s) => s.act);
  const p = message.proposal;
  const creating = p !== null && 'createTask' in p;
  const [task, setTask] = useState(p && 'task' in p ? p.task : tasks[0]?.name ?? '');
  const initialInput = p && 'task' in p && p.input !== undefined ? json(p.input) : '';
  const [input, setInput] = useState(creating ? json((p as { createTask: unknown }).createTask) : initialInput);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    let parsed: unknown;
    if (input.trim()) {
      try { parsed = JSON.parse(input); } catch (x) { setError(`not valid JSON: ${(x as Error).message}`); return; }
    }
    if (creating && (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))) { setError('a task is a JSON object: {"name", "kind", "input", …}'); return; }
    const proposal: Proposal = creating ? { createTask: parsed as Record<string, unknown> } : { task, ...(parsed !== undefined && { input: parsed }) };
    const done = await act((a) => a.approveMessage({ id: message.id, proposal }), `Message ${message.id} approved as edited`, (x) => {
      setError((x as Error).message);
      return true;
    });
    if (done) onDone();
  };
  return (
    <form className="edit-proposal" aria-label={`edit message ${message.id}`} onSubmit={(e) => void submit(e)}>
      {!creating && (
        <label>Run the task{' '}
          <select aria-label="task to run" value={task} onChange={(e) => setTask(e.target.value)}>
            {!tasks.some((t) => t.name === task) && task && <option value={task}>{task} (no such task)</option>}
            {tasks.map((t) => <option key={t.id} value={t.name}>{t.name}</option>)}
          </select>
        </label>
      )}
      <label className="wide">{creating ? 'The new task (JSON)' : 'With this input (JSON; empty: the task\'s own)'}
        <textarea aria-label={creating ? 'new task' : 'input'} rows={6} value={input} onChange={(e) => setInput(e.target.value)} spellCheck={false} />
      </label>
      <div className="toolbar">
        <button type="submit">Approve the edit</button>
        <button type="button" onClick={onDone}>Cancel</button>
      </div>
      {error && <p className="error-line" role="alert">{error}</p>}
    </form>
  );
}

function MessageCard({ m }: { m: Message }) {
  const act = useApp((s) => s.act);
  const openRun = useApp((s) => s.openRun);
  const openTask = useApp((s) => s.openTask);
  const [mode, setMode] = useState<'view' | 'edit' | 'reject'>('view');
  const [reason, setReason] = useState('');
  const api = useApp((s) => s.api);
  const [whole, setWhole] = useState(false);
  // A list carries a long message's start only (m.cut): "Show all" reads the rest.
  const [full, setFull] = useState<string | null>(null);
  const long = m.cut || m.body.length > 600 || m.body.split('\n').length > 8;
  const showAll = () => {
    if (!whole && m.cut && full === null) api.getMessage({ id: m.id }).then((x) => setFull(x.body), () => {});
    setWhole(!whole);
  };
  return (
    <li className={`message ${m.status}`} aria-label={`message ${m.id}`}>
      <div className="message-head">
        <strong>#{m.id}</strong> from <strong>{m.source}</strong>
        <span className="muted small"> · {clockTime(m.receivedAt)}{m.format === 'json' ? ' · JSON' : ''}{m.rule ? ` · ${m.rule}` : ''}</span>
      </div>
      <pre className={whole || !long ? 'message-body' : 'message-body clamped'}>{whole && full !== null ? full : m.body}</pre>
      {long && <button className="link-button small" onClick={showAll}>{whole ? 'Show less' : 'Show all'}</button>}
      <div className="proposal">
        {m.proposal ? <>Proposes: <ProposalText p={m.proposal} /></> : <span className="muted">Proposes nothing.</span>}
      </div>
      {m.status === 'pending' && m.reason && <p className="error-line">{m.reason}</p>}
      {m.status === 'pending' && mode === 'view' && (
        <div className="toolbar">
          {m.proposal && <button onClick={() => void act((a) => a.approveMessage({ id: m.id }), `Message ${m.id} approved`)}>Approve</button>}
          <button onClick={() => setMode('edit')}>{m.proposal ? 'Edit…' : 'Choose a task…'}</button>
          <button onClick={() => setMode('reject')}>Reject…</button>
        </div>
      )}
      {m.status === 'pending' && mode === 'edit' && <EditProposal message={m} onDone={() => setMode('view')} />}
      {m.status === 'pending' && mode === 'reject' && (
        <form className="toolbar" aria-label={`reject message ${m.id}`} onSubmit={(e) => {
          e.preventDefault();
          void act((a) => a.rejectMessage({ id: m.id, ...(reason.trim() && { reason: reason.trim() }) }), `Message ${m.id} rejected`).then((r) => { if (r) setMode('view'); });
        }}>
          <input aria-label="reason" placeholder="why (optional)" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} />
          <button type="submit">Reject</button>
          <button type="button" onClick={() => setMode('view')}>Cancel</button>
        </form>
      )}
      {m.status !== 'pending' && (
        <p className="decision" data-testid={`decision-${m.id}`}>
          {m.status === 'approved' ? 'Approved' : 'Rejected'} by {m.decidedBy} at {clockTime(m.decidedAt)}
          {m.approved && JSON.stringify(m.approved) !== JSON.stringify(m.proposal) && <> as edited: <ProposalText p={m.approved} /></>}
          {m.runId !== null && <> → <button className="link-button" onClick={() => openRun(m.runId!)}>run {m.runId}</button></>}
          {m.runId === null && m.taskId !== null && <> → <button className="link-button" onClick={() => openTask(m.taskId!)}>task {m.taskId}</button></>}
          {m.reason && <>: {m.reason}</>}
        </p>
      )}
    </li>
  );
}


/** Sources (with their tokens, shown once), the inbox folder, and the rules. */
function IntakeSetup() {
  const api = useApp((s) => s.api);
  const act = useApp((s) => s.act);
  const tasks = useApp((s) => s.tasks);
  const [intake, setIntake] = useState<Intake | null>(null);
  const [token, setToken] = useState<{ name: string; token: string } | null>(null);
  const [name, setName] = useState('');
  const [rule, setRule] = useState({ name: '', source: '', match: '', task: '', input: '', autoApprove: false });
  const [error, setError] = useState<string | null>(null);
  const read = useCallback(() => { api.getIntake().then(setIntake, () => {}); }, [api]);
  useEffect(read, [read]);
  const fieldError = (e: unknown) => { setError((e as Error).message); return true; };
  const addSource = async (e: FormEvent, newToken = false, which = name.trim()) => {
    e.preventDefault();
    setError(null);
    const t = await act((a) => a.addIntakeSource({ name: which, newToken }), newToken ? `New token for ${which}` : `Source ${which} added`, fieldError);
    if (t) { setToken(t); setName(''); read(); }
  };
  /** Changes the rules as they are now (read again first: the CLI may have changed them). */
  const saveRules = async (change: (rules: IntakeRule[]) => IntakeRule[], done: string) => {
    setError(null);
    const saved = await act(async (a) => a.setIntakeRules({ rules: change((await a.getIntake()).rules) }), done, fieldError);
    read();
    return saved !== undefined;
  };
  const addRule = async (e: FormEvent) => {
    e.preventDefault();
    let input: unknown;
    if (rule.input.trim()) {
      try { input = JSON.parse(rule.input); } catch (x) { setError(`the input is not valid JSON: ${(x as Error).message}`); return; }
    }
    const r: IntakeRule = {
      ...(rule.name.trim() && { name: rule.name.trim() }), ...(rule.source && { source: rule.source }), ...(rule.match && { match: rule.match }),
      ...(rule.task && { task: rule.task }), ...(input !== undefined && { input }), autoApprove: rule.autoApprove,
    };
    if (await saveRules((rules) => [...rules, r], 'Rule added')) setRule({ name: '', source: '', match: '', task: '', input: '', autoApprove: false });
  };
  if (!intake) return null;
  const origin = typeof location !== 'undefined' && location.protocol.startsWith('http') ? location.origin : 'http://127.0.0.1:<port>';
  return (
    <section className="card intake" aria-labelledby="intake-setup">
      <h2 id="intake-setup">Where messages come from</h2>
      <h3>Sources</h3>
      {intake.sources.length === 0 ? <p className="empty">No sources. A source is a name and a token: it posts to /intake/&lt;name&gt;.</p> : (
        <table className="plain"><thead><tr><th>Source</th><th>Since</th><th>Messages</th><th /></tr></thead><tbody>
          {intake.sources.map((s) => (
            <tr key={s.name}>
              <td>{s.name}</td><td>{clockTime(s.createdAt)}</td><td>{s.messages}</td>
              <td>
                <button className="link-button" onClick={(e) => void addSource(e, true, s.name)}>new token</button>{' '}
                <button className="link-button" onClick={() => void act((a) => a.removeIntakeSource({ name: s.name }), `Source ${s.name} removed`).then(read)}>remove</button>
              </td>
            </tr>
          ))}
        </tbody></table>
      )}
      {token && (
        <div className="token-once" role="status">
          <p>The token of <strong>{token.name}</strong>, shown only now:</p>
          <code data-testid="source-token">{token.token}</code>
          <p className="muted small">Send a message: <code>{`curl -H "Authorization: Bearer ${token.token}" -H 'Content-Type: text/plain' --data 'hello' ${origin}/intake/${token.name}`}</code></p>
          <button className="link-button" onClick={() => setToken(null)}>I have kept it</button>
        </div>
      )}
      <form className="toolbar" aria-label="add a source" onSubmit={(e) => void addSource(e)}>
        <input aria-label="source name" placeholder="name, e.g. chat" value={name} onChange={(e) => setName(e.target.value)} />
        <button type="submit" disabled={!name.trim()}>Add source</button>
      </form>
      <p className="muted small">Inbox folder: <code>{intake.folder ?? '-'}</code> (a .json or .txt file put there is a message; write it elsewhere, then move it in).</p>
      <h3>Rules</h3>
      <p className="muted small">The first rule that takes a message proposes. Without a rule, a JSON message {'{"task": …, "input": …}'} proposes that run, and anything else waits for you to choose. In a rule's input, {'{{message.text}}'}, {'{{match.1}}'} and {'{{json.a.b}}'} are filled in.</p>
      {intake.rules.length === 0 ? <p className="empty">No rules.</p> : (
        <ol className="rules" aria-label="rules">
          {intake.rules.map((r, i) => (
            <li key={i}>
              {r.name && <strong>{r.name}: </strong>}{ruleText(r)}{' '}
              {i > 0 && <button className="link-button" aria-label={`move rule ${i + 1} up`} onClick={() => void saveRules((rules) => {
                const next = [...rules];
                if (JSON.stringify(next[i]) === JSON.stringify(r)) [next[i - 1], next[i]] = [next[i], next[i - 1]];
                return next;
              }, 'Rules reordered')}>up</button>}{' '}
              <button className="link-button" aria-label={`remove rule ${i + 1}`}
                onClick={() => void saveRules((rules) => rules.filter((x, j) => !(j === i && JSON.stringify(x) === JSON.stringify(r))), 'Rule removed')}>remove</button>
            </li>
          ))}
        </ol>
      )}
      <form className="add-rule" aria-label="add a rule" onSubmit={(e) => void addRule(e)}>
        <input aria-label="rule name" placeholder="name (optional)" value={rule.name} onChange={(e) => setRule({ ...rule, name: e.target.value })} />
        <select aria-label="rule source" value={rule.source} onChange={(e) => setRule({ ...rule, source: e.target.value })}>
          <option value="">any source</option>
          {['folder', 'cli', 'api', ...intake.sources.map((s) => s.name)].map((s) => <option key={s} value={s}>{s}</option>)}
        </select>
        <input aria-label="rule pattern" placeholder="text matching (a regular expression)" value={rule.match} onChange={(e) => setRule({ ...rule, match: e.target.value })} />
        <select aria-label="rule task" value={rule.task} onChange={(e) => setRule({ ...rule, task: e.target.value })}>
          <option value="">the task the message names</option>
          {tasks.map((t) => <option key={t.id} value={t.name}>run {t.name}</option>)}
        </select>
        <input aria-label="rule input" placeholder='input JSON (optional), e.g. {"args": ["{{match.1}}"]}' value={rule.input} disabled={!rule.task}
          onChange={(e) => setRule({ ...rule, input: e.target.value })} />
        <label><input type="checkbox" checked={rule.autoApprove} onChange={(e) => setRule({ ...rule, autoApprove: e.target.checked })} /> approve by itself</label>
        <button type="submit">Add rule</button>
      </form>
      {error && <p className="error-line" role="alert">{error}</p>}
    </section>
  );
}

export function Inbox() {
  const api = useApp((s) => s.api);
  const listen = useApp((s) => s.listen);
  const readTasks = useApp((s) => s.readTasks);
  const [status, setStatus] = useState<MessageStatus | undefined>('pending');
  const [page, setPage] = useState<MessagePage | null>(null);
  // The answer to the latest read only (a chip clicked while a read was out: that read is dropped).
  const latest = useRef(0);
  const shownCount = useRef(0);
  const read = useCallback((limit = 50) => {
    const ask = ++latest.current;
    api.listMessages({ limit: Math.min(500, Math.max(50, limit)), ...(status && { status }) })
      .then((p) => { if (ask === latest.current) setPage(p); }, () => {});
  }, [api, status]);
  useEffect(() => {
    setPage(null);
    read();
    readTasks();
    // A message came in or was decided: the list as far as it was shown, read again.
    return listen({ events: (es) => { if (es.some((e) => e.type === 'message')) read(shownCount.current); }, reset: (up) => { if (up) read(shownCount.current); } });
  }, [read, listen, readTasks]);
  const shown = page?.messages ?? [];
  shownCount.current = shown.length;
  const loadMore = () => {
    const last = shown.at(-1);
    if (!last || !page) return;
    const ask = ++latest.current;
    api.listMessages({ limit: 50, beforeId: last.id, ...(status && { status }) })
      .then((p) => { if (ask === latest.current) setPage({ ...p, messages: [...page.messages, ...p.messages] }); }, () => {});
  };
  return (
    <div className="inbox">
      <div className="toolbar" role="group" aria-label="which messages">
        {CHIPS.map((c) => (
          <button key={c.label} className={status === c.status ? 'chip active' : 'chip'} aria-pressed={status === c.status} onClick={() => setStatus(c.status)}>
            {c.label}{c.status && page ? ` (${page.counts[c.status].toLocaleString('en-US')})` : ''}
          </button>
        ))}
      </div>
      {!page ? <p className="empty">Reading…</p> : shown.length === 0 ? (
        <p className="empty">{status === 'pending' ? 'Nothing to review. Messages that come in wait here for you.' : 'No messages here.'}</p>
      ) : (
        <ul className="messages" aria-label="messages">{shown.map((m) => <MessageCard key={m.id} m={m} />)}</ul>
      )}
      {page?.more && <button onClick={loadMore}>Show older</button>}
      <IntakeSetup />
    </div>
  );
}
