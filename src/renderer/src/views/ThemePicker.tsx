import { useEffect, useState } from 'react';
import { chooseTheme, THEME_CHOICES, themeChoice, type ThemeChoice } from '../theme';

/** System, light or dark: shown at once, kept across restarts (theme.ts). */
export function ThemePicker() {
  const [choice, setChoice] = useState<ThemeChoice>(themeChoice);
  // A choice made elsewhere (the command palette).
  useEffect(() => {
    const chosen = () => setChoice(themeChoice());
    window.addEventListener('themechoice', chosen);
    return () => window.removeEventListener('themechoice', chosen);
  }, []);
  return (
    <select className="theme-picker" aria-label="Theme" value={choice} onChange={(e) => {
      chooseTheme(e.target.value as ThemeChoice);
    }}>
      {THEME_CHOICES.map((c) => <option key={c} value={c}>{c === 'system' ? 'System theme' : c === 'light' ? 'Light' : 'Dark'}</option>)}
    </select>
  );
}
