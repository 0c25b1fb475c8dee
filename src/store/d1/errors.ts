import { someCause, translateErrors } from '../shared/unavailable.js';

/**
 * D1's failures that can pass by themselves, one row each, as Cloudflare lists them for
 * retrying. Anything else (a missing table, a constraint, a bug) stays a 500.
 */
export const D1_TRANSIENT_FAILURES = [
  { row: 'connection_lost', pattern: /Network connection lost/i },
  { row: 'storage_reset', pattern: /storage caused object to be reset/i },
  { row: 'code_updated', pattern: /reset because its code was updated/i },
  { row: 'overloaded', pattern: /overloaded/i },
  { row: 'queued_too_long', pattern: /queued for too long/i },
  { row: 'timeout', pattern: /exceeded timeout/i },
] as const;

const TRANSIENT = new RegExp(D1_TRANSIENT_FAILURES.map((f) => f.pattern.source).join('|'), 'i');

const isD1Unavailable = (err: unknown) => someCause(err, (e) => TRANSIENT.test(e.message));

/** Wraps a D1 store: transient D1 failures become 503 + Retry-After. */
export const translateD1Errors = <S extends object>(store: S): S => translateErrors(store, 'D1', isD1Unavailable);
