// Random fixed-time and interval patterns around real daylight-saving changes, checked
// against an oracle that shares no code with fires.ts: it reads every minute of the days
// around the change with Intl.DateTimeFormat, matches the pattern itself, and applies the
// rule as written in the issue (fixed: once per wall time, missing ones at the gap's end;
// interval: every instant whose wall time matches).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileCron } from './cron';
import { firesBetween, latestFires, nextFire } from './fires';

const MIN = 60_000;
const HOUR = 60 * MIN;

/** One change per row, at its UTC instant (tz data 2025c); plus a zone that never changes. */
const CHANGES: [zone: string, instant: string][] = [
  ['Europe/Berlin', '2026-03-29T01:00:00Z'], ['Europe/Berlin', '2026-10-25T01:00:00Z'],
  ['America/New_York', '2026-03-08T07:00:00Z'], ['America/New_York', '2026-11-01T06:00:00Z'],
  ['Australia/Lord_Howe', '2026-04-04T15:00:00Z'], ['Australia/Lord_Howe', '2026-10-03T15:30:00Z'],
  ['Pacific/Chatham', '2026-04-04T14:00:00Z'], ['Pacific/Chatham', '2026-09-26T14:00:00Z'],
  ['America/Santiago', '2026-04-05T03:00:00Z'], ['America/Santiago', '2026-09-06T04:00:00Z'],
  ['America/Havana', '2026-03-08T05:00:00Z'], ['America/Havana', '2026-11-01T05:00:00Z'],
  ['Africa/Cairo', '2026-04-23T22:00:00Z'], ['Africa/Cairo', '2026-10-29T21:00:00Z'],
  ['Asia/Kolkata', '2026-06-01T00:00:00Z'],
];

interface Wall { y: number; mo: number; d: number; h: number; mi: number; dow: number }
interface Minute { t: number; wall: Wall; key: number }
interface Change { zone: string; at: number; minutes: Minute[]; hours: number[]; day: Wall }

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Every minute from 36 h before the change to 36 h after, with its wall clock. */
function readChange(zone: string, instant: string): Change {
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', weekday: 'short', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric',
  });
  const at = Date.parse(instant);
  const minutes: Minute[] = [];
  for (let t = at - 36 * HOUR; t < at + 36 * HOUR; t += MIN) {
    const p = Object.fromEntries(f.formatToParts(t).map((x) => [x.type, x.value]));
    const wall = { y: +p.year, mo: +p.month, d: +p.day, h: +p.hour, mi: +p.minute, dow: WEEKDAYS.indexOf(p.weekday) };
    minutes.push({ t, wall, key: Date.UTC(wall.y, wall.mo - 1, wall.d, wall.h, wall.mi) });
  }
  // The wall hours that the change skips or repeats: where the rule has something to do.
  const hours = new Set<number>();
  const seen = new Set<number>();
  minutes.forEach((m, i) => {
    if (seen.has(m.key)) hours.add(m.wall.h);
    seen.add(m.key);
    for (let k = (minutes[i - 1]?.key ?? m.key) + MIN; k < m.key; k += MIN) hours.add(new Date(k).getUTCHours());
  });
  const day = minutes.find((m) => m.t >= at + 90 * MIN)!.wall;
  return { zone, at, minutes, hours: hours.size ? [...hours] : [day.h], day };
}

const changes = CHANGES.map(([zone, instant]) => readChange(zone, instant));
const iso = (ts: number[]) => ts.map((t) => new Date(t).toISOString());

// ---- the oracle's own cron matcher (the subset the generators below write) ---------------

function values(field: string, min: number, max: number): Set<number> {
  const out = new Set<number>();
  for (const item of field.split(',')) {
    const [base, step = '1'] = item.split('/');
    const [lo, hi] = base === '*' ? [min, max] : base.includes('-') ? base.split('-').map(Number) : [Number(base), Number(base)];
    for (let v = lo; v <= hi; v += Number(step)) out.add(v);
  }
  return out;
}

interface Pattern { text: string; fixed: boolean; seconds: number[]; matches(w: Wall): boolean }

function pattern(fields: string[]): Pattern {
  const six = fields.length === 6;
  const [sec, min, hour, dom, mon, dow] = six ? fields : ['0', ...fields];
  const [m, h, dm, mo, dw] = [values(min, 0, 59), values(hour, 0, 23), values(dom, 1, 31), values(mon, 1, 12), values(dow, 0, 6)];
  // Classic cron: when both day fields are restricted, either one matching is enough.
  const day = (w: Wall) => (dom !== '*' && dow !== '*' ? dm.has(w.d) || dw.has(w.dow) : dm.has(w.d) && dw.has(w.dow));
  return {
    text: fields.join(' '),
    fixed: (six ? [sec, min, hour] : [min, hour]).every((f) => !f.startsWith('*')),
    seconds: [...values(sec, 0, 59)].sort((a, b) => a - b),
    matches: (w) => m.has(w.mi) && h.has(w.h) && mo.has(w.mo) && day(w),
  };
}

const wallOfKey = (key: number): Wall => {
  const d = new Date(key);
  return { y: d.getUTCFullYear(), mo: d.getUTCMonth() + 1, d: d.getUTCDate(), h: d.getUTCHours(), mi: d.getUTCMinutes(), dow: d.getUTCDay() };
};

/** The rule, applied by brute force to every minute around the change. */
function expected(c: Change, p: Pattern, after: number, until: number): number[] {
  const out = new Set<number>();
  const seen = new Set<number>();
  c.minutes.forEach((m, i) => {
    if (p.matches(m.wall)) {
      for (const s of p.seconds) {
        if (p.fixed && seen.has(m.key + s * 1000)) continue; // a repeated wall time: first copy only
        seen.add(m.key + s * 1000);
        out.add(m.t + s * 1000);
      }
    }
    const prev = c.minutes[i - 1];
    if (!p.fixed || !prev) return;
    // Wall minutes the clock jumped over: a match fires at this minute, the first after the gap.
    for (let k = prev.key + MIN; k < m.key; k += MIN) if (p.matches(wallOfKey(k))) out.add(m.t);
  });
  return [...out].filter((t) => t > after && t <= until).sort((a, b) => a - b);
}

// ---- generators ---------------------------------------------------------------------------

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b).join(',');
const list = (pick: fc.Arbitrary<number>) => fc.uniqueArray(pick, { minLength: 1, maxLength: 3 }).map(sorted);
const range = (min: number, max: number) => fc.tuple(fc.integer({ min, max }), fc.integer({ min, max }))
  .map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`);
/** A field with no wildcard: a list, a range or a stepped range. */
const fixedField = (min: number, max: number, pick = fc.integer({ min, max })) => fc.oneof(
  { arbitrary: list(pick), weight: 4 }, { arbitrary: range(min, max), weight: 1 },
  { arbitrary: fc.tuple(range(min, max), fc.integer({ min: 2, max: 20 })).map(([r, n]) => `${r}/${n}`), weight: 1 },
);
const wildField = (minStep: number, maxStep: number, bare = true) =>
  fc.oneof(...(bare ? [fc.constant('*')] : []), fc.integer({ min: minStep, max: maxStep }).map((n) => `*/${n}`));
/** Each time field is a wildcard one time in three: about half the patterns are fixed-time. */
const timeField = (fixed: fc.Arbitrary<string>, wild: fc.Arbitrary<string>) =>
  fc.oneof({ arbitrary: fixed, weight: 2 }, { arbitrary: wild, weight: 1 });

function patternsAround(c: Change): fc.Arbitrary<string[]> {
  // Mostly the hours around the change: that is where the rule is tested.
  const hour = fc.oneof({ arbitrary: fc.constantFrom(...c.hours), weight: 4 }, { arbitrary: fc.integer({ min: 0, max: 23 }), weight: 1 });
  const { d, mo, dow } = c.day;
  return fc.tuple(
    fc.option(timeField(fixedField(0, 59), wildField(10, 30, false)), { freq: 2 }),
    timeField(fixedField(0, 59), wildField(2, 30)),
    timeField(fixedField(0, 23, hour), wildField(2, 12)),
    fc.constantFrom('*', '*', '*', String(d), String(d === 1 ? 2 : d - 1)),
    fc.constantFrom('*', '*', '*', String(mo)),
    fc.constantFrom('*', '*', '*', String(dow), String((dow + 1) % 7)),
  ).map(([sec, ...rest]) => (sec === null ? rest : [sec, ...rest]));
}

/** A change and a pattern, as plain text so that a counterexample reads well. */
const cases = fc.constantFrom(...changes).chain((c) => patternsAround(c).map((fields) => ({ zone: c.zone, change: iso([c.at])[0], cron: fields.join(' ') })));
const unpack = ({ zone, change, cron }: { zone: string; change: string; cron: string }) =>
  ({ c: changes.find((x) => x.zone === zone && x.at === Date.parse(change))!, p: pattern(cron.split(' ')) });

describe('fires around daylight-saving changes match the rule, for any pattern', () => {
  it('every listed change is a gap or a fold in this platform\'s tz data (else the zone list is stale)', () => {
    for (const c of changes.filter((x) => x.zone !== 'Asia/Kolkata')) {
      const jumps = c.minutes.slice(1).filter((m, i) => m.key - c.minutes[i].key !== MIN);
      expect(jumps, `${c.zone} ${new Date(c.at).toISOString()}`).toHaveLength(1);
    }
  });

  it('firesBetween gives exactly the oracle\'s fires in the 24 h around the change', () => {
    fc.assert(fc.property(cases, (drawn) => {
      const { c, p } = unpack(drawn);
      const [after, until] = [c.at - 12 * HOUR, c.at + 12 * HOUR];
      const got = firesBetween(compileCron(p.text, c.zone), after, until, 100_000);
      expect(iso(got), `${p.text} in ${c.zone}`).toEqual(iso(expected(c, p, after, until)));
    }), { numRuns: 500 });
  });

  it('nextFire step by step and latestFires agree with the oracle', () => {
    fc.assert(fc.property(cases, fc.integer({ min: -3 * HOUR, max: 3 * HOUR }), (drawn, shift) => {
      const { c, p } = unpack(drawn);
      const s = compileCron(p.text, c.zone);
      const [after, until] = [c.at + shift - 3 * HOUR, c.at + shift + 3 * HOUR];
      const want = expected(c, p, after, until).slice(0, 40);
      const walked: number[] = [];
      for (let t = nextFire(s, after); t !== null && t <= until && walked.length < 40; t = nextFire(s, t)) walked.push(t);
      expect(iso(walked), `${p.text} in ${c.zone}`).toEqual(iso(want));
      const all = expected(c, p, after, until);
      expect(iso(latestFires(s, after, until, 5)), `${p.text} in ${c.zone}`).toEqual(iso(all.slice(-5)));
    }), { numRuns: 300 });
  });
});
