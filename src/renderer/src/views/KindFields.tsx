// The fields of a kind's input, made from its JSON Schema (schemaForm.ts): one control per
// property, its label, what it takes, and the error that names it.
import type { FieldSpec, FormState } from '../schemaForm';

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
        } else if (f.control === 'lines' || f.control === 'pairs' || f.control === 'json' || f.control === 'textarea') {
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
