// The window's colour scheme: the person picks system, light or dark (kept across restarts
// in the page's storage); the page carries the scheme it shows as `data-theme` on <html>,
// which styles.css reads. Modes: 'system' follows the operating system's setting and moves
// when it changes; 'light' and 'dark' stay put. Charts (canvas) listen for `themechange`, pickers for `themechoice`.

export const THEME_CHOICES = ['system', 'light', 'dark'] as const;
export type ThemeChoice = (typeof THEME_CHOICES)[number];
export type Scheme = 'light' | 'dark';

const KEY = 'tasklane.theme';

/** The scheme shown for a choice, given whether the system is dark. */
export function schemeOf(choice: ThemeChoice, systemDark: boolean): Scheme {
  return choice === 'system' ? (systemDark ? 'dark' : 'light') : choice;
}

/** A stored choice, or 'system' for nothing or anything else. */
export function parseChoice(stored: string | null | undefined): ThemeChoice {
  return (THEME_CHOICES as readonly string[]).includes(stored ?? '') ? (stored as ThemeChoice) : 'system';
}

/** The storage the choice is kept in (absent or refusing: the choice lasts for the page). */
function storage(): Storage | null {
  try { return window.localStorage; } catch { return null; }
}

const system = () => matchMedia('(prefers-color-scheme: dark)');
let current: ThemeChoice = 'system';

function show(): void {
  const scheme = schemeOf(current, system().matches);
  if (document.documentElement.dataset.theme === scheme) return;
  document.documentElement.dataset.theme = scheme;
  window.dispatchEvent(new Event('themechange'));
}

/** Reads the kept choice and shows it; follows the system's changes from then on. */
export function startTheme(): void {
  current = parseChoice(storage()?.getItem(KEY));
  system().addEventListener('change', show);
  show();
}

export function themeChoice(): ThemeChoice { return current; }

/** The person's choice: shown at once and kept. */
export function chooseTheme(choice: ThemeChoice): void {
  current = choice;
  try { storage()?.setItem(KEY, choice); } catch { /* full or refused: kept for this page only */ }
  show();
  // The pickers (the header's, the palette) show the choice wherever it was made.
  window.dispatchEvent(new Event('themechoice'));
}
