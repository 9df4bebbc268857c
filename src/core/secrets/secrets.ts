// Secrets: values a task keeps for its runs (an API token, a password) that nobody reads back.
// A task's secrets are stored encrypted (AES-256-GCM) under a key of the data folder's own
// (<data folder>/secret.key, 0600, made on first use); only their names are ever shown —
// in the window, the CLI, exports and events. A run of the task gets them as it starts: each
// one in the environment of a shell run's process, and `{{secret.NAME}}` in any string of its
// input (an http header, say) filled in for that attempt only, never stored. Wherever a
// value shows up in what the run prints or returns (its log, result or error), it is
// replaced by ••••••.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mapStrings } from '../util/map-strings';

export const SECRET_MASK = '••••••';
const VERSION = 'v1:';

/** A key file, made when missing (an engine without a data folder keeps one in memory). */
function loadKey(dataDir: string | null): Buffer {
  if (dataDir === null) return randomBytes(32);
  const file = join(dataDir, 'secret.key');
  if (existsSync(file)) {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${file} is not a Tasklane key (32 bytes, base64)`);
    return key;
  }
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}

export function createSecretBox(dataDir: string | null) {
  let key: Buffer | null = null;
  const keyNow = () => (key ??= loadKey(dataDir));
  return {
    seal(value: string): string {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', keyNow(), iv);
      const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
      return VERSION + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
    },
    open(sealed: string): string {
      if (!sealed.startsWith(VERSION)) throw new Error('not a sealed secret');
      const raw = Buffer.from(sealed.slice(VERSION.length), 'base64');
      const decipher = createDecipheriv('aes-256-gcm', keyNow(), raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}
export type SecretBox = ReturnType<typeof createSecretBox>;

/** `{{secret.NAME}}` in every string of `value`; a name the task has not: an error naming it. */
export function fillSecrets(value: unknown, secrets: Readonly<Record<string, string>>): unknown {
  return mapStrings(value, (s) => s.replace(/\{\{\s*secret\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_, name: string) => {
    if (!Object.hasOwn(secrets, name)) throw new MissingSecret(name);
    return secrets[name];
  }));
}
export class MissingSecret extends Error {
  constructor(readonly secret: string) { super(`the input uses {{secret.${secret}}}, which its task does not have`); }
}

/** Replaces every value (of 3 characters or more: shorter ones would mask ordinary text) by the mask. */
export function maskSecrets(text: string, values: readonly string[]): string {
  let out = text;
  for (const v of values) if (v.length >= 3 && out.includes(v)) out = out.split(v).join(SECRET_MASK);
  return out;
}
