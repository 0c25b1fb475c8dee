/**
 * What a sync call can fail with. Every error is a VpsSyncError, so one `catch` with
 * `instanceof` picks what to handle: validation (fix the input), auth or misconfiguration (fix
 * the deployment), not found / conflict (fix the main site's bookkeeping), unavailable (try later).
 */

import type { ErrorCode } from '../../src/contract/index.js';

export type { ErrorCode };

/** One offending field, named as on the wire ("vps.cpu"), as the server reports it. */
export interface FieldError {
  field: string;
  message: string;
}

interface ErrorDetails {
  /** HTTP status of the answer; undefined when there was none (network error, timeout, local check). */
  status?: number;
  /** The answer's error `code` (src/contract/error-codes.ts), when the server sent one. */
  code?: ErrorCode;
  requestId?: string;
  /** The parsed answer body (or its text when it was not JSON). */
  body?: unknown;
  cause?: unknown;
}

export class VpsSyncError extends Error {
  override name = 'VpsSyncError';
  readonly status: number | undefined;
  /** The server's stable error code, e.g. `external_id_conflict`; undefined when no error envelope came back. */
  readonly code: ErrorCode | undefined;
  /** The server's request id (X-Request-Id), to find the call in its logs. */
  readonly requestId: string | undefined;
  readonly body: unknown;

  constructor(message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.code = details.code;
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

/**
 * 401: the API key is missing or does not match the panel's VPS_SYNC_API_KEY (`unauthorized`),
 * or the request's signature does not pass (`signature_*`: no or another signingSecret, or a
 * clock more than 5 minutes off). `code` says which.
 */
export class VpsSyncAuthError extends VpsSyncError {
  override name = 'VpsSyncAuthError';
}

/** `misconfigured`: the panel's own secret or setting is missing or invalid. Not retried. */
export class VpsSyncMisconfiguredError extends VpsSyncError {
  override name = 'VpsSyncMisconfiguredError';
}

/** 404: no such VPS (never existed, or unknown external_id). */
export class VpsSyncNotFoundError extends VpsSyncError {
  override name = 'VpsSyncNotFoundError';
}

/** `external_id_conflict`: the external_id exists with a different payload; send an update instead. */
export class VpsSyncConflictError extends VpsSyncError {
  override name = 'VpsSyncConflictError';
}

/**
 * `idempotency_key_reused`: the Idempotency-Key was used before with a different body (a bug in
 * the caller: a key belongs to one operation). `idempotency_key_in_use` is retried instead.
 */
export class VpsSyncIdempotencyError extends VpsSyncError {
  override name = 'VpsSyncIdempotencyError';
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
