import type { MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { canonicalJson, IDEMPOTENCY_KEY_PATTERN, sha256Hex } from '../contract';
import type { AppEnv } from '../env';
import { ApiError, validationError } from '../errors';
import { log } from '../log';

/**
 * Optional `Idempotency-Key` on sync: the first request with a key runs and its answer is
 * stored; the same key with the same body replays that answer (status and body, with
 * `Idempotent-Replayed: true`); with another body it is 422; while the first still runs, 409.
 * 5xx answers are not stored, so a retry after an outage runs again. Runs after jsonBody(),
 * so it hashes the validated body: bounded in depth, and equal for equal content whatever the
 * key order.
 */
export function idempotency(): MiddlewareHandler<AppEnv> {
  return async function idempotency(c, next) {
    const key = c.req.header('Idempotency-Key');
    if (key === undefined) return next();
    if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
      throw validationError([{ field: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' }]);
    }

    const store = c.get('idempotency');
    const claim = await store.claim(key, await sha256Hex(canonicalJson(c.get('body'))), new Date());
    switch (claim.state) {
      case 'mismatch':
        throw new ApiError('idempotency_key_reused', 'Idempotency-Key was already used with a different request body', {
          errors: [{ field: 'Idempotency-Key', message: 'already used with a different request body' }],
        });
      case 'in_flight':
        throw new ApiError('idempotency_key_in_use', 'A request with this Idempotency-Key is still in progress; retry later', {
          headers: { 'Retry-After': '1' },
        });
      case 'done':
        return c.body(claim.body, claim.status as ContentfulStatusCode, {
          'Content-Type': 'application/json',
          'Idempotent-Replayed': 'true',
        });
    }

    await next();
    // Hono has already turned a thrown error into c.res here.
    try {
      if (c.res.status >= 500) await store.release(key);
      else await store.complete(key, c.res.status, await c.res.clone().text(), new Date());
    } catch (err) {
      // The change itself is done (or failed cleanly): answer it. The claim's lease lapses and a
      // later retry with this key runs again (a create with external_id is then a replay).
      log.error('idempotency record not saved', { request_id: c.get('requestId'), error: String(err) });
    }
  };
}
