import * as z from 'zod/mini';
import { validationError } from './errors';
import { fieldErrors } from './field-errors';

/** Parses `value` with `schema` or throws a 400 naming every offending field. */
export function parseOrThrow<S extends z.ZodMiniType>(schema: S, value: unknown, prefix: string[] = []): z.output<S> {
  const result = z.safeParse(schema, value, { reportInput: true });
  if (result.success) return result.data;
  throw validationError(fieldErrors(result.error.issues, prefix));
}
