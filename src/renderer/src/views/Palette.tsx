// The command palette (Ctrl-K, Cmd-K on a Mac): every place and action of the window by
// name, typed and picked by keyboard. cmdk draws the list, filters it as one types and moves
// through it with the arrows; Enter runs the item, Esc closes it. Typed digits open that run;
// any text can search the runs for it.
import { Command } from 'cmdk';
import { useEffect, useState } from 'react';
import { useApp } from '../context';
import { VIEWS } from '../viewList';
import { chooseTheme } from '../theme';


/** Opens on Ctrl-K / Cmd-K wherever the focus is (a field too: it is the window's key). */
export function usePaletteKey(open: () => void): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        open();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [open]);
}

export function Palette({ open, onOpenChange }: { open: boolean; onOpenChange(open: boolean): void }) {
  const setView = useApp((s) => s.setView);
  const setFilter = useApp((s) => s.setFilter);
  const openRun = useApp((s) => s.openRun);
  const openTask = useApp((s) => s.openTask);
  const tasks = useApp((s) => s.tasks);
  const lanes = useApp((s) => s.lanes);
  const act = useApp((s) => s.act);
  const [query, setQuery] = useState('');
  const readTasks = useApp((s) => s.readTasks);
  // Opened: empty, with the tasks as they are now (another client may have added some).
  useEffect(() => { if (open) { setQuery(''); readTasks(); } }, [open, readTasks]);
  const q = query.trim();
  const runId = /^#?\d{1,15}$/.test(q) ? Number(q.replace('#', '')) : null;
  const anyPaused = lanes.some((l) => l.paused);
  /** Runs the item's action and closes the palette. */
  const run = (fn: () => void) => () => { onOpenChange(false); fn(); };
  const focusRunForm = () => requestAnimationFrame(() => document.querySelector<HTMLInputElement>('form[aria-label="new run"] input, input[aria-label="command"]')?.focus());

  return (
    <Command.Dialog open={open} onOpenChange={onOpenChange} label="Command palette" className="palette" overlayClassName="palette-overlay" contentClassName="palette-content">
      <Command.Input value={query} onValueChange={setQuery} placeholder="Go to, run, open a run (its number), search…" />
      <Command.List>
        <Command.Empty>Nothing matches.</Command.Empty>
        {runId !== null && (
          <Command.Group heading="Runs" forceMount>
            <Command.Item value={`open run ${q}`} forceMount onSelect={run(() => { setView('runs'); openRun(runId); })}>Open run {runId}</Command.Item>
          </Command.Group>
        )}
        <Command.Group heading="Go to">
          {VIEWS.map((v) => <Command.Item key={v.view} value={`go to ${v.label}`} onSelect={run(() => setView(v.view))}>Go to {v.label}</Command.Item>)}
        </Command.Group>
        <Command.Group heading="Actions">
          <Command.Item value="new run" onSelect={run(() => { setView('runs'); focusRunForm(); })}>New run…</Command.Item>
          <Command.Item value="new task" onSelect={run(() => { setView('tasks'); requestAnimationFrame(() => document.querySelector<HTMLInputElement>('input[aria-label="task name"]')?.focus()); })}>New task…</Command.Item>
          <Command.Item value={anyPaused ? 'resume all lanes' : 'pause all lanes'}
            onSelect={run(() => void act((a) => (anyPaused ? a.resumeAll() : a.pauseAll()), anyPaused ? 'All lanes resumed' : 'All lanes paused'))}>
            {anyPaused ? 'Resume all lanes' : 'Pause all lanes'}
          </Command.Item>
        </Command.Group>
        {tasks.length > 0 && (
          <Command.Group heading="Tasks">
            {tasks.map((t) => (
              <Command.Item key={`open-${t.id}`} value={`open task ${t.name} ${t.id}`} onSelect={run(() => openTask(t.id))}>Open task {t.name}</Command.Item>
            ))}
            {tasks.map((t) => (
              <Command.Item key={`run-${t.id}`} value={`run task ${t.name} ${t.id}`} onSelect={run(() => void act((a) => a.runTask({ id: t.id }), `Task ${t.name} queued`))}>Run task {t.name} now</Command.Item>
            ))}
          </Command.Group>
        )}
        <Command.Group heading="Theme">
          {(['system', 'light', 'dark'] as const).map((c) => (
            <Command.Item key={c} value={`theme ${c}`} onSelect={run(() => chooseTheme(c))}>
              Theme: {c === 'system' ? 'follow the system' : c}
            </Command.Item>
          ))}
        </Command.Group>
        {/* Always last: its value matches no query, so any other item that matches comes first. */}
        {q !== '' && runId === null && (
          <Command.Group heading="Search" forceMount>
            <Command.Item value="~search" forceMount onSelect={run(() => { setView('runs'); setFilter({ text: q }); })}>Search runs for “{q}”</Command.Item>
          </Command.Group>
        )}
      </Command.List>
    </Command.Dialog>
  );
}
