/**
 * Refuses locally what the Worker would refuse, with the Worker's own schemas (src/contract/),
 * so a bad input fails at once, with the same field names, instead of after a round trip.
 */
import { IDEMPOTENCY_KEY_PATTERN, parseFields, syncRequest } from '../../src/contract/index.js';
import { VpsSyncValidationError, type FieldError } from './errors.js';

/**
 * Throws VpsSyncValidationError (local) listing `problems`, every field the schema refuses and a
 * caller's Idempotency-Key the server would refuse.
 */
export function checkRequest(body: unknown, problems: FieldError[], idempotencyKey: string | undefined): void {
  const result = parseFields(syncRequest, body);
  const errors = dedupe([...problems, ...(result.success ? [] : result.errors)]);
  if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY_PATTERN.test(idempotencyKey)) {
    errors.push({ field: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' });
  }
  if (errors.length) throw new VpsSyncValidationError('Validation failed', errors, true);
}

/** The first message per field wins, as on the server. */
function dedupe(errors: FieldError[]): FieldError[] {
  const byField = new Map<string, string>();
  for (const { field, message } of errors) if (!byField.has(field)) byField.set(field, message);
  return [...byField].map(([field, message]) => ({ field, message }));
}
