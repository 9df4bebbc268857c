// The window's views, in the order of their tabs (App.tsx) and of the palette's "Go to".
import type { View } from './store';

export const VIEWS: readonly { view: View; label: string }[] = [
  { view: 'overview', label: 'Overview' }, { view: 'runs', label: 'Runs' }, { view: 'dead', label: 'Dead letter' }, { view: 'lanes', label: 'Lanes' }, { view: 'tasks', label: 'Tasks' },
  { view: 'inbox', label: 'Inbox' },
];
