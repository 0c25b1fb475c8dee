import { DatabaseError } from '@planetscale/database';
import { StoreUnavailableError } from '../../errors';
import { someCause, translateErrors } from '../shared/unavailable';

/**
 * MySQL errors that mean "try again", not "this request is wrong": lock wait timeout, deadlock,
 * too many connections, server gone/lost, read-only during a failover.
 */
const TRANSIENT_ERRNOS = new Set([1040, 1205, 1213, 2006, 2013, 1290, 1836]);

const errnoOf = (message: string) => Number(/\(errno (\d+)\)/.exec(message)?.[1] ?? NaN);

/**
 * Whether a PlanetScale driver failure means the database cannot answer right now. The driver
 * has no error taxonomy of its own: network failures and timeouts are marked where fetch is
 * called (planetscale-client.ts), a non-JSON answer (a proxy's HTML 502) is an UnknownError,
 * and an SQL error a DatabaseError whose errno exists only inside the message.
 */
export const isUnavailable = (err: unknown) => someCause(err, isUnavailableDriverError);

function isUnavailableDriverError(err: Error): boolean {
  if (err instanceof StoreUnavailableError) return true;
  // Our timeout, when it fires while the answer's body is still being read.
  if (err instanceof DOMException) return err.name === 'TimeoutError' || err.name === 'AbortError';
  if (err instanceof DatabaseError) {
    if (err.name === 'UnknownError' || err.status >= 500) return true;
    return TRANSIENT_ERRNOS.has(errnoOf(err.message));
  }
  return false;
}

/** Whether the statement failed on a unique key (MySQL errno 1062), wrapped by Drizzle or not. */
export const isDuplicateKey = (err: unknown) => someCause(err, (e) => e instanceof DatabaseError && errnoOf(e.message) === 1062);

/** Wraps a PlanetScale store: an unavailable database becomes 503 + Retry-After. */
export const translateDriverErrors = <S extends object>(store: S): S => translateErrors(store, 'PlanetScale', isUnavailable);
