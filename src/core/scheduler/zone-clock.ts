// Wall clocks in an IANA zone, from the platform's tz data (Intl): the offset at an instant,
// and the instants at which a wall time happens (none in a spring-forward gap, two in a
// fall-back fold). A wall time is carried as epoch ms read as UTC ("02:30 on 2026-03-29"
// is Date.UTC(2026, 2, 29, 2, 30)), so wall arithmetic never meets a daylight-saving change.

const HOUR = 3_600_000;
/** UTC offsets run from -12:00 to +14:00, so the instants of a wall time lie in this window. */
const BEFORE = 15 * HOUR;
const AFTER = 13 * HOUR;

const formats = new Map<string, Intl.DateTimeFormat>();
function formatOf(zone: string): Intl.DateTimeFormat {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formats.set(zone, f);
  }
  return f;
}

// format() and a regex: three times faster than formatToParts (measured, ~1.6 µs a call),
// and this runs a few times per fire when catch-up counts thousands of fires.
const PARTS = /(\d+)\/(\d+)\/(\d+),? (\d+):(\d+):(\d+)/;

/** The zone's UTC offset at instant `t`, in ms (whole seconds; tz data has no finer steps). */
export function offsetAt(zone: string, t: number): number {
  const s = Math.floor(t / 1000) * 1000;
  const m = PARTS.exec(formatOf(zone).format(s));
  if (!m) throw new Error(`cannot read the wall time of ${s} in ${zone}`);
  const [, mo, d, y, h, mi, se] = m.map(Number);
  return Date.UTC(y, mo - 1, d, h, mi, se) - s;
}

/** The wall time at instant `t`, whole seconds, read as UTC. */
export function wallOf(zone: string, t: number): number {
  return Math.floor(t / 1000) * 1000 + offsetAt(zone, t);
}

export interface WallSlot {
  /** The instants at which the wall time happens, ascending: one, two (a fold) or none (a gap). */
  instants: number[];
  /** In a gap: the first instant after it (the moment the clocks jump). */
  gapEnd: number | null;
}

/**
 * The instants of wall time `wall` (whole seconds). Assumes at most one offset change within
 * a day of it, true of every zone since 1970 except a handful of one-off historical changes.
 */
export function instantsOf(zone: string, wall: number): WallSlot {
  const before = offsetAt(zone, wall - BEFORE);
  const after = offsetAt(zone, wall + AFTER);
  if (before === after) return { instants: [wall - before], gapEnd: null };
  const instants = [before, after].filter((o) => offsetAt(zone, wall - o) === o).map((o) => wall - o).sort((a, b) => a - b);
  if (instants.length) return { instants, gapEnd: null };
  return { instants, gapEnd: changeBetween(zone, wall - after, wall - before, before) };
}

/** The first instant in (lo, hi] whose offset is not `old`, to the second (binary search). */
function changeBetween(zone: string, lo: number, hi: number, old: number): number {
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (offsetAt(zone, mid) === old) lo = mid;
    else hi = mid;
  }
  return hi;
}
