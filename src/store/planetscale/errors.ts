import { DatabaseError } from '@planetscale/database';
import { StoreUnavailableError } from '../../errors.js';
import { someCause, translateErrors } from '../shared/unavailable.js';

/**
 * Every way the PlanetScale path can fail, decided once: `transient` failures can pass by
 * themselves and are answered 503 + Retry-After (the client retries); everything else,
 * including any failure no row recognises, is a 500 that is logged.
 *
 * The driver has no error taxonomy of its own, so a failure is recognised by what it carries:
 * - the request itself failed (refused, reset, DNS, TLS, timed out): planetscale-client.ts marks
 *   it where fetch is called, as StoreUnavailableError; a timeout that fires while the answer's
 *   body is read arrives as the DOMException of the abort signal;
 * - the endpoint answered a statement's error: a DatabaseError whose `body.code` is the Vitess
 *   classification (vtrpc code: UNAVAILABLE, DEADLINE_EXCEEDED, …) and whose message carries the
 *   MySQL `(errno N)`;
 * - the endpoint (or a proxy in front of it) answered an HTTP error: an UnknownError when the body
 *   is not the endpoint's JSON (an HTML 502), else a DatabaseError, both with the HTTP `status`.
 * Rows are tried in order on the error and each of its causes (a wrapper keeps the driver's error as its cause).
 */
export interface FailureClass {
  /** Stable name, for tests and logs. */
  name: string;
  transient: boolean;
  /** What it is, in a sentence. */
  what: string;
  matches(err: Error): boolean;
}

/** Vitess codes (`body.code`) of failures a retry can get past: the backend, not the statement, failed. */
const TRANSIENT_CODES = new Set(['UNAVAILABLE', 'DEADLINE_EXCEEDED', 'RESOURCE_EXHAUSTED', 'ABORTED']);

/** MySQL errnos of failures a retry can get past, whatever code a proxy gave them. */
const TRANSIENT_ERRNOS: ReadonlyMap<number, string> = new Map([
  [2002, "can't connect (socket)"],
  [2003, "can't connect (TCP)"],
  [2006, 'server has gone away'],
  [2013, 'lost connection during query'],
  [1053, 'server shutdown in progress'],
  [1040, 'too many connections'],
  [1203, 'user has too many connections'],
  [1205, 'lock wait timeout'],
  [1213, 'deadlock'],
  [1969, 'statement time exceeded (MariaDB max_statement_time)'],
  [3024, 'statement time exceeded (MySQL max_execution_time)'],
  [1290, 'read-only server (--read-only, during a failover)'],
  [1836, 'read-only mode'],
]);

/** HTTP answers of the endpoint or a proxy in front of it that mean "not now". */
const isTransientStatus = (status: number) => status >= 500 || status === 408 || status === 429;

const errnoOf = (err: DatabaseError) => Number(/\(errno (\d+)\)/.exec(err.message)?.[1] ?? NaN);
const codeOf = (err: DatabaseError) => {
  const code: unknown = (err.body as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code.toUpperCase() : '';
};
/** A statement's error comes in a 200 answer; the driver gives it status 400. Anything else was an HTTP error. */
const isHttpError = (err: DatabaseError) => err.name === 'UnknownError' || err.status !== 400;

export const FAILURE_CLASSES: readonly FailureClass[] = [
  {
    name: 'request_failed',
    transient: true,
    what: 'the request to the endpoint failed: connection refused or reset, DNS or TLS failure, no answer in time',
    matches: (e) => e instanceof StoreUnavailableError,
  },
  {
    name: 'timeout',
    transient: true,
    what: 'the per-request timeout fired while the answer was read',
    matches: (e) => e instanceof DOMException && (e.name === 'TimeoutError' || e.name === 'AbortError'),
  },
  {
    name: 'transient_code',
    transient: true,
    what: `the endpoint classified the failure as ${[...TRANSIENT_CODES].join(', ')} (MySQL unreachable, a timeout, a full pool, a deadlock)`,
    matches: (e) => e instanceof DatabaseError && !isHttpError(e) && TRANSIENT_CODES.has(codeOf(e)),
  },
  {
    name: 'transient_errno',
    transient: true,
    what: `MySQL errno ${[...TRANSIENT_ERRNOS].map(([errno, why]) => `${errno} (${why})`).join(', ')}`,
    matches: (e) => e instanceof DatabaseError && TRANSIENT_ERRNOS.has(errnoOf(e)),
  },
  {
    name: 'transient_http_status',
    transient: true,
    what: 'an HTTP 5xx, 408 or 429 from the endpoint or a proxy in front of it (HTML 502, Cloudflare 52x)',
    matches: (e) => e instanceof DatabaseError && isHttpError(e) && isTransientStatus(e.status),
  },
  {
    name: 'http_refused',
    transient: false,
    what: 'any other HTTP error: wrong credentials (401), wrong host or path (404): configuration, not an outage',
    matches: (e) => e instanceof DatabaseError && isHttpError(e),
  },
  {
    name: 'statement_rejected',
    transient: false,
    what: 'MySQL refused the statement: duplicate key, bad value, missing table, no permission',
    matches: (e) => e instanceof DatabaseError,
  },
];

/** What no row recognises: a bug until shown otherwise. */
export const UNKNOWN_FAILURE: FailureClass = { name: 'unknown', transient: false, what: 'anything else', matches: () => true };

/** The row of FAILURE_CLASSES that decides `err`, looking through its causes. */
export function classifyFailure(err: unknown): FailureClass {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const row = FAILURE_CLASSES.find((candidate) => candidate.matches(e as Error));
    if (row) return row;
  }
  return UNKNOWN_FAILURE;
}

/** Whether a PlanetScale driver failure can pass by itself (503 + Retry-After) rather than being a 500. */
export const isUnavailable = (err: unknown) => classifyFailure(err).transient;

/** Whether the statement failed on a unique key (MySQL errno 1062), wrapped or not. */
export const isDuplicateKey = (err: unknown) => someCause(err, (e) => e instanceof DatabaseError && errnoOf(e) === 1062);

/** Wraps a PlanetScale store: a transient failure becomes 503 + Retry-After. */
export const translateDriverErrors = <S extends object>(store: S): S => translateErrors(store, 'PlanetScale', isUnavailable);
