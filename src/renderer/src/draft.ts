// What one part of the window hands to a form in another: a run to duplicate (the new run
// form, filled in) or a task to edit (the task form). Kept until the form takes it, since
// the form's view may not be shown yet.
export interface RunDraft { kind: string; input: unknown; lane: string; name: string | null }

/** run: a run to duplicate; taskId: a task to edit. */
type Handoff = { run?: RunDraft; taskId?: number };
let pending: Handoff = {};
const listeners = new Set<() => void>();

export function handOff(h: Handoff): void {
  pending = { ...pending, ...h };
  for (const l of listeners) l();
}

/** Takes what was handed to `key` (once), now and whenever it is handed later. */
export function takeHandoff<K extends keyof Handoff>(key: K, use: (value: NonNullable<Handoff[K]>) => void): () => void {
  const check = () => {
    const value = pending[key];
    if (value === undefined) return;
    pending = { ...pending, [key]: undefined };
    use(value as NonNullable<Handoff[K]>);
  };
  check();
  listeners.add(check);
  return () => { listeners.delete(check); };
}
