// The desktop app's "Start at login" switch: a switch in the desktop window, a pointer to
// `tasklane service install` in a browser page.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { expect, it } from 'vitest';
import { StartAtLogin } from './StartAtLogin';

it('in a browser page it points to tasklane service install; in the desktop app it is a switch', () => {
  const browser = renderToStaticMarkup(createElement(StartAtLogin, { desktop: undefined }));
  expect(browser).toContain('tasklane service install');
  expect(browser).not.toContain('checkbox');
  const desktop = renderToStaticMarkup(createElement(StartAtLogin, { desktop: { openAtLogin: async () => true, setOpenAtLogin: async (on: boolean) => on } }));
  expect(desktop).toContain('type="checkbox"');
  expect(desktop).toContain('Start Tasklane when I log in');
  expect(desktop).not.toContain('hidden');
});
