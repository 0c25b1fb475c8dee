import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { statusOf, type ErrorAnswer, type ErrorCode, type FieldError } from './contract/index.js';
import type { AppEnv } from './env.js';
import { errorChain, log } from './log.js';

export type { FieldError };

/** V8's (workerd's) Error, whose stackTraceLimit the Workers types do not declare. */
const V8Error = Error as ErrorConstructor & { stackTraceLimit: number };

/** An error whose code, message and field errors are safe to show the client as they are. */
export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  readonly errors: FieldError[];
  readonly headers: Record<string, string>;

  constructor(
    readonly code: ErrorCode,
    message: string,
    { errors = [], headers = {} }: { errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    // An ApiError is an answer, not a fault: nothing reads its stack, and capturing one cost
    // more than the rest of a 401's own work.
    const stackTraceLimit = V8Error.stackTraceLimit;
    V8Error.stackTraceLimit = 0;
    super(message);
    V8Error.stackTraceLimit = stackTraceLimit;
    this.name = 'ApiError';
    this.status = statusOf(code) as ContentfulStatusCode;
    this.errors = errors;
    this.headers = headers;
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

export const validationError = (errors: FieldError[]) => new ApiError('validation_failed', 'Validation failed', { errors });

/** A route group's handler for every other method: 405 `method_not_allowed`, naming the one it takes. */
export const methodNotAllowed = (allow: 'GET' | 'POST') => (): never => {
  throw new ApiError('method_not_allowed', `Method not allowed; use ${allow}`, { headers: { Allow: allow } });
};

/** The answer of a setting that is missing or invalid; the reason is logged, never answered. */
export const misconfigured = () => new ApiError('misconfigured', 'Server misconfigured');

export function errorResponse(c: Context<AppEnv>, err: ApiError): Response {
  c.set('errorCode', err.code);
  const body: ErrorAnswer = {
    status: 'error',
    code: err.code,
    message: err.message,
    errors: err.errors,
    request_id: c.get('requestId'),
  };
  return c.json(body, err.status, err.headers);
}

/** Hono's own HTTPExceptions (body limit, malformed requests) by status. */
const HTTP_EXCEPTION_CODES: Partial<Record<number, ErrorCode>> = {
  400: 'malformed_body',
  401: 'unauthorized',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

/**
 * The one place an error becomes a response. Our errors carry their code; Hono's
 * HTTPExceptions keep their status and headers; an unreachable database is 503 + Retry-After;
 * anything else is logged with the request id and its cause chain and answered 500 without
 * internals (no SQL, driver text, stack or secrets reach the client).
 */
export function onError(err: Error, c: Context<AppEnv>): Response {
  if (err instanceof ApiError) return errorResponse(c, err);
  const request_id = c.get('requestId');
  if (err instanceof HTTPException && HTTP_EXCEPTION_CODES[err.status]) {
    const headers: Record<string, string> = {};
    err.getResponse().headers.forEach((value, key) => {
      if (key !== 'content-type' && key !== 'content-length') headers[key] = value;
    });
    return errorResponse(c, new ApiError(HTTP_EXCEPTION_CODES[err.status]!, err.message || 'Request failed', { headers }));
  }
  if (err instanceof StoreUnavailableError) {
    log.error('database unavailable', { request_id, error: err.message, cause: errorChain(err.cause) });
    return errorResponse(
      c,
      new ApiError('database_unavailable', 'Database temporarily unavailable, retry later', {
        headers: { 'Retry-After': String(err.retryAfter) },
      }),
    );
  }
  log.error('unhandled error', { request_id, error: errorChain(err), stack: err.stack });
  return errorResponse(c, new ApiError('internal', 'Internal server error'));
}
