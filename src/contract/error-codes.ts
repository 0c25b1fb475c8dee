/**
 * The stable, machine-readable `code` of every error answer. Clients switch on it, never on
 * `message` (wording may improve) or on which headers are present. Each code has one status.
 */
export const ERROR_CODES = {
  validation_failed: { status: 400, description: 'A field, header or query parameter is missing or invalid; `errors` names each one.' },
  malformed_body: { status: 400, description: 'The body is empty, not valid JSON, not valid UTF-8, or not a JSON object.' },
  unauthorized: { status: 401, description: 'Missing or wrong credentials: X-API-Key on sync, a valid Bearer token on the listing.' },
  signature_missing: {
    status: 401,
    description:
      'Sync only: the request carries some of webhook-id, webhook-timestamp and webhook-signature but not all three, or none while signatures are required (VPS_SYNC_REQUIRE_SIGNATURE); `errors` names each missing header.',
  },
  signature_invalid: {
    status: 401,
    description: 'Sync only: a webhook-* header is malformed, or no v1 signature matches the body with the configured signing secret(s).',
  },
  signature_timestamp_out_of_window: {
    status: 401,
    description: 'Sync only: webhook-timestamp is more than 5 minutes away from the server clock; sign again with the current time.',
  },
  signature_replayed: { status: 401, description: 'Sync only: this webhook-id was already used within the last 5 minutes; sign each attempt with a new id.' },
  not_found: { status: 404, description: 'No such route, or no such VPS (another user\'s VPS is "not found" too).' },
  method_not_allowed: { status: 405, description: 'The path exists but not with this method; `Allow` lists the one that does.' },
  external_id_conflict: { status: 409, description: 'A create named an external_id that already belongs to a VPS with different data.' },
  idempotency_key_in_use: { status: 409, description: 'A request with this Idempotency-Key is still running; retry after Retry-After seconds.' },
  reconcile_not_found: {
    status: 404,
    description: 'A reconcile page after the first names a reconcile_id with no run: page 1 was never applied, or the run expired and was dropped. Nothing was changed; start again with a new reconcile_id.',
  },
  reconcile_page_out_of_order: {
    status: 409,
    description: 'A reconcile page is neither the next page of its run nor a repeat of the last one applied; the message says which page comes next. Nothing was changed.',
  },
  reconcile_closed: {
    status: 409,
    description: "The reconcile run's final page was already applied (its deletes are done); a page sent after it changes nothing. Use a new reconcile_id for a new reconcile.",
  },
  reconcile_expired: {
    status: 410,
    description: 'No page of this reconcile run arrived for an hour: it was abandoned, deleting nothing, and this page changed nothing. Start again with a new reconcile_id.',
  },
  payload_too_large: { status: 413, description: 'The body exceeds the documented limit (64 KiB on sync).' },
  unsupported_media_type: { status: 415, description: 'The body is not sent as application/json.' },
  idempotency_key_reused: { status: 422, description: 'The Idempotency-Key was already used with a different body; use a new key.' },
  reconcile_mismatch: {
    status: 422,
    description: "A reconcile page's user_id or list version differs from the first page of its run (every page carries the same ones). Nothing was changed.",
  },
  rate_limited: {
    status: 429,
    description: 'Too many requests: per API key on sync, per user on the panel\'s reads. Retry after Retry-After seconds.',
  },
  misconfigured: { status: 500, description: 'A secret or setting of the service is missing or invalid: it fails closed until its operator fixes it.' },
  internal: { status: 500, description: 'An unexpected error; logged with the request id, no internals in the answer.' },
  not_ready: { status: 503, description: 'GET /health/ready only: a setting is invalid or the database does not answer; `errors` names each failing part.' },
  database_unavailable: { status: 503, description: 'The database cannot answer right now; nothing was half-applied. Retry after Retry-After seconds.' },
  identity_provider_unavailable: {
    status: 503,
    description:
      "The identity provider's signing keys (JWT_JWKS_URL) cannot be fetched right now, or the token's kid is not among keys fetched less than 30 s ago; the token was not judged. Retry after Retry-After seconds.",
  },
} as const satisfies Record<string, { status: number; description: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
export const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]];

/** The HTTP status that goes with a code. */
export const statusOf = (code: ErrorCode) => ERROR_CODES[code].status;
