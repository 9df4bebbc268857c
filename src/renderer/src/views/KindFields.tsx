// The fields of a kind's input, made from its JSON Schema (schemaForm.ts): one control per
// property, its label, what it takes, and the error that names it.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { KindInfo } from '../../../core/api/types';
import type { Api } from '../api';
import { fieldOfError, fieldsOf, inputOf, maskPairs, stateOf, type FieldSpec, type FormState } from '../schemaForm';

/** The kind a form makes ('command': the command line, through the shell) and its fields'
 *  state: shared by the new run and the new task forms. */
export function useKindForm(api: Api) {
  const [kind, setKind] = useState('command');
  const [kinds, setKinds] = useState<KindInfo[]>([]);
  const [values, setValues] = useState<FormState>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  // Whether a field was changed since the form was loaded or reset: a loaded input sent back
  // unchanged would go through the form's text (which does not keep every value exactly).
  const [touched, setTouched] = useState(false);
  useEffect(() => { api.listKinds().then(setKinds, () => { /* the command line still works */ }); }, [api]);
  const fields = useMemo(() => fieldsOf(kinds.find((k) => k.name === kind)?.schema ?? {}), [kinds, kind]);
  return {
    kind, kinds, fields, values, errors, touched,
    choose(next: string) { setKind(next); setValues({}); setErrors({}); setTouched(true); },
    set(name: string, value: string | boolean) { setValues((v) => ({ ...v, [name]: value })); setTouched(true); },
    /** The kind and its input, or null (the errors are shown) when a field cannot be read. */
    read(command: { command: string; cwd?: string }): { kind: string; input: unknown } | null {
      if (kind === 'command') return { kind: 'shell', input: { command: command.command, shell: true, ...(command.cwd ? { cwd: command.cwd } : {}) } };
      const read = inputOf(fields, values);
      setErrors(read.errors);
      return Object.keys(read.errors).length ? null : { kind, input: read.input };
    },
    /** An engine error that names one of the fields goes under it (true: said there). */
    said(error: unknown): boolean {
      const field = kind === 'command' ? null : fieldOfError((error as { field?: string }).field, fields);
      // (The message names the field's path first; under the field, that goes without saying.)
      if (field) setErrors({ [field]: (error as Error).message.replace(/^[\w.[\]]+: /, '') });
      return field !== null;
    },
    reset() { setValues({}); setErrors({}); setTouched(false); },
    /** Shows a saved kind and input (editing a task). */
    load(saved: string, input: unknown) {
      setKind(saved);
      setValues(stateOf(fieldsOf(kinds.find((k) => k.name === saved)?.schema ?? {}), input));
      setErrors({});
      setTouched(false);
    },
  };
}
export type KindForm = ReturnType<typeof useKindForm>;

/** The kind's choice: the command line, or any kind the engine has. */
export function KindPicker({ form, label = 'kind' }: { form: KindForm; label?: string }) {
  return (
    <select aria-label={label} value={form.kind} onChange={(e) => form.choose(e.target.value)}>
      <option value="command">command line</option>
      {form.kinds.map((k) => <option key={k.name} value={k.name}>{k.name}{k.builtIn ? '' : ' (plugin)'}</option>)}
    </select>
  );
}

export function KindFields({ fields, values, errors, onChange }: {
  fields: readonly FieldSpec[]; values: FormState; errors: Record<string, string>;
  onChange(name: string, value: string | boolean): void;
}) {
  return (
    <div className="kind-fields">
      {fields.map((f) => {
        const id = `kind-field-${f.name}`;
        const error = errors[f.name];
        const described = [f.help && `${id}-help`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
        const text = typeof values[f.name] === 'string' ? values[f.name] as string : '';
        const common = { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': described, required: f.required };
        let control;
        if (f.control === 'checkbox') {
          control = <input type="checkbox" {...common} checked={values[f.name] === true} onChange={(e) => onChange(f.name, e.target.checked)} />;
        } else if (f.control === 'select') {
          control = (
            <select {...common} value={text} onChange={(e) => onChange(f.name, e.target.value)}>
              {!f.required && <option value="">{f.placeholder ? `${f.placeholder} (default)` : '—'}</option>}
              {f.options!.map((o) => <option key={o} value={o}>{o}</option>)}
            </select>
          );
        } else if (f.control === 'pairs') {
          control = <PairsField common={common} placeholder={f.placeholder} text={text} onChange={(v) => onChange(f.name, v)} />;
        } else if (f.control === 'lines' || f.control === 'json' || f.control === 'textarea') {
          control = <textarea {...common} rows={f.control === 'textarea' ? 4 : 2} placeholder={f.placeholder} value={text} onChange={(e) => onChange(f.name, e.target.value)} />;
        } else {
          control = <input {...common} type={f.control === 'number' ? 'number' : f.control === 'url' ? 'url' : 'text'} min={f.min} max={f.max}
            placeholder={f.placeholder} value={text} onChange={(e) => onChange(f.name, e.target.value)} />;
        }
        return (
          <div key={f.name} className={`kind-field ${f.control}`}>
            <label htmlFor={id}>{f.label}{f.required ? ' *' : ''}</label>
            {control}
            {f.help && <small id={`${id}-help`} className="help">{f.help}</small>}
            {error && <small id={`${id}-error`} className="field-error" role="alert">{error}</small>}
          </div>
        );
      })}
    </div>
  );
}

/**
 * NAME=value pairs (env, headers): values can be secrets, so the saved ones show masked
 * ("NAME=••••••", read-only) until "show values" is pressed; what the person types shows.
 */
function PairsField({ common, placeholder, text, onChange }: {
  common: Record<string, unknown>; placeholder?: string; text: string; onChange(value: string): void;
}) {
  // Masked while it holds values the person did not type and has not asked to see (a run or
  // a task loaded into the form); what is typed shows as it is typed.
  const typed = useRef(text);
  const [shown, setShown] = useState(!/=./.test(text));
  useEffect(() => { if (text !== typed.current) { typed.current = text; setShown(!/=./.test(text)); } }, [text]);
  const masked = !shown;
  return (
    <>
      {masked
        ? <textarea {...common} rows={2} readOnly value={maskPairs(text)} />
        : <textarea {...common} rows={2} placeholder={placeholder} value={text} onChange={(e) => { typed.current = e.target.value; onChange(e.target.value); }} />}
      {masked && <button type="button" className="link-button" onClick={() => setShown(true)}>show values</button>}
    </>
  );
}
