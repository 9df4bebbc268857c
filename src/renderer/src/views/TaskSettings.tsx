// A task's secrets and its own notification policy, on its page. A secret is set by name and
// value, and only its name is ever shown again (the value goes to the engine, which stores it
// sealed); a task's policy says, over the global one, which of its runs' happenings are told.
import { useEffect, useState, type FormEvent } from 'react';
import type { NotifyPolicy, TaskListItem } from '../../../core/api/types';
import { DURATION_EXAMPLES, parseDuration, typedDuration } from '../../../shared/duration';
import { NOTICE_LIMITS, NOTICE_SWITCHES } from '../../../shared/words';
import { useApp } from '../context';

export function TaskSecrets({ task }: { task: TaskListItem }) {
  const act = useApp((s) => s.act);
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const save = (secrets: Record<string, string | null>, done: string) => act((a) => a.updateTask({ id: task.id, secrets }), done, (e) => {
    if (((e as { field?: string }).field ?? '').startsWith('secrets')) { setError((e as Error).message.replace(/^secrets(\.\w+)?: /, '')); return true; }
    return false;
  });
  const add = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name.trim())) { setError('a secret is named like an environment variable (letters, digits, _)'); return; }
    if (!value) { setError('give its value'); return; }
    if (await save({ [name.trim()]: value }, `Secret ${name.trim()} set`)) { setName(''); setValue(''); }
  };
  return (
    <section aria-labelledby="task-secrets">
      <h3 id="task-secrets">Secrets</h3>
      <p className="muted small">A shell run has each as an environment variable; any run can use {'{{secret.NAME}}'} in its input. Values are stored encrypted and never shown; a log line with one reads ••••••.</p>
      {task.secrets.length === 0 ? <p className="empty">None.</p> : (
        <ul className="hooks" aria-label="secrets">
          {task.secrets.map((n) => (
            <li key={n}><code>{n}</code> ••••••{' '}
              <button className="link-button" aria-label={`remove secret ${n}`} onClick={() => void save({ [n]: null }, `Secret ${n} removed`)}>remove</button>
            </li>
          ))}
        </ul>
      )}
      <form className="toolbar" aria-label="set a secret" onSubmit={(e) => void add(e)}>
        <input aria-label="secret name" placeholder="NAME" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" spellCheck={false} />
        <input aria-label="secret value" type="password" placeholder="value" value={value} onChange={(e) => setValue(e.target.value)} autoComplete="new-password" />
        <button type="submit">Set secret</button>
      </form>
      {error && <p className="error-line" role="alert">{error}</p>}
    </section>
  );
}

/** The switches a task's own policy can say (messages are not a task's). */
const TASK_SWITCHES = NOTICE_SWITCHES.filter(([k]) => k !== 'messages');

export function TaskNotify({ task }: { task: TaskListItem }) {
  const api = useApp((s) => s.api);
  const act = useApp((s) => s.act);
  const [global, setGlobal] = useState<NotifyPolicy | null>(null);
  const [texts, setTexts] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api.getNotifyPolicy().then((p) => { if (live) setGlobal(p); }, () => {});
    return () => { live = false; };
  }, [api]);
  // Shown at once as changed (the task is read again after the save, and may say otherwise).
  // (Compared as text: each read of the tasks makes new objects, which must not reset the
  // limit being typed.)
  const saved = JSON.stringify(task.notify);
  const [own, setOwn] = useState(task.notify);
  useEffect(() => { setOwn(JSON.parse(saved) as TaskListItem['notify']); }, [saved]);
  const ownText = JSON.stringify(own);
  useEffect(() => {
    const o = JSON.parse(ownText) as TaskListItem['notify'];
    setTexts(Object.fromEntries(NOTICE_LIMITS.map(([k]) => [k, o?.[k] === undefined ? '' : o[k] === null ? 'off' : typedDuration(o[k] as number)])));
  }, [ownText]);
  const save = async (notify: Partial<NotifyPolicy> | null, done: string) => {
    setOwn(notify);
    const saved = await act((a) => a.updateTask({ id: task.id, notify }), done, (e) => {
      if (((e as { field?: string }).field ?? '').startsWith('notify')) { setError((e as Error).message.replace(/^notify\.\w+: /, '')); return true; }
      return false;
    });
    if (!saved) setOwn(task.notify);
  };
  if (!global) return null;
  const effective = { ...global, ...own };
  // Empty: as the global policy says; "off": never, for this task; a duration: its own limit.
  const saveLimit = (key: (typeof NOTICE_LIMITS)[number][0]) => {
    setError(null);
    const text = (texts[key] ?? '').trim();
    const parsed = text === '' ? undefined : text === 'off' ? null : parseDuration(text);
    const ms = parsed === null && text !== 'off' ? undefined : parsed;
    if (ms === undefined && text !== '') { setError(`a duration, e.g. ${DURATION_EXAMPLES}, "off", or empty for the global policy's`); return; }
    if (own?.[key] === ms) return;
    const { [key]: _was, ...rest } = own ?? {};
    void save(ms === undefined ? rest : { ...rest, [key]: ms }, `Notifications of ${task.name} saved`);
  };
  return (
    <section aria-labelledby="task-notify">
      <h3 id="task-notify">Notifications</h3>
      {own === null ? (
        <p>It follows the global policy (the Overview's Notifications card).{' '}
          <button className="link-button" onClick={() => void save({}, `${task.name} has its own notifications`)}>Give it its own</button></p>
      ) : (
        <>
          <p className="muted small">Its own policy, over the global one. Tell me when…{' '}
            <button className="link-button" onClick={() => void save(null, `${task.name} follows the global policy`)}>Follow the global policy</button></p>
          <ul className="switches" aria-label="its notifications">
            {TASK_SWITCHES.map(([key, words]) => (
              <li key={key}><label>
                <input type="checkbox" checked={effective[key] === true} onChange={(e) => void save({ ...own, [key]: e.target.checked }, `Notifications of ${task.name} saved`)} />
                {' '}{words}{own[key] === undefined ? <span className="muted small"> (as global)</span> : null}
              </label></li>
            ))}
            {NOTICE_LIMITS.map(([key, words]) => (
              <li key={key}>
                <label>{words}{' '}
                  <input aria-label={`${task.name}: ${words}`} className="narrow" placeholder={global[key] === null ? 'never' : typedDuration(global[key] as number)}
                    value={texts[key] ?? ''} onChange={(e) => setTexts({ ...texts, [key]: e.target.value })} onBlur={() => saveLimit(key)}
                    onKeyDown={(e) => { if (e.key === 'Enter') saveLimit(key); }} />
                </label>
              </li>
            ))}
          </ul>
          <p className="muted small">A limit left empty is the global policy's (shown greyed); "off" is never, for this task.</p>
        </>
      )}
      {error && <p className="error-line" role="alert">{error}</p>}
    </section>
  );
}
