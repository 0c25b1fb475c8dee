import type { Context, MiddlewareHandler } from 'hono';
import { required, type RateLimitConfig } from '../config.js';
import type { AppEnv } from '../env.js';
import { ApiError } from '../errors.js';
import { log } from '../log.js';

/**
 * Seconds until the next full minute. The binding answers only yes or no, not when its window
 * ends; its period is 10 or 60 seconds, so every window has ended by the next full minute.
 */
export const retryAfterSeconds = (now = Date.now()) => 60 - (Math.floor(now / 1000) % 60);

/**
 * Limits the request rate with a Workers Rate Limiting binding (ratelimits in wrangler.jsonc),
 * counting per `keyOf(c)`: over the limit, 429 `rate_limited` with Retry-After. Without the
 * binding nothing is limited. Runs after authentication, so only a caller who holds the
 * credentials spends their budget. A limiter that fails lets the request through: a limit
 * protects the service, and must not take it down.
 */
export function rateLimit(route: keyof RateLimitConfig, keyOf: (c: Context<AppEnv>) => string): MiddlewareHandler<AppEnv> {
  return async function rateLimit(c, next) {
    const limiter = required(c.get('config').rateLimits, { request_id: c.get('requestId'), refusing: 'rate-limited routes' })[route];
    if (!limiter) return next();
    const key = keyOf(c);
    let success = true;
    try {
      ({ success } = await limiter.limit({ key }));
    } catch (err) {
      log.warn('rate limiter failed; request let through', { request_id: c.get('requestId'), route, error: String(err) });
    }
    if (!success) {
      throw new ApiError('rate_limited', 'Too many requests; retry after Retry-After seconds', {
        headers: { 'Retry-After': String(retryAfterSeconds()) },
      });
    }
    await next();
  };
}
