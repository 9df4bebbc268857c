// How deep a value nests, checked without recursion: a value nested thousands of levels
// deep (valid JSON) must be refused before anything recursive (zod, JSON.stringify) walks it.

/** The path (`input.body.a.a…`) of the first value nested deeper than `max`, '' for the
 *  value itself, or null when it is within the limit. */
export function tooDeep(value: unknown, max: number): string | null {
  interface Frame { value: unknown; depth: number; key: string; parent: Frame | null }
  const stack: Frame[] = [{ value, depth: 0, key: '', parent: null }];
  while (stack.length) {
    const frame = stack.pop()!;
    if (frame.value === null || typeof frame.value !== 'object') continue;
    if (frame.depth >= max) return pathOf(frame);
    for (const [key, child] of Object.entries(frame.value)) {
      if (child !== null && typeof child === 'object') stack.push({ value: child, depth: frame.depth + 1, key, parent: frame });
    }
  }
  return null;
}

function pathOf(frame: { key: string; parent: { key: string; parent: unknown } | null }): string {
  const keys: string[] = [];
  for (let f: typeof frame | null = frame; f && f.parent; f = f.parent as typeof frame | null) keys.unshift(f.key);
  return keys.slice(0, 8).join('.') + (keys.length > 8 ? '…' : '');
}
