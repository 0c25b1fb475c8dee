import type { MiddlewareHandler } from 'hono';
import { MIN_SECRET_LENGTH, type AppEnv, type Bindings } from '../env';
import { ApiError } from '../errors';

const encoder = new TextEncoder();
const sha256 = (value: string) => crypto.subtle.digest('SHA-256', encoder.encode(value));

/** Per-isolate: the configured keys' digests, recomputed only if the secrets change. */
let configured: { keys: string; digests: Promise<ArrayBuffer[]> } | undefined;

const unauthorized = (message: string) =>
  new ApiError(401, message, [], { 'WWW-Authenticate': 'ApiKey realm="vps-sync", header="X-API-Key"' });

/** The accepted keys, or why the configuration must be refused. */
function acceptedKeys(env: Bindings): string[] | string {
  const current = env.VPS_SYNC_API_KEY;
  const previous = env.VPS_SYNC_API_KEY_PREVIOUS;
  if (!current) return 'VPS_SYNC_API_KEY is not set';
  if (current.length < MIN_SECRET_LENGTH) return `VPS_SYNC_API_KEY is shorter than ${MIN_SECRET_LENGTH} characters`;
  if (!previous) return [current];
  if (previous.length < MIN_SECRET_LENGTH) return `VPS_SYNC_API_KEY_PREVIOUS is shorter than ${MIN_SECRET_LENGTH} characters`;
  return [current, previous];
}

/**
 * Server-to-server authentication of the main site: X-API-Key must equal VPS_SYNC_API_KEY (or,
 * while a key is being rotated, VPS_SYNC_API_KEY_PREVIOUS). Both sides are hashed first and
 * every configured key is compared, so timing says nothing about the key or which one matched.
 * A missing or short configured key fails closed: every request is refused with 500.
 */
export function apiKeyAuth(): MiddlewareHandler<AppEnv> {
  return async function apiKeyAuth(c, next) {
    const keys = acceptedKeys(c.env);
    if (typeof keys === 'string') {
      console.error(JSON.stringify({ level: 'error', request_id: c.get('requestId'), error: `${keys}; refusing all sync requests` }));
      throw new ApiError(500, 'Server misconfigured');
    }
    const presented = c.req.header('X-API-Key');
    if (!presented) throw unauthorized('Missing X-API-Key header');

    const cacheKey = keys.join('\n');
    if (configured?.keys !== cacheKey) configured = { keys: cacheKey, digests: Promise.all(keys.map(sha256)) };
    const [wanted, got] = await Promise.all([configured.digests, sha256(presented)]);
    const matches = wanted.map((want) => crypto.subtle.timingSafeEqual(want, got));
    if (!matches.includes(true)) throw unauthorized('Invalid API key');
    await next();
  };
}
