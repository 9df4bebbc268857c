// The app's settings, kept in the data folder (settings.json) so that serve and the desktop
// app on one folder read the same ones. Read once at start. A missing file means the
// defaults; a file that cannot be used is reported in words and the defaults are used: a
// typo in a setting never keeps Tasklane from starting.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { files } from './paths';

const SettingsSchema = z.strictObject({
  /** Prometheus metrics at /metrics of the local host (behind the token). Serve: also --metrics. */
  metrics: z.boolean().default(false),
});
export type Settings = z.infer<typeof SettingsSchema>;

export const DEFAULT_SETTINGS: Settings = SettingsSchema.parse({});

/** The settings, and what was wrong with the file when it could not be used (null: nothing). */
export function readSettings(dataDir: string): { settings: Settings; problem: string | null } {
  const path = files(dataDir).settings;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { settings: DEFAULT_SETTINGS, problem: null };
    return { settings: DEFAULT_SETTINGS, problem: `${path} cannot be read (${(e as Error).message}); using the default settings` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { settings: DEFAULT_SETTINGS, problem: `${path} is not JSON (${(e as Error).message}); using the default settings` };
  }
  const parsed = SettingsSchema.safeParse(json);
  if (parsed.success) return { settings: parsed.data, problem: null };
  const why = parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
  return { settings: DEFAULT_SETTINGS, problem: `${path}: ${why}; using the default settings` };
}
