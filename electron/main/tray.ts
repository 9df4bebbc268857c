// The tray: what is going on at a glance, and the few things worth doing without the window.
import type { MenuItemConstructorOptions } from 'electron';
import type { Counts, Lane } from '../../src/core/api/types';

export function trayTooltip(counts: Counts): string {
  const t = counts.total;
  const dead = (t.dead ?? 0) + (t.failed ?? 0);
  return `Tasklane: ${t.running ?? 0} running, ${t.queued ?? 0} queued${dead ? `, ${dead} dead or failed` : ''}`;
}

export function trayMenu(counts: Counts, lanes: Lane[], on: { show(): void; pauseAll(): void; resumeAll(): void; quit(): void }): MenuItemConstructorOptions[] {
  const paused = lanes.some((l) => l.paused);
  return [
    { label: trayTooltip(counts), enabled: false },
    { type: 'separator' },
    { label: 'Open Tasklane', click: on.show },
    paused ? { label: 'Resume all lanes', click: on.resumeAll } : { label: 'Pause all lanes', click: on.pauseAll },
    { type: 'separator' },
    { label: 'Quit (running work gets 10 s)', click: on.quit },
  ];
}
