import { describe, expect, it } from 'vitest';
import { parseChoice, schemeOf } from './theme';

describe('the theme', () => {
  it('follows the system unless the person chose light or dark', () => {
    expect(schemeOf('system', true)).toBe('dark');
    expect(schemeOf('system', false)).toBe('light');
    expect(schemeOf('light', true)).toBe('light');
    expect(schemeOf('dark', false)).toBe('dark');
  });
  it('reads a kept choice, and anything else as the system', () => {
    expect(parseChoice('dark')).toBe('dark');
    expect(parseChoice('light')).toBe('light');
    expect(parseChoice(null)).toBe('system');
    expect(parseChoice('purple')).toBe('system');
  });
});
