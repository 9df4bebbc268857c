// Keys of the window (keyboard first): a key pressed anywhere but in a field that takes text,
// without Ctrl, Cmd or Alt, runs what the view has bound to it.
import { useEffect, useRef } from 'react';

/** Whether a key press belongs to what has the focus (typing in a field, a select). */
export function typingIn(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  const tag = el.tagName.toLowerCase();
  if (tag === 'textarea' || tag === 'select' || el.isContentEditable) return true;
  if (tag !== 'input') return false;
  const type = (el as HTMLInputElement).type;
  return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(type);
}

/** Binds keys ('j', '/', 'Escape', …) while the component is shown. Escape is also heard in
 *  a field (it leaves it); the others are not. */
export function useKeys(bindings: Record<string, (e: KeyboardEvent) => void>): void {
  const current = useRef(bindings);
  current.current = bindings;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
      if (e.key !== 'Escape' && typingIn(e.target)) return;
      const run = current.current[e.key];
      if (!run) return;
      e.preventDefault();
      run(e);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}
