import { useApp } from './context';
import { VIEWS } from './viewList';
import { ThemePicker } from './views/ThemePicker';
import { useCallback, useState } from 'react';
import { Palette, usePaletteKey } from './views/Palette';
import { DeadLetter } from './views/DeadLetter';
import { Lanes } from './views/Lanes';
import { Overview } from './views/Overview';
import { RunDetailPanel } from './views/RunDetail';
import { Runs } from './views/Runs';
import { Tasks } from './views/Tasks';
import { Inbox, usePendingMessages } from './views/Inbox';


const MAC = /Mac|iPhone|iPad/.test(navigator.platform);

export function App() {
  const view = useApp((s) => s.view);
  const setView = useApp((s) => s.setView);
  const total = useApp((s) => s.counts.total);
  const connected = useApp((s) => s.connected);
  const notice = useApp((s) => s.notice);
  const say = useApp((s) => s.say);
  const act = useApp((s) => s.act);
  const openRunId = useApp((s) => s.openRunId);
  const anyPaused = useApp((s) => s.lanes.some((l) => l.paused));
  const deadCount = (total.dead ?? 0) + (total.failed ?? 0);
  const pending = usePendingMessages();
  const [palette, setPalette] = useState(false);
  usePaletteKey(useCallback(() => setPalette(true), []));

  return (
    <div className="app">
      <header>
        <h1>Tasklane</h1>
        <div className="counts" aria-label="counts">
          {(['running', 'queued', 'scheduled', 'retrying', 'held'] as const).filter((s) => s !== 'held' || total.held).map((s) => (
            <span key={s} className={`count ${s}`} data-testid={`count-${s}`}>{(total[s] ?? 0).toLocaleString('en-US')} {s}</span>
          ))}
        </div>
        <button onClick={() => void act((a) => (anyPaused ? a.resumeAll() : a.pauseAll()), anyPaused ? 'All lanes resumed' : 'All lanes paused')}>
          {anyPaused ? 'Resume all' : 'Pause all'}
        </button>
        <button className="palette-button" onClick={() => setPalette(true)} aria-keyshortcuts="Control+K Meta+K"><span className="label">Commands</span> <kbd>{MAC ? '⌘K' : 'Ctrl K'}</kbd></button>
        <ThemePicker />
        <span className={connected ? 'link up' : 'link down'} title={connected ? 'live' : 'not connected'}>{connected ? '● live' : '○ offline'}</span>
      </header>
      {/* ARIA tabs: one tab stop (the chosen view); the arrows, Home and End move between them. */}
      <nav role="tablist" aria-label="views" onKeyDown={(e) => {
        const at = VIEWS.findIndex((x) => x.view === view);
        const to = e.key === 'ArrowRight' ? (at + 1) % VIEWS.length : e.key === 'ArrowLeft' ? (at + VIEWS.length - 1) % VIEWS.length
          : e.key === 'Home' ? 0 : e.key === 'End' ? VIEWS.length - 1 : -1;
        if (to < 0) return;
        e.preventDefault();
        setView(VIEWS[to].view);
        requestAnimationFrame(() => document.getElementById(`tab-${VIEWS[to].view}`)?.focus());
      }}>
        {VIEWS.map(({ view: v, label }) => (
          <button key={v} id={`tab-${v}`} role="tab" aria-selected={v === view} aria-controls="view-panel" tabIndex={v === view ? 0 : -1}
            className={v === view ? 'tab active' : 'tab'} onClick={() => setView(v)}>
            {label}{v === 'dead' && deadCount > 0 ? <span className="badge">{deadCount}</span> : null}
            {v === 'inbox' && pending > 0 ? <span className="badge info" aria-label={`${pending} to review`}>{pending}</span> : null}
          </button>
        ))}
      </nav>
      {notice && (
        <div role={notice.kind === 'error' ? 'alert' : 'status'} className={`notice ${notice.kind}`}>
          {notice.text} <button className="link-button" onClick={() => say(null)} aria-label="dismiss">×</button>
        </div>
      )}
      <main className={openRunId !== null ? 'with-detail' : ''}>
        <section id="view-panel" role="tabpanel" aria-labelledby={`tab-${view}`} className={view === 'runs' ? 'view runs-view' : 'view'}>
          {view === 'overview' && <Overview />}
          {view === 'runs' && <Runs />}
          {view === 'dead' && <DeadLetter />}
          {view === 'lanes' && <Lanes />}
          {view === 'tasks' && <Tasks />}
          {view === 'inbox' && <Inbox />}
        </section>
        {openRunId !== null && <RunDetailPanel />}
      </main>
      <Palette open={palette} onOpenChange={setPalette} />
    </div>
  );
}
