// The status badges' colours, read from styles.css as the browser would for one status:
// the text of the held badge keeps WCAG AA contrast (4.5:1) in the light and the dark scheme.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const CSS = readFileSync(new URL('./styles.css', import.meta.url), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');

interface Rule { selectors: string[]; decls: Record<string, string> }
function rulesOf(css: string): Rule[] {
  return [...css.matchAll(/([^{}]+)\{([^{}]*)\}/g)].map(([, sel, body]) => ({
    selectors: sel.split(',').map((x) => x.trim()),
    decls: Object.fromEntries(body.split(';').map((d) => d.split(':').map((x) => x.trim())).filter((d) => d.length === 2 && d[0])),
  }));
}
// The dark scheme's rules start with :root[data-theme=dark] (theme.ts sets it); read
// without it, they override the light rules for the same selectors.
const DARK = ':root[data-theme=dark]';
const all = rulesOf(CSS);
const isDark = (r: Rule) => r.selectors.every((x) => x.startsWith(DARK));
const light = all.filter((r) => !isDark(r));
const dark = all.filter(isDark).map((r) => ({ ...r, selectors: r.selectors.map((x) => x.slice(DARK.length).trim() || ':root') }));
it('writes every dark rule under :root[data-theme=dark] (no rule mixes schemes; no media query the switch cannot override)', () => {
  expect(all.filter((r) => r.selectors.some((x) => x.startsWith(DARK)) && !isDark(r))).toEqual([]);
  expect(CSS).not.toMatch(/prefers-color-scheme/);
  expect(dark.length).toBeGreaterThan(0);
});

/** A property of the element matching `selectors` (most specific first) in a scheme; `var()` resolved. */
function prop(scheme: 'light' | 'dark', selectors: string[], name: string): string | undefined {
  const rules = scheme === 'light' ? light : [...light, ...dark];
  const get = (sel: string, n: string) => rules.filter((r) => r.selectors.includes(sel) && n in r.decls).map((r) => r.decls[n]).pop();
  for (const sel of selectors) {
    const v = get(sel, name);
    if (v !== undefined) return v.replace(/var\((--[\w-]+)\)/g, (_, n: string) => get(':root', n) ?? '');
  }
  return undefined;
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function contrast(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

describe('the held badge', () => {
  for (const scheme of ['light', 'dark'] as const) {
    it(`has its own colours, its text at 4.5:1 or more (${scheme})`, () => {
      const bg = prop(scheme, ['.status.held'], 'background');
      expect(bg, 'a background of its own, as running, retrying and the ended statuses have').toMatch(/^#[0-9a-f]{6}$/i);
      const fg = prop(scheme, ['.status.held', 'body'], 'color')!;
      expect(fg).toMatch(/^#[0-9a-f]{6}$/i);
      expect(bg).not.toBe(prop(scheme, ['.status.queued', '.status'], 'background'));
      expect(contrast(fg, bg!)).toBeGreaterThanOrEqual(4.5);
    });
  }
});

describe('the Runs view', () => {
  it('scrolls when the window is too short for the form, the filters and the list', () => {
    const overflow = prop('light', ['.view.runs-view', '.view'], 'overflow');
    expect(overflow).toMatch(/^(auto|scroll)$/);
  });
});

describe('the Overview', () => {
  /** #fff → #ffffff */
  const full = (hex: string) => (/^#[0-9a-f]{3}$/i.test(hex) ? `#${[...hex.slice(1)].map((c) => c + c).join('')}` : hex);
  for (const scheme of ['light', 'dark'] as const) {
    it(`draws its charts at 3:1 or more against the card, and red text at 4.5:1 (${scheme})`, () => {
      const card = full(prop(scheme, ['.card'], 'background')!);
      expect(card).toMatch(/^#[0-9a-f]{6}$/i);
      for (const name of ['--chart-runs', '--chart-failed', '--chart-p50', '--chart-p95']) {
        const color = prop(scheme, [':root'], name)!;
        expect(color, name).toMatch(/^#[0-9a-f]{6}$/i);
        expect(contrast(color, card), name).toBeGreaterThanOrEqual(3);
      }
      expect(prop(scheme, [':root'], '--chart-failed')).not.toBe(prop(scheme, [':root'], '--chart-runs'));
      const red = prop(scheme, ['td.failing'], 'color')!;
      for (const bg of [card, full(prop(scheme, ['body'], 'background')!)]) expect(contrast(red, bg)).toBeGreaterThanOrEqual(4.5);
      expect(prop(scheme, ['.error-line'], 'color')).toBe(red);
      // A failure's title opens it: a link-button on the card.
      expect(contrast(prop(scheme, ['.link-button'], 'color')!, card)).toBeGreaterThanOrEqual(4.5);
    });
  }
});

describe('search', () => {
  for (const scheme of ['light', 'dark'] as const) {
    it(`marks the words found at 4.5:1 or more, and the snippet's text too (${scheme})`, () => {
      const bg = prop(scheme, ['mark'], 'background')!;
      const fg = prop(scheme, ['mark'], 'color')!;
      expect(bg).toMatch(/^#[0-9a-f]{6}$/i);
      expect(contrast(fg, bg)).toBeGreaterThanOrEqual(4.5);
      // The mark stands out from the page it is on.
      expect(contrast(bg, prop(scheme, ['body'], 'background')!)).toBeGreaterThan(1.3);
      const muted = prop(scheme, ['table.search-hits .snippet'], 'color')!;
      const full = (hex: string) => (/^#[0-9a-f]{3}$/i.test(hex) ? `#${[...hex.slice(1)].map((c) => c + c).join('')}` : hex);
      for (const page of [prop(scheme, ['body'], 'background')!, prop(scheme, ['.detail'], 'background')!].map(full)) {
        expect(contrast(muted, page)).toBeGreaterThanOrEqual(4.5);
      }
    });
  }
  it('in the log (dark in both schemes), a found word, the current one and the line a hit named keep 4.5:1', () => {
    const log = prop('light', ['.log'], 'background')!;
    const text = prop('light', ['.log'], 'color')!;
    expect(contrast(prop('light', ['.log mark'], 'color')!, prop('light', ['.log mark'], 'background')!)).toBeGreaterThanOrEqual(4.5);
    expect(contrast(prop('light', ['.log mark'], 'color')!, prop('light', ['.log mark.current'], 'background')!)).toBeGreaterThanOrEqual(4.5);
    for (const sel of ['.log .line.focus', '.log .line.current']) {
      const bg = prop('light', [sel], 'background')!;
      expect(contrast(text, bg), sel).toBeGreaterThanOrEqual(4.5);
      expect(contrast(prop('light', ['.log .stderr'], 'color')!, bg), sel).toBeGreaterThanOrEqual(4.5);
      expect(bg).not.toBe(log);
    }
  });
});

describe('the log\'s ANSI colours', () => {
  const LOG_BG = '#0f1115';
  const colours = [...CSS.matchAll(/\.log \.(ansi-[a-z-]+) \{ color: (#[0-9a-f]{6}); \}/g)].map((m) => [m[1], m[2]] as const);
  it('every one of the 16 is readable (4.5:1) on the log\'s background', () => {
    expect(colours.map(([name]) => name).sort()).toHaveLength(16);
    for (const [name, hex] of colours) expect(contrast(hex, LOG_BG), name).toBeGreaterThanOrEqual(4.5);
  });
  it('the default text is readable on every background colour', () => {
    const backgrounds = [...CSS.matchAll(/\.log \.(ansi-[a-z-]+-bg)[^{]*\{ background: (#[0-9a-f]{6});( color: (#[0-9a-f]{6});)? \}/g)];
    expect(backgrounds.length).toBeGreaterThanOrEqual(8);
    for (const m of backgrounds) expect(contrast(m[4] ?? '#d8dee9', m[2]), m[1]).toBeGreaterThanOrEqual(4.5);
  });
});
