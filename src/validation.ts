import type * as z from 'zod/mini';
import { parseFields, type FieldError } from './contract/index.js';
import { validationError } from './errors.js';

/** Parses `value` with `schema` or throws a 400 `validation_failed` naming every offending field. */
export function parseOrThrow<S extends z.ZodMiniType>(schema: S, value: unknown, prefix: string[] = []): z.output<S> {
  return parseParts(part(schema, value, prefix))[0];
}

/** One part of a request (a path parameter, the query string) parsed, or what is wrong with it. */
export type Part<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** `value` (e.g. a path parameter) parsed with `schema`; its problems named under `prefix`. */
export function part<S extends z.ZodMiniType>(schema: S, value: unknown, prefix: string[] = []): Part<z.output<S>> {
  const result = parseFields(schema, value, prefix);
  return result.success ? { ok: true, value: result.data } : { ok: false, errors: result.errors };
}

/**
 * The query string parsed with `schema`, each parameter once: a repeated one is refused rather
 * than silently taking one of its values, alongside whatever else is wrong.
 */
export function queryPart<S extends z.ZodMiniType>(schema: S, queries: Record<string, string[]>): Part<z.output<S>> {
  const repeated: FieldError[] = Object.entries(queries)
    .filter(([, values]) => values.length > 1)
    .map(([field]) => ({ field, message: 'must be given once (list values with commas)' }));
  const parsed = part(schema, Object.fromEntries(Object.entries(queries).map(([key, [value]]) => [key, value ?? ''])));
  const errors = [...repeated, ...(parsed.ok ? [] : parsed.errors)];
  return errors.length ? { ok: false, errors } : parsed;
}

type Values<P extends Part<unknown>[]> = { [K in keyof P]: P[K] extends Part<infer T> ? T : never };

/** The parts' values, or one 400 `validation_failed` naming every problem of every part. */
export function parseParts<P extends Part<unknown>[]>(...parts: P): Values<P> {
  const errors = parts.flatMap((p) => (p.ok ? [] : p.errors));
  if (errors.length) throw validationError(errors);
  return parts.map((p) => (p as { value: unknown }).value) as Values<P>;
}
