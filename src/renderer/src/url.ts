// The view and the Runs filter in the address's hash, so a reload or a bookmark shows the same
// view: `#runs?status=running&lane=gpu&task=3&kind=http&from=2026-01-01&to=2026-02-01&q=backup`,
// and a search's order and syntax when they are not the defaults (`&order=newest&syntax=fts`).
// Pure: the page reads location.hash and writes it back with history.replaceState.
import { ACTIVE_STATUSES, DEAD_LETTER_STATUSES, RUN_STATUSES } from '../../core/api/statuses';
import type { RunStatus } from '../../core/api/types';
import type { RunFilter } from './snapshot';

export type View = 'overview' | 'runs' | 'dead' | 'lanes' | 'tasks' | 'inbox';
const VIEWS: readonly View[] = ['overview', 'runs', 'dead', 'lanes', 'tasks', 'inbox'];

/** The status chips of the Runs view; each one's name is its word in the address. */
export const STATUS_CHIPS: { key: string; label: string; status: RunStatus[] }[] = [
  { key: '', label: 'All', status: [] },
  { key: 'active', label: 'Active', status: [...ACTIVE_STATUSES] },
  { key: 'running', label: 'Running', status: ['running'] },
  { key: 'succeeded', label: 'Succeeded', status: ['succeeded'] },
  { key: 'dead', label: 'Dead or failed', status: [...DEAD_LETTER_STATUSES] },
  { key: 'cancelled', label: 'Cancelled', status: ['cancelled'] },
];

export const EMPTY_FILTER: RunFilter = { status: [], lane: '', text: '', taskId: null, kind: '', from: '', to: '' };

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

function statusWord(status: RunStatus[]): string {
  const chip = STATUS_CHIPS.find((c) => sameSet(c.status, status));
  return chip ? chip.key : status.join(',');
}

function statusOf(word: string): RunStatus[] {
  const out: RunStatus[] = [];
  for (const w of word.split(',')) {
    const chip = STATUS_CHIPS.find((c) => c.key !== '' && c.key === w);
    for (const s of chip ? chip.status : (RUN_STATUSES as readonly string[]).includes(w) ? [w as RunStatus] : []) {
      if (!out.includes(s)) out.push(s);
    }
  }
  return out;
}

/** The hash for a view and its filter (the filter only for Runs; empty parts left out), and the
 *  open task's page (`#tasks/3`). */
export function hashOf(view: View, f: RunFilter, taskId: number | null = null): string {
  if (view === 'tasks' && taskId !== null) return `#tasks/${taskId}`;
  if (view !== 'runs') return `#${view}`;
  const q = new URLSearchParams();
  const status = statusWord(f.status);
  if (status) q.set('status', status);
  if (f.lane) q.set('lane', f.lane);
  if (f.taskId != null) q.set('task', String(f.taskId));
  if (f.kind) q.set('kind', f.kind);
  if (f.from) q.set('from', f.from);
  if (f.to) q.set('to', f.to);
  if (f.text) q.set('q', f.text);
  // How the text is searched matters only with a text.
  if (f.text && f.order === 'newest') q.set('order', 'newest');
  if (f.text && f.syntax === 'fts') q.set('syntax', 'fts');
  const s = q.toString();
  return s ? `#runs?${s}` : '#runs';
}

/** The view and filter a hash names; what it does not name (or cannot be read) is the default. */
export function readHash(hash: string): { view: View; filter: RunFilter; taskId: number | null } {
  const h = hash.replace(/^#/, '');
  const [path, query = ''] = h.split('?', 2);
  const [name, sub = ''] = path.split('/', 2);
  const view = (VIEWS as readonly string[]).includes(name) ? (name as View) : 'runs';
  const filter: RunFilter = { ...EMPTY_FILTER, status: [] };
  const id = Number(sub);
  const taskId = view === 'tasks' && /^\d+$/.test(sub) && Number.isSafeInteger(id) && id > 0 ? id : null;
  if (view !== 'runs') return { view, filter, taskId };
  const q = new URLSearchParams(query);
  filter.status = statusOf(q.get('status') ?? '');
  filter.lane = q.get('lane') ?? '';
  const task = Number(q.get('task'));
  filter.taskId = q.get('task') && Number.isSafeInteger(task) && task > 0 ? task : null;
  filter.kind = q.get('kind') ?? '';
  for (const k of ['from', 'to'] as const) { const v = q.get(k) ?? ''; filter[k] = DAY.test(v) && dayStart(v) !== null ? v : ''; }
  filter.text = (q.get('q') ?? '').trim();
  if (q.get('order') === 'newest') filter.order = 'newest';
  if (q.get('syntax') === 'fts') filter.syntax = 'fts';
  return { view, filter: validFilter(filter), taskId: null };
}

/** What the engine takes in a filter (its listRuns input): a lane name, a kind and a text of
 *  these lengths, creation times from 1970 to the end of year 9999. */
const LANE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/;
export const KIND_MAX = 100;
export const TEXT_MAX = 200;
const EPOCH_MAX = 253_402_300_799_999;

/** The filter without the parts the engine would refuse (each dropped alone): a filter from
 *  an address or typed never fails the list's read. */
export function validFilter(f: RunFilter): RunFilter {
  const out: RunFilter = { ...f };
  if (out.lane && !LANE.test(out.lane)) out.lane = '';
  if (out.kind && out.kind.length > KIND_MAX) out.kind = '';
  if (out.text.length > TEXT_MAX) out.text = '';
  if (out.taskId != null && !(Number.isSafeInteger(out.taskId) && out.taskId > 0)) out.taskId = null;
  const ok = (ms: number | undefined) => ms === undefined || (ms >= 0 && ms <= EPOCH_MAX);
  if (out.from && (dayStart(out.from) === null || !ok(createdRange({ ...out, to: '' }).createdFrom))) out.from = '';
  if (out.to && (dayStart(out.to) === null || !ok(createdRange({ ...out, from: '' }).createdTo))) out.to = '';
  return out;
}

/** Local midnight of a YYYY-MM-DD day, in epoch ms; null when it is no day. */
export function dayStart(day: string): number | null {
  if (!DAY.test(day)) return null;
  const [y, m, d] = day.split('-').map(Number);
  const at = new Date(y, m - 1, d);
  return at.getFullYear() === y && at.getMonth() === m - 1 && at.getDate() === d ? at.getTime() : null;
}

/** The engine's createdFrom/createdTo for the filter's days: from the start of `from` to the
 *  end of `to` (createdTo is exclusive: the start of the day after). */
export function createdRange(f: RunFilter): { createdFrom?: number; createdTo?: number } {
  const from = f.from ? dayStart(f.from) : null;
  const to = f.to ? dayStart(f.to) : null;
  const out: { createdFrom?: number; createdTo?: number } = {};
  if (from !== null) out.createdFrom = from;
  if (to !== null) {
    const [y, m, d] = f.to!.split('-').map(Number);
    out.createdTo = new Date(y, m - 1, d + 1).getTime();
  }
  return out;
}

/** The access token in a hash (`#token=…`, or `token=…` among a view's parameters) and the
 *  hash without it, the rest kept. */
export function takeToken(hash: string): { token: string | null; rest: string } {
  const h = hash.replace(/^#/, '');
  const q = h.indexOf('?');
  const [head, query] = q >= 0 ? [h.slice(0, q + 1), h.slice(q + 1)] : ['', h];
  const params = new URLSearchParams(query);
  const token = params.get('token');
  if (token === null) return { token: null, rest: hash };
  params.delete('token');
  const left = params.toString();
  const rest = head ? head + left : left;
  return { token, rest: rest.replace(/\?$/, '') ? `#${rest.replace(/\?$/, '')}` : '' };
}
