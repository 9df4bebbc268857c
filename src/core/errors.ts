// Typed errors that cross every boundary (IPC, HTTP, CLI) as plain values:
// { code, message, field? }. Codes live in one list; messages say what to do.
import type { z } from 'zod';

export const ERROR_CODES = [
  'INVALID_INPUT',
  'UNKNOWN_COMMAND',
  'UNKNOWN_KIND',
  'NOT_FOUND',
  'LANE_NOT_FOUND',
  'LANE_EXISTS',
  'LANE_NOT_EMPTY',
  'LANE_PROTECTED',
  'TASK_EXISTS',
  'INVALID_TRANSITION',
  'INVALID_SCHEDULE',
  'INVALID_QUERY',
  'ENGINE_STOPPED',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'STORAGE_FULL',
  'STORAGE_READONLY',
  'STORAGE_CORRUPT',
  'STORAGE_IO',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorShape {
  code: ErrorCode;
  message: string;
  field?: string;
}

export class TasklaneError extends Error {
  readonly code: ErrorCode;
  readonly field?: string;

  constructor(code: ErrorCode, message: string, field?: string) {
    super(message);
    this.name = 'TasklaneError';
    this.code = code;
    if (field !== undefined) this.field = field;
  }

  toJSON(): ErrorShape {
    return this.field === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, field: this.field };
  }
}

/** The first zod issue, as a typed error naming the field ("lane: must be ..."). */
export function fromZodError(error: z.ZodError, prefix?: string): TasklaneError {
  const issue = error.issues[0];
  // An empty key still names a field: "" (a field '' would read as no field at all).
  const name = (key: PropertyKey) => (String(key) === '' ? '""' : String(key));
  const path = [...(prefix ? [prefix] : []), ...(issue?.path ?? []).map(name)];
  let message = issue ? issue.message : 'invalid input';
  if (issue?.code === 'unrecognized_keys') {
    // Name the misspelt option itself, not the object holding it.
    path.push(name(issue.keys[0]));
    message = `unknown option (check the spelling)`;
  }
  const field = path.length ? path.join('.') : undefined;
  return new TasklaneError('INVALID_INPUT', field ? `${field}: ${message}` : message, field);
}

/**
 * A fault of the disk or the database file (SQLite's or the OS's error code), as a typed
 * error naming the file and what to do; null when the error is something else.
 */
export function storageError(error: unknown, file: string): TasklaneError | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  const detail = error instanceof Error ? error.message : code;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') {
    return new TasklaneError('STORAGE_FULL', `the disk holding ${file} is full; free some space (or remove old runs `
      + 'with `tasklane prune`) and try again. Nothing was changed');
  }
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
    return new TasklaneError('STORAGE_READONLY', `${file} cannot be written (${detail}): the disk or folder is read-only `
      + 'or not yours; make it writable, or start Tasklane with --data-dir on another folder');
  }
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return new TasklaneError('STORAGE_CORRUPT', `${file} is damaged (${detail}). Nothing was deleted: \`tasklane db reset\` `
      + 'keeps it as a dated copy and starts fresh, or `tasklane db restore <backup>` puts a backup in its place '
      + '(daily backups are in the backups folder beside it)');
  }
  if (code.startsWith('SQLITE_IOERR') || code === 'EIO') {
    return new TasklaneError('STORAGE_IO', `the disk reported an error on ${file} (${detail}); check the disk, then try again`);
  }
  return null;
}

/** Turns anything thrown into the error shape, without leaking a stack to the UI. */
export function toErrorShape(error: unknown, file?: string): ErrorShape {
  if (error instanceof TasklaneError) return error.toJSON();
  const storage = file === undefined ? null : storageError(error, file);
  if (storage) return storage.toJSON();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message };
}
