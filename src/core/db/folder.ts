// The data folder and the files in it are this user's only. Light on purpose: the CLI
// imports it to find the folder without loading SQLite.
import { chmodSync, mkdirSync } from 'node:fs';
import { storageError } from '../errors';

/** The database and its WAL and shared-memory files hold commands, env values and logs:
 *  readable by this user only, set on creation and repaired at every start. */
export const PRIVATE_FILE = 0o600;
export const PRIVATE_FOLDER = 0o700;

/** The data folder: created private, and made private again if someone opened it up. */
export function secureFolder(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: PRIVATE_FOLDER });
    chmodSync(dir, PRIVATE_FOLDER);
  } catch (error) {
    throw storageError(error, dir) ?? error;
  }
}
