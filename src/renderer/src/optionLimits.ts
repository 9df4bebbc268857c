// The bounds and defaults of a run's options (priority, attempts, the wait between attempts,
// the time limit, tags), read from the engine's JSON Schema of the command a form sends
// (describeCommand): the forms check and show what the engine takes, not a copy of it.
import { useEffect, useState } from 'react';
import type { CommandName } from '../../core/api/contract';
import type { CommandInfo } from '../../core/api/types';
import type { Api } from './api';
import { wholeNumber } from './format';

export interface Bound { min: number; max: number; default?: number }
export interface OptionLimits {
  priority: Bound;
  maxAttempts: Bound;
  /** The longest time limit, in ms. */
  timeoutMaxMs: number;
  /** The wait between attempts when none is given. */
  backoff: { type: string; delayMs: number; types: string[] };
  tagsMax: number;
}

type Prop = { type?: string | string[]; minimum?: number; maximum?: number; default?: unknown; enum?: unknown[];
  anyOf?: Prop[]; properties?: Record<string, Prop>; maxItems?: number };

/** The part of a nullable property that is not null ({anyOf: [{…}, {type: 'null'}]}). */
const solid = (p: Prop | undefined): Prop => p?.anyOf?.find((x) => x.type !== 'null') ?? p ?? {};
const bound = (p: Prop | undefined): Bound => {
  const s = solid(p);
  return { min: s.minimum ?? -Infinity, max: s.maximum ?? Infinity, ...(typeof p?.default === 'number' && { default: p.default }) };
};

/** The limits a command's input schema sets (what it does not say is unbounded). */
export function limitsOf(input: Record<string, unknown>): OptionLimits {
  const p = (input.properties ?? {}) as Record<string, Prop>;
  const b = solid(p.backoff).properties ?? {};
  return {
    priority: bound(p.priority),
    maxAttempts: bound(p.maxAttempts),
    timeoutMaxMs: solid(p.timeoutMs).maximum ?? Infinity,
    backoff: {
      type: typeof b.type?.default === 'string' ? b.type.default : '',
      delayMs: typeof b.delayMs?.default === 'number' ? b.delayMs.default : 0,
      types: (b.type?.enum ?? []).map(String),
    },
    tagsMax: solid(p.tags).maxItems ?? Infinity,
  };
}

/** No bounds (a command's limits not read yet: the engine still checks what is sent). */
export const UNBOUNDED: Bound = { min: -Infinity, max: Infinity };

/** The whole number typed, if it is within `b`; else null. */
export const wholeIn = (text: string, b: Bound = UNBOUNDED): number | null => wholeNumber(text, b.min, b.max);

/** "a whole number from 0 to 10". */
export const boundText = (b: Bound = UNBOUNDED) => (Number.isFinite(b.min) && Number.isFinite(b.max)
  ? `a whole number from ${b.min} to ${b.max}` : 'a whole number');

// One read per command and connection: the schema does not change while the engine runs.
const asked = new WeakMap<Api, Map<string, Promise<CommandInfo>>>();

/** The limits of `command`'s options, once the engine has said them (null until then, or if
 *  it cannot: the engine still checks what is sent). */
export function useOptionLimits(api: Api, command: CommandName): OptionLimits | null {
  const [limits, setLimits] = useState<OptionLimits | null>(null);
  useEffect(() => {
    let live = true;
    let byName = asked.get(api);
    if (!byName) asked.set(api, (byName = new Map()));
    let info = byName.get(command);
    if (!info) {
      info = api.describeCommand({ name: command });
      byName.set(command, info);
      info.catch(() => byName!.delete(command));
    }
    info.then((i) => { if (live) setLimits(limitsOf(i.input)); }, () => {});
    return () => { live = false; };
  }, [api, command]);
  return limits;
}
