import type { MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { canonicalJson, IDEMPOTENCY_KEY_PATTERN, sha256Hex } from '../contract/index.js';
import type { AppEnv } from '../env.js';
import { ApiError, validationError } from '../errors.js';
import { log } from '../log.js';
import type { IdempotencyClaim } from '../store/types.js';

export interface IdempotencyOptions {
  /**
   * Waits before each further try at storing an answer (or freeing a claim) after the response,
   * when a try fails: a database blip of a few seconds then costs no 60-second lease. Default 1 s, 4 s.
   */
  retryDelaysMs?: readonly number[];
}

/**
 * A claim younger than this most likely belongs to a request that is still running or storing its
 * answer: retry in a second. An older one most likely belongs to a request that died, or whose
 * answer could not be stored: its key is free when the lease ends, so Retry-After says when.
 */
export const STILL_RUNNING_MS = 10_000;

/**
 * Optional `Idempotency-Key` on sync: the first request with a key runs and its answer is
 * stored; the same key with the same body replays that answer (status and body, with
 * `Idempotent-Replayed: true`); with another body it is 422; while the first still runs, 409.
 * 5xx answers are not stored, so a retry after an outage runs again. Runs after jsonBody(),
 * so it hashes the validated body: bounded in depth, and equal for equal content whatever the
 * key order.
 *
 * The claim is the one round trip a key adds before the answer: the answer is stored (or a 5xx's
 * claim freed) after the response, in waitUntil. Until then the claim answers 409, so no
 * retry runs the change twice; if storing fails, the lease lapses and a retry runs the change
 * again, which creates with `external_id` and writes with `version` turn into a replay.
 */
export function idempotency({ retryDelaysMs = [1000, 4000] }: IdempotencyOptions = {}): MiddlewareHandler<AppEnv> {
  if (!retryDelaysMs.every((ms) => Number.isInteger(ms) && ms >= 0)) {
    throw new Error(`idempotency(): retryDelaysMs must be whole milliseconds >= 0, got ${retryDelaysMs.join(', ')}`);
  }
  return async function idempotency(c, next) {
    const key = c.req.header('Idempotency-Key');
    if (key === undefined) return next();
    if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
      throw validationError([{ field: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' }]);
    }

    const store = c.get('idempotency');
    const now = new Date();
    const claim = await store.claim(key, await sha256Hex(canonicalJson(c.get('body'))), now);
    switch (claim.state) {
      case 'mismatch':
        throw new ApiError('idempotency_key_reused', 'Idempotency-Key was already used with a different request body', {
          errors: [{ field: 'Idempotency-Key', message: 'already used with a different request body' }],
        });
      case 'in_flight':
        throw new ApiError('idempotency_key_in_use', 'A request with this Idempotency-Key is still in progress; retry later', {
          headers: { 'Retry-After': String(retryAfterSeconds(claim, now)) },
        });
      case 'done':
        return c.body(claim.body, claim.status as ContentfulStatusCode, {
          'Content-Type': 'application/json',
          'Idempotent-Replayed': 'true',
        });
    }

    await next();
    // Hono has already turned a thrown error into c.res here. The body is in memory: reading it costs no round trip.
    const status = c.res.status;
    const body = status >= 500 ? undefined : await c.res.clone().text();
    const settle = body === undefined ? () => store.release(key, now) : () => store.complete(key, now, status, body, new Date());
    c.executionCtx.waitUntil(settleInBackground(settle, retryDelaysMs, c.get('requestId')));
  };
}

function retryAfterSeconds(claim: Extract<IdempotencyClaim, { state: 'in_flight' }>, now: Date): number {
  if (now.getTime() - claim.claimedAt.getTime() < STILL_RUNNING_MS) return 1;
  return Math.max(1, Math.ceil((claim.expiresAt.getTime() - now.getTime()) / 1000));
}

/** Runs `settle` until it succeeds, waiting `retryDelaysMs` between tries; never rejects. */
async function settleInBackground(settle: () => Promise<void>, retryDelaysMs: readonly number[], requestId: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await settle();
    } catch (err) {
      const delay = retryDelaysMs[attempt];
      if (delay === undefined) {
        // The change itself is done (or failed cleanly) and answered. The claim's lease lapses and
        // a later retry with this key runs again (a create with external_id is then a replay).
        log.error('idempotency record not saved', { request_id: requestId, attempts: attempt + 1, error: String(err) });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
