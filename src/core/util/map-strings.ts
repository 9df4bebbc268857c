// A JSON value with `fn` applied to every string in it (object keys left alone): how hooks
// fill in {{run.x}}, secrets fill in {{secret.NAME}}, and an attempt's result is masked.
export function mapStrings(value: unknown, fn: (s: string) => string): unknown {
  if (typeof value === 'string') return fn(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, fn)]));
  return value;
}
