// A task's completion hooks on its page: what it does when one of its runs ends (run another
// task, or POST a signed summary to a webhook), each removable, and a row to add one. The
// engine refuses a loop or a task that does not exist; its message shows under the row.
import { useState, type FormEvent } from 'react';
import type { HookEvent, TaskHook, TaskListItem } from '../../../core/api/types';
import { useApp } from '../context';
import { HOOK_WHEN } from '../../../shared/words';

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);


function HookText({ hook, names }: { hook: TaskHook; names: Map<number, string> }) {
  if (hook.runTask !== undefined) return <>run task <strong>{names.get(hook.runTask) ?? `#${hook.runTask}`}</strong></>;
  return (
    <>POST to <code>{hook.webhook!.url}</code>, signed{' '}
      <details className="inline"><summary>secret</summary><code data-testid="hook-secret">{hook.webhook!.secret}</code></details></>
  );
}

export function TaskHooks({ task }: { task: TaskListItem }) {
  const tasks = useApp((s) => s.tasks);
  const act = useApp((s) => s.act);
  const [on, setOn] = useState<HookEvent>('failed');
  const [what, setWhat] = useState<'task' | 'webhook'>('task');
  const others = tasks.filter((t) => t.id !== task.id);
  const [target, setTarget] = useState('');
  const [url, setUrl] = useState('');
  const [error, setError] = useState<string | null>(null);
  const names = new Map(tasks.map((t) => [t.id, t.name]));

  const save = (hooks: TaskHook[] | (Omit<TaskHook, 'webhook'> & { webhook?: { url: string } })[], done: string) =>
    act((a) => a.updateTask({ id: task.id, hooks }), done, (e) => {
      if (((e as { field?: string }).field ?? '').startsWith('hooks')) { setError((e as Error).message.replace(/^hooks\.\d+\.\w+: /, '')); return true; }
      return false;
    });
  const add = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const runTask = Number(target || others[0]?.id);
    if (what === 'task' && !Number.isSafeInteger(runTask)) { setError('there is no other task to run'); return; }
    if (what === 'webhook' && !url.trim()) { setError('the webhook needs a URL'); return; }
    const hook = what === 'task' ? { on, runTask } : { on, webhook: { url: url.trim() } };
    const ok = await save([...task.hooks, hook], `Hook added to ${task.name}`);
    if (ok) setUrl('');
  };

  return (
    <section aria-labelledby="task-hooks">
      <h3 id="task-hooks">When a run ends</h3>
      {task.hooks.length === 0 ? <p className="empty">Nothing else happens.</p> : (
        <ul className="hooks" aria-label="hooks">
          {task.hooks.map((h, i) => (
            <li key={i}>
              {capital(HOOK_WHEN[h.on])}: <HookText hook={h} names={names} />{' '}
              <button className="link-button" aria-label={`remove hook ${i + 1}`}
                onClick={() => void save(task.hooks.filter((_, j) => j !== i), `Hook removed from ${task.name}`)}>remove</button>
            </li>
          ))}
        </ul>
      )}
      <form className="toolbar add-hook" aria-label="add a hook" onSubmit={(e) => void add(e)}>
        <select aria-label="hook when" value={on} onChange={(e) => setOn(e.target.value as HookEvent)}>
          {(Object.keys(HOOK_WHEN) as HookEvent[]).map((k) => <option key={k} value={k}>{HOOK_WHEN[k]}</option>)}
        </select>
        <select aria-label="hook does" value={what} onChange={(e) => setWhat(e.target.value as 'task' | 'webhook')}>
          <option value="task">run a task</option>
          <option value="webhook">POST to a webhook</option>
        </select>
        {what === 'task'
          ? <select aria-label="hook task" value={target} onChange={(e) => setTarget(e.target.value)}>
              {others.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
            </select>
          : <input aria-label="hook url" type="url" placeholder="https://example.com/hook" value={url} onChange={(e) => setUrl(e.target.value)} />}
        <button type="submit">Add hook</button>
      </form>
      {error && <p className="error-line" role="alert">{error}</p>}
    </section>
  );
}
