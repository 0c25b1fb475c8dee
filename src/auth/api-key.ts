import type { MiddlewareHandler } from 'hono';
import { MIN_SECRET_LENGTH, type AppEnv } from '../env';
import { ApiError } from '../errors';

const encoder = new TextEncoder();
const sha256 = (value: string) => crypto.subtle.digest('SHA-256', encoder.encode(value));

/** Per-isolate: the configured key's digest, recomputed only if the secret changes. */
let configured: { key: string; digest: Promise<ArrayBuffer> } | undefined;

const unauthorized = (message: string) =>
  new ApiError(401, message, [], { 'WWW-Authenticate': 'ApiKey realm="vps-sync", header="X-API-Key"' });

/**
 * Server-to-server authentication of the main site: X-API-Key must equal VPS_SYNC_API_KEY.
 * Both sides are hashed first so the comparison is constant-time whatever the lengths.
 * A missing or short configured key fails closed: every request is refused with 500.
 */
export function apiKeyAuth(): MiddlewareHandler<AppEnv> {
  return async function apiKeyAuth(c, next) {
    const expected = c.env.VPS_SYNC_API_KEY;
    if (!expected || expected.length < MIN_SECRET_LENGTH) {
      console.error(
        JSON.stringify({
          level: 'error',
          request_id: c.get('requestId'),
          error: expected
            ? `VPS_SYNC_API_KEY is shorter than ${MIN_SECRET_LENGTH} characters; refusing all sync requests`
            : 'VPS_SYNC_API_KEY is not set; refusing all sync requests',
        }),
      );
      throw new ApiError(500, 'Server misconfigured');
    }
    const presented = c.req.header('X-API-Key');
    if (!presented) throw unauthorized('Missing X-API-Key header');

    if (configured?.key !== expected) configured = { key: expected, digest: sha256(expected) };
    const [want, got] = await Promise.all([configured.digest, sha256(presented)]);
    if (!crypto.subtle.timingSafeEqual(want, got)) throw unauthorized('Invalid API key');
    await next();
  };
}
