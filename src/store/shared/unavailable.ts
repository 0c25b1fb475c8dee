import { StoreUnavailableError } from '../../errors.js';

/**
 * Wraps every method of a store so that a failure `isUnavailable` recognises leaves as
 * StoreUnavailableError (503 + Retry-After) and anything else as it came (500, logged, never
 * shown). `database` names the database in the log line.
 */
export function translateErrors<S extends object>(store: S, database: string, isUnavailable: (err: unknown) => boolean): S {
  const wrapped = {} as Record<string, unknown>;
  for (const [name, method] of Object.entries(store) as [string, (...args: unknown[]) => Promise<unknown>][]) {
    wrapped[name] = async (...args: unknown[]) => {
      try {
        return await method(...args);
      } catch (err) {
        if (err instanceof StoreUnavailableError) throw err;
        if (isUnavailable(err)) throw new StoreUnavailableError(`${database} ${name} failed`, { cause: err });
        throw err;
      }
    };
  }
  return wrapped as S;
}

/** Walks an error and its causes (a driver's error may carry the underlying one as its cause). */
export function someCause(err: unknown, test: (e: Error) => boolean): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (test(e)) return true;
  }
  return false;
}
