// How `npm test` finds (or gets) the browser for the window's tests (e2e/browser.ts).
import { expect, it } from 'vitest';
import { findBrowser, INSTALL_HINT, type BrowserSearch } from '../../e2e/browser';

function search(over: Partial<BrowserSearch> & { files?: string[]; installs?: Record<string, string> }): BrowserSearch & { ran: string[]; said: string[] } {
  const files = new Set(over.files ?? []);
  const ran: string[] = [];
  const said: string[] = [];
  return {
    env: {}, isRoot: false, playwrightPath: () => '/home/u/.cache/ms-playwright/chromium/chrome',
    exists: (p) => files.has(p),
    run: (program, args) => {
      const cmd = [program === process.execPath ? 'node' : program, ...args].join(' ');
      ran.push(cmd);
      const made = over.installs?.[cmd];
      if (made) files.add(made);
      return made !== undefined || cmd === 'apt-get update -qq';
    },
    say: (line) => said.push(line),
    ...over, ran, said,
  };
}

it('takes CHROMIUM_PATH first, then the system\'s, then Playwright\'s', () => {
  expect(findBrowser(search({ env: { CHROMIUM_PATH: '/opt/c/chrome' }, files: ['/opt/c/chrome', '/usr/bin/chromium'] }))).toBe('/opt/c/chrome');
  expect(findBrowser(search({ files: ['/usr/bin/chromium'] }))).toBe('/usr/bin/chromium');
  expect(findBrowser(search({ files: ['/home/u/.cache/ms-playwright/chromium/chrome'] }))).toBe('/home/u/.cache/ms-playwright/chromium/chrome');
});

it('a CHROMIUM_PATH that does not exist is said in one line, not searched around', () => {
  const found = findBrowser(search({ env: { CHROMIUM_PATH: '/nope' }, files: ['/usr/bin/chromium'] }));
  expect(found).toBeInstanceOf(Error);
  expect((found as Error).message).toBe(`CHROMIUM_PATH is /nope, which does not exist. ${INSTALL_HINT}`);
});

it('installs Debian\'s package as root with apt, else Playwright\'s browser, else says what to install', () => {
  const root = search({ isRoot: true, files: ['/usr/bin/apt-get'], installs: { 'apt-get install -y -qq chromium': '/usr/bin/chromium' } });
  expect(findBrowser(root)).toBe('/usr/bin/chromium');
  expect(root.ran).toEqual(['apt-get update -qq', 'apt-get install -y -qq chromium']);

  const user = search({ installs: { [`node ${new URL('../../node_modules/@playwright/test/cli.js', import.meta.url).pathname} install chromium`]: '/home/u/.cache/ms-playwright/chromium/chrome' } });
  expect(findBrowser(user)).toBe('/home/u/.cache/ms-playwright/chromium/chrome');
  expect(user.ran).toHaveLength(1);

  const offline = search({});
  const found = findBrowser(offline);
  expect((found as Error).message).toBe(INSTALL_HINT);
  expect(INSTALL_HINT.split('\n')).toHaveLength(1);
});
