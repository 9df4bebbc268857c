// The options every run has, whatever its kind: priority, attempts, the wait between them,
// a time limit, tags, and (a run only) a dedupe key. Shared by the new run form and the task
// form; the engine's field errors ('priority', 'backoff.delayMs', …) land under their field.
import { useState } from 'react';
import type { Backoff } from '../../../core/api/types';
import { DURATION_EXAMPLES, parseDuration, typedDuration } from '../../../shared/duration';
import type { CommandName } from '../../../core/api/contract';
import { useApp } from '../context';
import { duration } from '../format';
import { boundText, useOptionLimits, wholeIn, type Bound } from '../optionLimits';

export interface RunOptionValues {
  priority?: number; maxAttempts?: number; backoff?: Partial<Backoff>; timeoutMs?: number | null; tags: string[]; dedupeKey?: string;
}

interface Saved { priority: number; maxAttempts: number; backoff: Backoff; timeoutMs: number | null; tags: string[] }

const FIELDS = ['priority', 'maxAttempts', 'backoff', 'timeoutMs', 'tags', 'dedupeKey'] as const;
type Field = (typeof FIELDS)[number];

/** The options of the form that sends `command` (enqueue, createTask, updateTask): their
 *  bounds and defaults are that command's (optionLimits.ts); an empty field is its default. */
export function useRunOptions(opts: { command: CommandName; dedupe?: boolean }) {
  const api = useApp((s) => s.api);
  const limits = useOptionLimits(api, opts.command);
  const [priority, setPriority] = useState('');
  const [attempts, setAttempts] = useState('');
  const [backoffType, setBackoffType] = useState<'' | Backoff['type']>('');
  const [backoffDelay, setBackoffDelay] = useState('');
  const [timeout, setTimeoutText] = useState('');
  const [tags, setTags] = useState('');
  const [dedupeKey, setDedupeKey] = useState('');
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  /** Kept from a loaded task: the parts of its backoff the form does not show. */
  const [savedBackoff, setSavedBackoff] = useState<Backoff | null>(null);

  /** A whole number within the command's bounds; empty: its default (undefined: none known). */
  const number = (text: string, b: Bound | undefined): number | undefined | null =>
    (text.trim() ? wholeIn(text, b) : b?.default);

  return {
    values: { priority, attempts, backoffType, backoffDelay, timeout, tags, dedupeKey },
    set: { priority: setPriority, attempts: setAttempts, backoffType: setBackoffType, backoffDelay: setBackoffDelay, timeout: setTimeoutText, tags: setTags, dedupeKey: setDedupeKey },
    errors,
    limits,
    dedupe: opts.dedupe ?? false,
    /** The options as the engine takes them, or null (the errors say why under each field). */
    read(): RunOptionValues | null {
      const out: Partial<Record<Field, string>> = {};
      const p = number(priority, limits?.priority);
      if (p === null) out.priority = boundText(limits?.priority);
      const a = number(attempts, limits?.maxAttempts);
      if (a === null) out.maxAttempts = boundText(limits?.maxAttempts);
      const delayMs = backoffDelay.trim() ? parseDuration(backoffDelay) : undefined;
      if (delayMs === null) out.backoff = `a duration, e.g. ${DURATION_EXAMPLES}`;
      const timeoutMs = timeout.trim() ? parseDuration(timeout) : undefined;
      if (timeoutMs === null) out.timeoutMs = `a duration, e.g. ${DURATION_EXAMPLES}`;
      else if (timeoutMs !== undefined && limits && timeoutMs > limits.timeoutMaxMs) out.timeoutMs = `at most ${duration(limits.timeoutMaxMs)}`;
      const tagList = tags.split(',').map((t) => t.trim()).filter(Boolean);
      if (limits && tagList.length > limits.tagsMax) out.tags = `at most ${limits.tagsMax} tags`;
      setErrors(out);
      if (Object.keys(out).length) return null;
      // What the form does not show (the longest wait, the jitter) is the saved task's, or
      // the engine's default.
      const backoff: Partial<Backoff> | undefined = backoffType || delayMs !== undefined
        ? { ...savedBackoff, ...(backoffType ? { type: backoffType } : {}), ...(delayMs !== undefined && delayMs !== null ? { delayMs } : {}) }
        : undefined;
      return {
        ...(p != null && { priority: p }), ...(a != null && { maxAttempts: a }),
        ...(backoff ? { backoff } : {}),
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        tags: tagList,
        ...(opts.dedupe && dedupeKey.trim() ? { dedupeKey: dedupeKey.trim() } : {}),
      };
    },
    /** An engine error that names one of these fields goes under it (true: said there). */
    said(error: unknown): boolean {
      const path = (error as { field?: string }).field ?? '';
      const field = FIELDS.find((f) => path === f || path.startsWith(`${f}.`) || path.startsWith(`${f}[`));
      if (field) setErrors({ [field]: (error as Error).message.replace(/^[\w.[\]]+: /, '') });
      return field !== undefined;
    },
    /** Shows a saved task's options. */
    load(t: Saved) {
      setPriority(String(t.priority));
      setAttempts(String(t.maxAttempts));
      setBackoffType(t.backoff.type);
      setBackoffDelay(typedDuration(t.backoff.delayMs));
      setSavedBackoff(t.backoff);
      setTimeoutText(t.timeoutMs === null ? '' : typedDuration(t.timeoutMs));
      setTags(t.tags.join(', '));
      setErrors({});
    },
    reset() {
      setPriority(''); setAttempts(''); setBackoffType(''); setBackoffDelay(''); setTimeoutText(''); setTags(''); setDedupeKey('');
      setSavedBackoff(null); setErrors({});
    },
  };
}

export type RunOptionsForm = ReturnType<typeof useRunOptions>;

/** One labelled field with its error under it. */
function Field({ label, error, children }: { label: string; error?: string; children: React.ReactNode }) {
  return (
    <label className="option">
      <span>{label}</span>
      {children}
      {error && <span className="error-line" role="alert">{error}</span>}
    </label>
  );
}

export function RunOptionFields({ form, prefix = '' }: { form: RunOptionsForm; prefix?: string }) {
  const { values: v, set, errors: e, limits } = form;
  const min = (b: Bound | undefined) => (b && Number.isFinite(b.min) ? b.min : undefined);
  const max = (b: Bound | undefined) => (b && Number.isFinite(b.max) ? b.max : undefined);
  const dflt = (b: Bound | undefined) => (b?.default !== undefined ? String(b.default) : undefined);
  const backoffDefault = limits?.backoff.delayMs
    ? `default (from ${duration(limits.backoff.delayMs)}, ${limits.backoff.type === 'fixed' ? 'the same each time' : 'doubling'})` : 'default';
  const id = (name: string) => `${prefix}${name}`;
  return (
    <div className="options run-options">
      <Field label="priority" error={e.priority}>
        <input aria-label={id('priority')} type="number" min={min(limits?.priority)} max={max(limits?.priority)} placeholder={dflt(limits?.priority)} className="narrow" value={v.priority} onChange={(x) => set.priority(x.target.value)} aria-invalid={!!e.priority} />
      </Field>
      <Field label="attempts" error={e.maxAttempts}>
        <input aria-label={id('attempts')} type="number" min={min(limits?.maxAttempts)} max={max(limits?.maxAttempts)} placeholder={dflt(limits?.maxAttempts)} className="narrow" value={v.attempts} onChange={(x) => set.attempts(x.target.value)} aria-invalid={!!e.maxAttempts} />
      </Field>
      <Field label="wait between attempts" error={e.backoff}>
        <span className="pair">
          <select aria-label={id('backoff')} value={v.backoffType} onChange={(x) => set.backoffType(x.target.value as typeof v.backoffType)}>
            <option value="">{backoffDefault}</option>
            <option value="exponential">doubling, from</option>
            <option value="fixed">the same each time</option>
          </select>
          <input aria-label={id('backoff delay')} placeholder="e.g. 30s" className="narrow" value={v.backoffDelay} onChange={(x) => set.backoffDelay(x.target.value)} aria-invalid={!!e.backoff} />
        </span>
      </Field>
      <Field label="time limit" error={e.timeoutMs}>
        <input aria-label={id('timeout')} placeholder="none, or e.g. 10m" className="narrow" value={v.timeout} onChange={(x) => set.timeout(x.target.value)} aria-invalid={!!e.timeoutMs} />
      </Field>
      <Field label="tags" error={e.tags}>
        <input aria-label={id('tags')} placeholder="nightly, backup" value={v.tags} onChange={(x) => set.tags(x.target.value)} aria-invalid={!!e.tags} />
      </Field>
      {form.dedupe && (
        <Field label="dedupe key" error={e.dedupeKey}>
          <input aria-label={id('dedupe key')} placeholder="one run at a time per key" value={v.dedupeKey} onChange={(x) => set.dedupeKey(x.target.value)} aria-invalid={!!e.dedupeKey} />
        </Field>
      )}
    </div>
  );
}
