import { useState } from 'react';
import { chooseTheme, THEME_CHOICES, themeChoice, type ThemeChoice } from '../theme';

/** System, light or dark: shown at once, kept across restarts (theme.ts). */
export function ThemePicker() {
  const [choice, setChoice] = useState<ThemeChoice>(themeChoice);
  return (
    <select className="theme-picker" aria-label="Theme" value={choice} onChange={(e) => {
      const next = e.target.value as ThemeChoice;
      setChoice(next);
      chooseTheme(next);
    }}>
      {THEME_CHOICES.map((c) => <option key={c} value={c}>{c === 'system' ? 'System theme' : c === 'light' ? 'Light' : 'Dark'}</option>)}
    </select>
  );
}
