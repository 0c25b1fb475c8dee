import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from './env';
import type { FieldError } from './field-errors';

export type { FieldError };

/** The one error body of this API. */
export interface ErrorBody {
  status: 'error';
  message: string;
  errors: FieldError[];
  request_id: string;
}

/** An error whose status and message are safe to show the client as they are. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
    readonly errors: FieldError[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * The database could not be reached, timed out or answered with a server error. Nothing was
 * (or can be known to be) half-applied: the client retries after `retryAfter` seconds.
 */
export class StoreUnavailableError extends Error {
  readonly retryAfter = 5;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

export const validationError = (errors: FieldError[]) => new ApiError(400, 'Validation failed', errors);

export function errorResponse(c: Context<AppEnv>, err: ApiError): Response {
  const body: ErrorBody = {
    status: 'error',
    message: err.message,
    errors: err.errors,
    request_id: c.get('requestId'),
  };
  return c.json(body, err.status, err.headers);
}

/**
 * The one place an error becomes a response. Our errors carry their status; Hono's
 * HTTPExceptions (body limit, malformed requests) keep theirs; an unreachable database is
 * 503 + Retry-After; anything else is logged with the request id and answered 500 without
 * internals (no SQL, driver text, stack or secrets reach the client).
 */
export function onError(err: Error, c: Context<AppEnv>): Response {
  if (err instanceof ApiError) return errorResponse(c, err);
  if (err instanceof HTTPException) {
    const headers: Record<string, string> = {};
    err.getResponse().headers.forEach((value, key) => {
      if (key !== 'content-type' && key !== 'content-length') headers[key] = value;
    });
    return errorResponse(c, new ApiError(err.status as ContentfulStatusCode, err.message || 'Request failed', [], headers));
  }
  if (err instanceof StoreUnavailableError) {
    console.error(JSON.stringify({ level: 'error', request_id: c.get('requestId'), error: err.message, cause: String(err.cause) }));
    return errorResponse(
      c,
      new ApiError(503, 'Database temporarily unavailable, retry later', [], { 'Retry-After': String(err.retryAfter) }),
    );
  }
  console.error(JSON.stringify({ level: 'error', request_id: c.get('requestId'), error: String(err), stack: err.stack }));
  return errorResponse(c, new ApiError(500, 'Internal server error'));
}
