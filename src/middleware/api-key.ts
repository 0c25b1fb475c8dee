import type { MiddlewareHandler } from 'hono';
import { required, type SyncConfig } from '../config.js';
import type { AppEnv } from '../env.js';
import { ApiError } from '../errors.js';

const encoder = new TextEncoder();
const sha256 = (value: string) => crypto.subtle.digest('SHA-256', encoder.encode(value));

/** Per isolate: the configured keys' digests, computed once per parsed configuration. */
const digests = new WeakMap<SyncConfig, Promise<ArrayBuffer[]>>();
function digestsOf(config: SyncConfig): Promise<ArrayBuffer[]> {
  let wanted = digests.get(config);
  if (!wanted) {
    wanted = Promise.all(config.apiKeys.map(sha256));
    digests.set(config, wanted);
  }
  return wanted;
}

const unauthorized = (message: string) =>
  new ApiError('unauthorized', message, { headers: { 'WWW-Authenticate': 'ApiKey realm="vps-sync", header="X-API-Key"' } });
// Made once per isolate: they never change, and making an error costs more than the rest of a
// refusal's own work (it is only read, never changed, by the error handler).
const MISSING_KEY = unauthorized('Missing X-API-Key header');
const WRONG_KEY = unauthorized('Invalid API key');

/**
 * Server-to-server authentication of the main site: X-API-Key must equal VPS_SYNC_API_KEY (or,
 * while a key is being rotated, VPS_SYNC_API_KEY_PREVIOUS). Both sides are hashed first and
 * every configured key is compared, so timing says nothing about the key or which one matched.
 * A missing or short configured key fails closed: every request is refused with `misconfigured`.
 */
export function apiKeyAuth(): MiddlewareHandler<AppEnv> {
  return async function apiKeyAuth(c, next) {
    const config = required(c.get('config').sync, { request_id: c.get('requestId'), refusing: 'all sync requests' });
    const presented = c.req.header('X-API-Key');
    if (!presented) throw MISSING_KEY;

    const [wanted, got] = await Promise.all([digestsOf(config), sha256(presented)]);
    const matches = wanted.map((want) => crypto.subtle.timingSafeEqual(want, got));
    const matched = matches.indexOf(true);
    if (matched < 0) throw WRONG_KEY;
    // The audit trail says which key each caller still uses while one is being rotated out.
    c.set('apiKey', matched === 0 ? 'current' : 'previous');
    await next();
  };
}
