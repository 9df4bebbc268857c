// Settings kept with the data (the settings table): a JSON value per key — the notification
// policy ('notify'), the inbox's sources and rules ('intake').
import type Database from 'better-sqlite3';

export function settingsStore(sqlite: Database.Database) {
  const get = sqlite.prepare<[string], string>(`SELECT value FROM settings WHERE key = ?`).pluck();
  const put = sqlite.prepare<[string, string]>(`INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`);
  return {
    /** The value saved under `key`, or `{}` when none is. */
    read: <T>(key: string): Partial<T> => JSON.parse(get.get(key) ?? '{}') as Partial<T>,
    write: (key: string, value: unknown): void => { put.run(key, JSON.stringify(value)); },
  };
}
