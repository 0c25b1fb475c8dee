/** @vps-sync/client: the main site's client of the panel's sync API. See README.md. */
export { createVpsSyncClient, type VpsSyncClient, type VpsSyncClientOptions } from './client.js';
export {
  VpsSyncAuthError,
  VpsSyncConflictError,
  VpsSyncIdempotencyError,
  VpsSyncError,
  VpsSyncMisconfiguredError,
  VpsSyncNotFoundError,
  VpsSyncUnavailableError,
  VpsSyncValidationError,
  type ErrorCode,
  type FieldError,
} from './errors.js';
export type { RetryPolicy } from './backoff.js';
export type { VpsReads } from './reads.js';
export type { FetchInit, FetchLike, FetchResponse } from './fetch.js';
export type { RetryEvent } from './transport.js';
export type * from './types.js';
