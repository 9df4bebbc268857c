// Parses a command's input with its schema, or throws the typed INVALID_INPUT error.
import type { z } from 'zod';
import { fromZodError } from '../errors';

export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) throw fromZodError(parsed.error);
  return parsed.data;
}
