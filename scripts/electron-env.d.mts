export const root: string;
export function electronBinary(): { path: string; reason?: undefined } | { path: null; reason: string };
export function ensureElectronBinary(): string;
export function ensureElectronSqlite(): string;
