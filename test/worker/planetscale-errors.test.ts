import { DatabaseError, UnknownError } from '@planetscale/database';
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/errors.js';
import { classifyFailure, FAILURE_CLASSES, isDuplicateKey, isUnavailable } from '../../src/store/planetscale/errors.js';

/**
 * The PlanetScale failure table, row by row, on errors built exactly as @planetscale/database
 * builds them (test/mysql produces the same failures for real, through the local endpoint).
 */

/** A statement's error as the driver raises it: the answer's `error` member, status 400. */
function statementError(code: string, errno: number, desc = 'simulated'): DatabaseError {
  const goName = code.toLowerCase().replace(/(^|_)(\w)/g, (_, __, c: string) => c.toUpperCase());
  const message = `target: vps.-.primary: vttablet: rpc error: code = ${goName} desc = ${desc} (errno ${errno}) (sqlstate HY000) (CallerID: u): Sql: "select 1", BindVars: {REDACTED}`;
  return new DatabaseError(message, 400, { message, code });
}

/** An HTTP error whose body is not the endpoint's JSON. */
const httpError = (status: number) => new UnknownError(`Expected JSON response from database API, got HTTP ${status}`, { status, statusText: '', body: '', headers: {} });

const row = (err: unknown) => classifyFailure(err).name;

describe('the PlanetScale failure table', () => {
  it('names every row once', () => {
    const names = FAILURE_CLASSES.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('request_failed: fetch failures marked by the client (refused, reset, DNS, TLS)', () => {
    const err = new StoreUnavailableError('PlanetScale did not answer', { cause: new TypeError('fetch failed') });
    expect(row(err)).toBe('request_failed');
    expect(isUnavailable(err)).toBe(true);
  });

  it.each(['TimeoutError', 'AbortError'])('timeout: %s while the answer is read', (name) => {
    const err = new DOMException('The operation was aborted due to timeout', name);
    expect(row(err)).toBe('timeout');
    expect(isUnavailable(err)).toBe(true);
  });

  it.each([
    ['UNAVAILABLE', 2002],
    ['UNAVAILABLE', 1105], // vtgate: no healthy tablet
    ['DEADLINE_EXCEEDED', 1205],
    ['DEADLINE_EXCEEDED', 1317],
    ['RESOURCE_EXHAUSTED', 1040],
    ['RESOURCE_EXHAUSTED', 1105], // vttablet: transaction pool full
    ['ABORTED', 1213],
    ['unavailable', 1105], // Connect spells codes in lower case
  ])('transient_code: %s (errno %i)', (code, errno) => {
    const err = statementError(code, errno);
    expect(row(err)).toBe('transient_code');
    expect(isUnavailable(err)).toBe(true);
  });

  // Whatever code the endpoint put on them (UNKNOWN here), these errnos are transient.
  it.each([2002, 2003, 2006, 2013, 1053, 1040, 1203, 1205, 1213, 1969, 3024, 1290, 1836])('transient_errno: %i', (errno) => {
    const err = statementError('UNKNOWN', errno);
    expect(row(err)).toBe('transient_errno');
    expect(isUnavailable(err)).toBe(true);
  });

  it.each([500, 502, 503, 504, 520, 530, 408, 429])('transient_http_status: HTTP %i', (status) => {
    expect(row(httpError(status))).toBe('transient_http_status');
    expect(isUnavailable(httpError(status))).toBe(true);
    // The same status with the endpoint's JSON error body.
    const json = new DatabaseError('upstream', status, { code: 'internal', message: 'upstream' });
    expect(isUnavailable(json)).toBe(true);
  });

  it.each([401, 403, 404, 405])('http_refused: HTTP %i is configuration, not an outage', (status) => {
    expect(row(httpError(status))).toBe('http_refused');
    expect(isUnavailable(httpError(status))).toBe(false);
    const unauthenticated = new DatabaseError('invalid username/password', status, { code: 'unauthenticated', message: 'invalid username/password' });
    expect(row(unauthenticated)).toBe('http_refused');
  });

  it.each([
    ['ALREADY_EXISTS', 1062],
    ['INVALID_ARGUMENT', 1064],
    ['INVALID_ARGUMENT', 1406],
    ['NOT_FOUND', 1146],
    ['PERMISSION_DENIED', 1142],
    ['FAILED_PRECONDITION', 1792],
    ['UNKNOWN', 1105],
    ['CANCELED', 1317],
  ])('statement_rejected: %s (errno %i) stays a 500', (code, errno) => {
    expect(row(statementError(code, errno))).toBe('statement_rejected');
    expect(isUnavailable(statementError(code, errno))).toBe(false);
  });

  it('unknown: anything else stays a 500', () => {
    for (const err of [new Error('boom'), new TypeError('x is not a function'), new RangeError('too deep'), 'a string', null]) {
      expect(row(err)).toBe('unknown');
      expect(isUnavailable(err)).toBe(false);
    }
  });

  it('looks through errors wrapped around the driver\'s (their cause)', () => {
    const wrapped = new Error('select 1 failed', { cause: statementError('UNAVAILABLE', 2002) });
    expect(row(wrapped)).toBe('transient_code');
    const duplicate = new Error('insert failed', { cause: statementError('ALREADY_EXISTS', 1062, "Duplicate entry 'x' for key 'vps_external_id_unique'") });
    expect(row(duplicate)).toBe('statement_rejected');
    expect(isDuplicateKey(duplicate)).toBe(true);
    expect(isDuplicateKey(wrapped)).toBe(false);
  });
});
