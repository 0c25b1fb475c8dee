import type { ErrorCode } from '../../src/contract/index.js';

export type { ErrorCode };

/** One offending field or parameter of a refused request, as the server names it. */
export interface FieldError {
  field: string;
  message: string;
}

interface Details {
  /** HTTP status; undefined when no answer came (network error, CORS refusal, abort). */
  status?: number;
  /** The answer's error code, when it was the API's error envelope. */
  code?: ErrorCode;
  requestId?: string;
  /** Seconds the server asked to wait (Retry-After), when it did and CORS lets the page read it. */
  retryAfterSeconds?: number;
  errors?: FieldError[];
  cause?: unknown;
}

/** Every failure of the panel client is a PanelError: switch on `code`, or on the subclass. */
export class PanelError extends Error {
  override name = 'PanelError';
  readonly status: number | undefined;
  readonly code: ErrorCode | undefined;
  readonly requestId: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  /** What was wrong with each field or parameter (validation_failed). */
  readonly errors: FieldError[];

  constructor(message: string, details: Details = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.code = details.code;
    this.requestId = details.requestId;
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.errors = details.errors ?? [];
  }
}

/** `unauthorized`: the token is missing, expired or not accepted. Show "sign in again". */
export class PanelAuthError extends PanelError {
  override name = 'PanelAuthError';
}

/** `not_found`: no such VPS for this user (another user's VPS is not found either). */
export class PanelNotFoundError extends PanelError {
  override name = 'PanelNotFoundError';
}

/** `validation_failed`: a bad filter, limit or cursor (a bug in the caller). */
export class PanelValidationError extends PanelError {
  override name = 'PanelValidationError';
}

/**
 * The service cannot answer right now (`database_unavailable`, `identity_provider_unavailable`,
 * `internal`, a 429, or a gateway's 502/503/504 without a code): show "temporarily unavailable" and retry after
 * `retryAfterSeconds` when given.
 */
export class PanelUnavailableError extends PanelError {
  override name = 'PanelUnavailableError';
}

/** No answer could be read: offline, DNS, a CORS refusal (the browser hides which), or an abort. */
export class PanelNetworkError extends PanelError {
  override name = 'PanelNetworkError';
}
