import { DatabaseError } from '@planetscale/database';
import { StoreUnavailableError } from '../errors';

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
export function isUnavailable(err: unknown): boolean {
  // Drizzle wraps driver errors in DrizzleQueryError with the original as `cause`.
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (isUnavailableDriverError(e)) return true;
  }
  return false;
}

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
export function isDuplicateKey(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof DatabaseError && errnoOf(e.message) === 1062) return true;
  }
  return false;
}

/**
 * Wraps every store method so that "database unavailable" leaves as StoreUnavailableError
 * (503 + Retry-After) and anything else as it came (500, logged, never shown).
 */
export function translateDriverErrors<S extends object>(store: S): S {
  const wrapped = {} as Record<string, unknown>;
  for (const name of Object.keys(store)) {
    const method = (store as Record<string, unknown>)[name] as (...args: unknown[]) => Promise<unknown>;
    wrapped[name] = async (...args: unknown[]) => {
      try {
        return await method(...args);
      } catch (err) {
        if (isUnavailable(err)) throw new StoreUnavailableError(`PlanetScale ${name} failed`, { cause: err });
        throw err;
      }
    };
  }
  return wrapped as S;
}
