/**
 * One HTTP answer of the sync endpoint, read once, and what a failed one means: the typed error
 * and whether another attempt can help.
 */
import { ERROR_CODES, type ErrorCode } from '../../src/contract/index.js';
import {
  VpsSyncAuthError,
  VpsSyncConflictError,
  VpsSyncError,
  VpsSyncIdempotencyError,
  VpsSyncMisconfiguredError,
  VpsSyncNotFoundError,
  VpsSyncValidationError,
  type FieldError,
} from './errors.js';
import type { FetchResponse } from './fetch.js';

export interface Answer {
  status: number;
  /** Parsed JSON, or the raw text when the body is not JSON (a proxy's HTML error page). */
  body: unknown;
  requestId: string | undefined;
  retryAfter: string | null;
}

export async function readAnswer(response: FetchResponse): Promise<Answer> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: kept as text so the error still shows what came back.
  }
  const fromBody = isRecord(body) && typeof body.request_id === 'string' ? body.request_id : undefined;
  return {
    status: response.status,
    body,
    requestId: response.headers.get('x-request-id') ?? fromBody,
    retryAfter: response.headers.get('retry-after'),
  };
}

/** Codes that pass on their own: a retry (after Retry-After) can succeed. */
const RETRYABLE_CODES: ReadonlySet<ErrorCode> = new Set(['database_unavailable', 'idempotency_key_in_use', 'internal']);

/**
 * Decided on the answer's `code` alone: a database that is briefly down, an earlier attempt
 * with this Idempotency-Key still running, or an unexpected server error may pass; anything the
 * caller or the deployment must fix will not. A 429 is always retried (after Retry-After);
 * without a code (a proxy's own 502 page, no answer at all) so is any 5xx.
 */
export function isRetryable(error: VpsSyncError): boolean {
  const status = error.status ?? 0;
  if (status === 429) return true;
  if (error.code) return RETRYABLE_CODES.has(error.code);
  return status >= 500;
}

/** The answer's error code, when the body is the API's error envelope with a known code. */
function codeOf(body: unknown): ErrorCode | undefined {
  const code = isRecord(body) && body.status === 'error' ? body.code : undefined;
  return typeof code === 'string' && code in ERROR_CODES ? (code as ErrorCode) : undefined;
}

/** The typed error for an answer that is not a 2xx. */
export function errorFor(answer: Answer): VpsSyncError {
  const { status, body, requestId } = answer;
  const message = isRecord(body) && typeof body.message === 'string' ? body.message : `HTTP ${status}`;
  const code = codeOf(body);
  const details = { status, code, requestId, body };
  switch (code) {
    case 'validation_failed':
    case 'malformed_body':
      return new VpsSyncValidationError(message, fieldErrors(body), false, details);
    case 'unauthorized':
    case 'signature_missing':
    case 'signature_invalid':
    case 'signature_timestamp_out_of_window':
    case 'signature_replayed':
      return new VpsSyncAuthError(message, details);
    case 'not_found':
      return new VpsSyncNotFoundError(message, details);
    case 'external_id_conflict':
      return new VpsSyncConflictError(message, details);
    case 'idempotency_key_reused':
      return new VpsSyncIdempotencyError(message, details);
    case 'misconfigured':
      return new VpsSyncMisconfiguredError(message, details);
  }
  if (status >= 300 && status < 400) {
    return new VpsSyncError(`Unexpected redirect (HTTP ${status}); check baseUrl`, details);
  }
  return new VpsSyncError(message, details);
}

function fieldErrors(body: unknown): FieldError[] {
  if (!isRecord(body) || !Array.isArray(body.errors)) return [];
  return body.errors.filter(
    (e): e is FieldError => isRecord(e) && typeof e.field === 'string' && typeof e.message === 'string',
  );
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
