// Where Tasklane keeps its data (the same folder the desktop app uses), and the files a
// running host leaves there for clients: the access token and the endpoint.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { secureFolder } from '../core/db/folder';

/** The port `tasklane serve` and the desktop app take (another free one if it is taken). */
export const DEFAULT_PORT = 7437;

export function defaultDataDir(): string {
  if (process.env.TASKLANE_DATA_DIR) return process.env.TASKLANE_DATA_DIR;
  const home = homedir();
  if (process.platform === 'darwin') return join(home, 'Library', 'Application Support', 'Tasklane');
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Tasklane');
  return join(process.env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Tasklane');
}

export interface Endpoint { port: number; pid: number; url: string }

export const files = (dataDir: string) => ({
  token: join(dataDir, 'token'),
  endpoint: join(dataDir, 'endpoint.json'),
  lock: join(dataDir, 'serve.lock'),
  settings: join(dataDir, 'settings.json'),
  /** serve's app log (the desktop app's is in the system's log folder). */
  log: join(dataDir, 'logs', 'tasklane.log'),
});

/** The per-install token: created at first start, readable only by this user. */
export function ensureToken(dataDir: string): string {
  secureFolder(dataDir);
  const path = files(dataDir).token;
  if (!existsSync(path)) writeFileSync(path, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return readFileSync(path, 'utf8').trim();
}

export function readEndpoint(dataDir: string): { endpoint: Endpoint; token: string } | null {
  const f = files(dataDir);
  try {
    return { endpoint: JSON.parse(readFileSync(f.endpoint, 'utf8')), token: readFileSync(f.token, 'utf8').trim() };
  } catch {
    return null;
  }
}
