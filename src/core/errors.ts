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
  'ENGINE_STOPPED',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'PAYLOAD_TOO_LARGE',
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
  const path = [...(prefix ? [prefix] : []), ...(issue?.path ?? []).map(String)];
  let message = issue ? issue.message : 'invalid input';
  if (issue?.code === 'unrecognized_keys') {
    // Name the misspelt option itself, not the object holding it.
    path.push(String(issue.keys[0]));
    message = `unknown option (check the spelling)`;
  }
  const field = path.length ? path.join('.') : undefined;
  return new TasklaneError('INVALID_INPUT', field ? `${field}: ${message}` : message, field);
}

/** Turns anything thrown into the error shape, without leaking a stack to the UI. */
export function toErrorShape(error: unknown): ErrorShape {
  if (error instanceof TasklaneError) return error.toJSON();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message };
}
