import * as z from 'zod/mini';
import { fieldErrors } from './contract';
import { validationError } from './errors';

/** Parses `value` with `schema` or throws a 400 `validation_failed` naming every offending field. */
export function parseOrThrow<S extends z.ZodMiniType>(schema: S, value: unknown, prefix: string[] = []): z.output<S> {
  const result = z.safeParse(schema, value, { reportInput: true });
  if (result.success) return result.data;
  throw validationError(fieldErrors(result.error.issues, prefix));
}

/** Each query parameter once: a repeated one is refused rather than silently taking one of its values. */
export function singleValued(queries: Record<string, string[]>): Record<string, string> {
  const repeated = Object.entries(queries).filter(([, values]) => values.length > 1);
  if (repeated.length) {
    throw validationError(repeated.map(([field]) => ({ field, message: 'must be given once (list values with commas)' })));
  }
  return Object.fromEntries(Object.entries(queries).map(([key, [value]]) => [key, value ?? '']));
}
