/**
 * What a sync call can fail with. Every error is a VpsSyncError, so one `catch` with
 * `instanceof` picks what to handle: validation (fix the input), auth or misconfiguration (fix
 * the deployment), not found / conflict (fix the main site's bookkeeping), unavailable (try later).
 */

/** One offending field, named as on the wire ("vps.cpu"), as the server reports it. */
export interface FieldError {
  field: string;
  message: string;
}

interface ErrorDetails {
  /** HTTP status of the answer; undefined when there was none (network error, timeout, local check). */
  status?: number;
  requestId?: string;
  /** The parsed answer body (or its text when it was not JSON). */
  body?: unknown;
  cause?: unknown;
}

export class VpsSyncError extends Error {
  override name = 'VpsSyncError';
  readonly status: number | undefined;
  /** The server's request id (X-Request-Id), to find the call in its logs. */
  readonly requestId: string | undefined;
  readonly body: unknown;

  constructor(message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.requestId = details.requestId;
    this.body = details.body;
  }
}

/** 400, or refused locally before sending (`local` true): `errors` names every offending field. */
export class VpsSyncValidationError extends VpsSyncError {
  override name = 'VpsSyncValidationError';
  constructor(
    message: string,
    readonly errors: FieldError[],
    readonly local: boolean,
    details: ErrorDetails = {},
  ) {
    super(message, details);
  }
}

/** 401: the API key is missing or does not match the panel's VPS_SYNC_API_KEY. */
export class VpsSyncAuthError extends VpsSyncError {
  override name = 'VpsSyncAuthError';
}

/** 500 "Server misconfigured": the panel's own secret is missing or too short. Not retried. */
export class VpsSyncMisconfiguredError extends VpsSyncError {
  override name = 'VpsSyncMisconfiguredError';
}

/** 404: no such VPS (never existed, or unknown external_id). */
export class VpsSyncNotFoundError extends VpsSyncError {
  override name = 'VpsSyncNotFoundError';
}

/**
 * 409: the external_id exists with a different payload; 422: the Idempotency-Key was used before
 * with a different body. (A 409 with Retry-After, the key still in flight, is retried instead.)
 */
export class VpsSyncConflictError extends VpsSyncError {
  override name = 'VpsSyncConflictError';
}

/**
 * Every attempt failed with something worth retrying (network error, timeout, 429, 5xx, or a 409
 * with Retry-After: the same Idempotency-Key still in flight). `cause` is the last failure;
 * `status` the last HTTP status, if any answer came.
 */
export class VpsSyncUnavailableError extends VpsSyncError {
  override name = 'VpsSyncUnavailableError';
  constructor(
    message: string,
    readonly attempts: number,
    details: ErrorDetails,
  ) {
    super(message, details);
  }
}
