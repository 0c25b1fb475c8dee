/**
 * Refuses locally what the Worker would refuse, with the Worker's own schemas (src/vps/schema.ts),
 * so a bad input fails at once, with the same field names, instead of after a round trip.
 */
import * as z from 'zod/mini';
import { IDEMPOTENCY_KEY_PATTERN } from '../src/idempotency/states.js';
import { syncRequest } from '../src/vps/schema.js';
import { VpsSyncValidationError, type FieldError } from './errors.js';

/**
 * Throws VpsSyncValidationError (local) listing `problems`, every field the schema refuses and a
 * caller's Idempotency-Key the server would refuse.
 */
export function checkRequest(body: unknown, problems: FieldError[], idempotencyKey: string | undefined): void {
  const result = z.safeParse(syncRequest, body, { reportInput: true });
  const errors = dedupe([...problems, ...(result.success ? [] : fieldErrors(result.error.issues))]);
  if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY_PATTERN.test(idempotencyKey)) {
    errors.push({ field: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' });
  }
  if (errors.length) throw new VpsSyncValidationError('Validation failed', errors, true);
}

/**
 * One entry per field, worded as the Worker words them. A copy of src/validation.ts's fieldErrors:
 * that module imports the Worker's Hono error types, which the client must not pull in; it can be
 * imported instead once it lives in a module of its own.
 */
function fieldErrors(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  const errors: FieldError[] = [];
  for (const issue of issues) {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) errors.push({ field: fieldName([...path, key]), message: 'is not a known field' });
    } else {
      errors.push({ field: fieldName(path), message: describe(issue) });
    }
  }
  return errors;
}

const fieldName = (path: string[]) => (path.length ? path.join('.') : 'body');

const TYPE_NAMES: Record<string, string> = {
  int: 'an integer',
  number: 'a number',
  string: 'a string',
  object: 'a JSON object',
  boolean: 'true or false',
  array: 'an array',
};

function describe(issue: z.core.$ZodIssue): string {
  if (issue.message && issue.message !== 'Invalid input') return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
    case 'too_small':
      if (issue.origin === 'string') return issue.minimum === 1 ? 'must not be empty' : `must be at least ${issue.minimum} characters`;
      return `must be at least ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'string') return `must be at most ${issue.maximum} characters`;
      return `must be at most ${issue.maximum}`;
    case 'invalid_value':
      return `must be one of: ${issue.values.map(String).join(', ')}`;
    case 'invalid_union':
      if ('options' in issue && Array.isArray(issue.options)) return `must be one of: ${issue.options.join(', ')}`;
      return 'is not valid';
    default:
      return 'is not valid';
  }
}

/** The first message per field wins, as on the server. */
function dedupe(errors: FieldError[]): FieldError[] {
  const byField = new Map<string, string>();
  for (const { field, message } of errors) if (!byField.has(field)) byField.set(field, message);
  return [...byField].map(([field, message]) => ({ field, message }));
}
