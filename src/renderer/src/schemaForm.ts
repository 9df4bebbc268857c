// A form for any kind's input, made from the JSON Schema the engine gives for it (listKinds:
// zod 4's output), not typed field by field: each property becomes a control by its type,
// what the person typed becomes the input, and an error the engine names a field of lands
// on that field.
export type Control = 'text' | 'url' | 'textarea' | 'number' | 'checkbox' | 'select' | 'lines' | 'pairs' | 'json';

/** NAME=value lines with each value hidden ("NAME=••••••"): env and headers as the forms show
 *  them until asked to show the values. A line without "=" is kept as it is. */
export function maskPairs(text: string): string {
  return text.split('\n').map((line) => {
    const at = line.indexOf('=');
    return at < 0 ? line : `${line.slice(0, at)}=${line.slice(at + 1) ? '••••••' : ''}`;
  }).join('\n');
}

export interface FieldSpec {
  name: string; label: string; control: Control; required: boolean;
  options?: string[]; min?: number; max?: number;
  /** A list's items are numbers (read as such). */
  numbers?: true;
  /** The engine's default, shown as the placeholder (an empty field takes it). */
  placeholder?: string;
  help?: string;
}

type Schema = { type?: string | string[]; enum?: unknown[]; format?: string; default?: unknown; minimum?: number; maximum?: number;
  maxLength?: number; items?: Schema; additionalProperties?: Schema | boolean; properties?: Record<string, Schema>; required?: string[];
  description?: string; title?: string };

/** camelCase → words ("timeoutMs" → "timeout (ms)"). */
export function labelOf(name: string): string {
  const words = name.replace(/Ms$/, '').replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return name.endsWith('Ms') ? `${words} (ms)` : words;
}

const shown = (v: unknown) => (v === undefined ? undefined : typeof v === 'string' ? v : JSON.stringify(v));

/** The controls for an object schema's properties, in its order. */
export function fieldsOf(schema: Record<string, unknown>): FieldSpec[] {
  const s = schema as Schema;
  const required = new Set(s.required ?? []);
  return Object.entries(s.properties ?? {}).map(([name, p]) => {
    const base = { name, label: p.title ?? labelOf(name), required: required.has(name), ...(p.description && { help: p.description }) };
    const placeholder = p.default === undefined || (Array.isArray(p.default) && !p.default.length)
      || (typeof p.default === 'object' && p.default !== null && !Object.keys(p.default).length) ? undefined : shown(p.default);
    const type = Array.isArray(p.type) ? p.type.find((t) => t !== 'null') : p.type;
    if (p.enum) return { ...base, control: 'select', options: p.enum.map(String), ...(placeholder && { placeholder }) };
    if (type === 'boolean') return { ...base, control: 'checkbox' };
    if (type === 'integer' || type === 'number') return { ...base, control: 'number', ...(p.minimum !== undefined && { min: p.minimum }), ...(p.maximum !== undefined && { max: p.maximum }), ...(placeholder && { placeholder }) };
    if (type === 'array' && (p.items?.type === 'string' || p.items?.type === 'integer' || p.items?.type === 'number')) {
      return { ...base, control: 'lines', help: base.help ?? 'one per line', ...(p.items.type !== 'string' && { numbers: true as const }) };
    }
    if (type === 'object' && typeof p.additionalProperties === 'object' && p.additionalProperties.type === 'string' && !p.properties) {
      return { ...base, control: 'pairs', help: base.help ?? 'NAME=value, one per line' };
    }
    if (type === 'string') {
      const control: Control = p.format === 'uri' ? 'url' : (p.maxLength ?? Infinity) > 20_000 ? 'textarea' : 'text';
      return { ...base, control, ...(placeholder && { placeholder }) };
    }
    // Anything else (an object, a value of any type): JSON, or the text as it is.
    return { ...base, control: 'json', help: base.help ?? 'JSON, or text', ...(placeholder && { placeholder }) };
  });
}

export type FormState = Record<string, string | boolean>;

/** What the person typed as the kind's input: empty fields left out (the engine's default
 *  applies); numbers, lines, pairs and JSON read. Errors: by field name, what could not be
 *  read here. */
export function inputOf(fields: readonly FieldSpec[], state: FormState): { input: Record<string, unknown>; errors: Record<string, string> } {
  const input: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const f of fields) {
    const v = state[f.name];
    if (f.control === 'checkbox') { if (v === true) input[f.name] = true; continue; }
    const text = typeof v === 'string' ? v : '';
    if (!text.trim()) { if (f.required) errors[f.name] = `${f.label} is needed`; continue; }
    if (f.control === 'number') {
      const n = Number(text);
      if (!Number.isFinite(n)) errors[f.name] = `${f.label} is a number`;
      else input[f.name] = n;
    } else if (f.control === 'lines') {
      const items = text.split('\n').map((l) => l.trim()).filter(Boolean);
      if (f.numbers && items.some((x) => !Number.isFinite(Number(x)))) errors[f.name] = `${f.label}: one number per line`;
      else input[f.name] = f.numbers ? items.map(Number) : items;
    } else if (f.control === 'pairs') {
      const pairs: Record<string, string> = {};
      for (const line of text.split('\n').map((l) => l.trim()).filter(Boolean)) {
        const at = line.indexOf('=');
        if (at <= 0) { errors[f.name] = `each line is NAME=value ('${line}' is not)`; break; }
        pairs[line.slice(0, at).trim()] = line.slice(at + 1);
      }
      input[f.name] = pairs;
    } else if (f.control === 'json') {
      try { input[f.name] = JSON.parse(text); } catch { input[f.name] = text; }
    } else {
      input[f.name] = f.control === 'textarea' ? text : text.trim();
    }
  }
  return { input, errors };
}

/** The field of the form an engine error names ('input.url' → 'url'; 'input.headers.X' →
 *  'headers'), or null when it names none of them. */
export function fieldOfError(path: string | undefined, fields: readonly FieldSpec[]): string | null {
  if (!path) return null;
  const name = path.replace(/^input\./, '').split(/[.[]/)[0];
  return fields.some((f) => f.name === name) ? name : null;
}

/** An input as the form shows it (to edit a task): the other way from inputOf. */
export function stateOf(fields: readonly FieldSpec[], input: unknown): FormState {
  const i = (input ?? {}) as Record<string, unknown>;
  const state: FormState = {};
  for (const f of fields) {
    const v = i[f.name];
    if (v === undefined || v === null) continue;
    if (f.control === 'checkbox') state[f.name] = v === true;
    else if (f.control === 'lines') state[f.name] = Array.isArray(v) ? v.join('\n') : String(v);
    else if (f.control === 'pairs') state[f.name] = Object.entries(v as Record<string, string>).map(([k, x]) => `${k}=${x}`).join('\n');
    else if (f.control === 'json') state[f.name] = typeof v === 'string' ? v : JSON.stringify(v, null, 2);
    else state[f.name] = String(v);
  }
  return state;
}
