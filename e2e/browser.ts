// Which Chromium the window's tests drive, found (or got) without a separate set-up step:
// CHROMIUM_PATH, then the system's (/usr/bin/chromium), then one Playwright installed. Where
// there is none: Debian's package when running as root with apt, else `playwright install
// chromium` (needs the internet). If that fails too: one line that says what to install.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';

export const INSTALL_HINT = 'The window\'s tests need Chromium: install it (Debian: sudo apt-get install chromium; '
  + 'Ubuntu and elsewhere: npx playwright install --with-deps chromium) or set CHROMIUM_PATH to one';

export interface BrowserSearch {
  env: Record<string, string | undefined>;
  exists(path: string): boolean;
  /** Playwright's own Chromium, where it would be. */
  playwrightPath(): string;
  isRoot: boolean;
  /** Runs a program; true when it succeeded. */
  run(program: string, args: string[]): boolean;
  say(line: string): void;
}

// (Not /usr/bin/chromium-browser: on Ubuntu it is often a shim for a snap that does not run here.)
const SYSTEM = ['/usr/bin/chromium'];

/** The browser's path, or an Error whose message is the one line to show. */
export function findBrowser(s: BrowserSearch): string | Error {
  const given = s.env.CHROMIUM_PATH;
  if (given) return s.exists(given) ? given : new Error(`CHROMIUM_PATH is ${given}, which does not exist. ${INSTALL_HINT}`);
  const found = () => SYSTEM.find((p) => s.exists(p)) ?? (s.exists(s.playwrightPath()) ? s.playwrightPath() : undefined);
  let path = found();
  if (path) return path;
  if (s.isRoot && s.exists('/usr/bin/apt-get')) {
    s.say('[e2e] no Chromium found: installing Debian\'s chromium package (apt-get)');
    if (s.run('apt-get', ['update', '-qq']) && s.run('apt-get', ['install', '-y', '-qq', 'chromium'])) path = found();
  }
  if (!path) {
    s.say('[e2e] no Chromium found: trying `playwright install chromium`');
    if (s.run(process.execPath, [PLAYWRIGHT_CLI, 'install', 'chromium'])) path = found();
  }
  return path ?? new Error(INSTALL_HINT);
}

const PLAYWRIGHT_CLI = fileURLToPath(new URL('../node_modules/@playwright/test/cli.js', import.meta.url));

/** For the Playwright config: this machine. */
export function browserHere(): string {
  const found = findBrowser({
    env: process.env,
    exists: existsSync,
    playwrightPath: () => chromium.executablePath(),
    isRoot: process.getuid?.() === 0,
    run: (program, args) => spawnSync(program, args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0,
    say: (line) => console.error(line),
  });
  if (found instanceof Error) {
    console.error(found.message);
    process.exit(1);
  }
  return found;
}
