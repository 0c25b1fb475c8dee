import * as z from 'zod/mini';
import { fieldErrors } from './contract';
import { validationError } from './errors';

/** Parses `value` with `schema` or throws a 400 `validation_failed` naming every offending field. */
export function parseOrThrow<S extends z.ZodMiniType>(schema: S, value: unknown, prefix: string[] = []): z.output<S> {
  const result = z.safeParse(schema, value, { reportInput: true });
  if (result.success) return result.data;
  throw validationError(fieldErrors(result.error.issues, prefix));
}
