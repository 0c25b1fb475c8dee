/**
 * One HTTP answer of the sync endpoint, read once, and what a failed one means: the typed error
 * and whether another attempt can help.
 */
import {
  VpsSyncAuthError,
  VpsSyncConflictError,
  VpsSyncError,
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

/**
 * 429 and 5xx may pass on their own (rate limit, database briefly down, a proxy in between),
 * and so does a 409 that carries Retry-After: the server is still running an earlier attempt
 * with this Idempotency-Key. A misconfigured server will not, and every other 4xx (a 409
 * without Retry-After is an external_id clash) would fail the same way again.
 */
export function isRetryable(error: VpsSyncError, hasRetryAfter = false): boolean {
  const status = error.status ?? 0;
  if (error instanceof VpsSyncMisconfiguredError) return false;
  if (status === 409) return hasRetryAfter;
  return status === 429 || status >= 500;
}

/** The typed error for an answer that is not a 2xx. */
export function errorFor(answer: Answer): VpsSyncError {
  const { status, body, requestId } = answer;
  const message = isRecord(body) && typeof body.message === 'string' ? body.message : `HTTP ${status}`;
  const details = { status, requestId, body };
  switch (status) {
    case 400:
      return new VpsSyncValidationError(message, fieldErrors(body), false, details);
    case 401:
      return new VpsSyncAuthError(message, details);
    case 404:
      return new VpsSyncNotFoundError(message, details);
    case 409:
    case 422:
      return new VpsSyncConflictError(message, details);
    case 500:
      if (message === 'Server misconfigured') return new VpsSyncMisconfiguredError(message, details);
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
