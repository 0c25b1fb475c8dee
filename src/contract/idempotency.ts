/** An Idempotency-Key is `in_flight` while its first request runs, `done` once its answer is stored. */
export const IDEMPOTENCY_STATES = ['in_flight', 'done'] as const;
export type IdempotencyState = (typeof IDEMPOTENCY_STATES)[number];

/** How long a stored answer is replayed for a repeated key (documented: 24 hours). */
export const ANSWER_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * How long a claim holds its key while the first request runs. A request that dies without
 * answering (an isolate killed mid-way) releases the key to the next retry after this.
 */
export const IN_FLIGHT_LEASE_MS = 60 * 1000;

/** Idempotency-Key values: 1..255 visible ASCII characters (a UUID is typical). */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
