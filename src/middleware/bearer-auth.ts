import type { Context, MiddlewareHandler, Next } from 'hono';
import { decodeProtectedHeader, errors as joseErrors, type JWTPayload } from 'jose';
import { isHmacAlgorithm, required, type BearerConfig, type JwtAlgorithm } from '../config.js';
import { BOUNDS } from '../contract/index.js';
import type { AppEnv } from '../env.js';
import { ApiError } from '../errors.js';
import { errorChain, log } from '../log.js';
import { KeySetUnavailableError, KidNotYetKnownError, refusedBefore, rememberRefusal, verifiedBefore, verifyToken } from './bearer-keys.js';

/** Each refusal made once per isolate (they are a fixed few) and only read afterwards, as the API key's are. */
const challenges = new Map<string, ApiError>();

/**
 * RFC 6750 challenge; `error` is omitted when no usable bearer credentials were sent at all.
 * Every description is one of the fixed texts below: none holds a `"` or `\` (RFC 6750 §3).
 */
function challenge(message: string, error?: 'invalid_token'): ApiError {
  const key = `${error ?? ''} ${message}`;
  let made = challenges.get(key);
  if (!made) {
    const params = ['realm="vps-sync"'];
    if (error) params.push(`error="${error}"`, `error_description="${message}"`);
    made = new ApiError('unauthorized', message, { headers: { 'WWW-Authenticate': `Bearer ${params.join(', ')}` } });
    challenges.set(key, made);
  }
  return made;
}

const CLAIM_FAILURES: Record<string, string> = {
  iss: 'Token issuer is not accepted',
  aud: 'Token audience is not accepted',
  nbf: 'Token is not valid yet',
  iat: 'Token issue time is not acceptable',
  exp: 'Token has no valid expiry',
};

/**
 * What a failed verification tells the client, and whether that stays true of the token: then
 * the refusal is remembered (bearer-keys.ts) and the same token is refused again unverified.
 */
function refusalOf(err: unknown): { message: string; lasting: boolean } {
  // A refetched key set may know the key id.
  if (err instanceof joseErrors.JWKSNoMatchingKey) return { message: 'Token key id is not known', lasting: false };
  if (err instanceof joseErrors.JWTExpired) return { message: 'Token expired', lasting: true };
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    // nbf and iat are about time: a token not valid yet becomes valid. iss, aud and exp are fixed.
    return { message: CLAIM_FAILURES[err.claim] ?? 'Token claims are not acceptable', lasting: err.claim !== 'nbf' && err.claim !== 'iat' };
  }
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return { message: 'Token signature is invalid', lasting: true };
  if (err instanceof joseErrors.JWTInvalid || err instanceof joseErrors.JWSInvalid) return { message: 'Token is malformed', lasting: true };
  return { message: 'Token is malformed', lasting: false };
}

/**
 * Three base64url segments (the signature may be empty: alg none), each of a length base64 can have. Checked before jose sees the
 * token: jose rejects a bad segment from inside its async path, which workerd then also reports
 * as an unhandled rejection although the verify call catches it.
 */
const isCompactJws = (token: string) =>
  /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token) && token.split('.').every((part) => part.length % 4 !== 1);

const asUserId = (value: unknown): number | null => {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : NaN;
  return Number.isInteger(n) && n >= BOUNDS.user_id.min && n <= BOUNDS.user_id.max ? n : null;
};

/** The owner a token speaks for: the first of `claims` it carries (by default `user_id`, else a numeric `sub`). */
function userIdFrom(payload: JWTPayload, claims: readonly string[]): number | null {
  const claim = claims.find((name) => Object.hasOwn(payload, name));
  return claim === undefined ? null : asUserId(payload[claim]);
}

/**
 * Bearer authentication of the panel's users. Verifies the JWT (algorithm allowlist; HMAC with
 * the secret, or a public key of the JWKS named by a required `kid`; exp required; iss/aud when
 * configured) and sets `userId`. Every token failure is a 401 with a WWW-Authenticate challenge,
 * never a 500; a JWKS that cannot be fetched is a 503 with Retry-After.
 */
export function bearerAuth(): MiddlewareHandler<AppEnv> {
  // Not async: a refusal decided without I/O (most are, remembered ones included) is thrown
  // before any promise exists and reaches Hono's catch as an exception, not as a promise
  // rejected before anyone awaits it (which V8 first reports to workerd as unhandled).
  return function bearerAuth(c, next) {
    const config = required(c.get('config').bearer, { request_id: c.get('requestId'), refusing: 'all bearer requests' });
    const header = c.req.header('Authorization');
    if (!header) throw challenge('Missing bearer token');
    const token = /^Bearer +(\S+) *$/i.exec(header)?.[1];
    if (!token) throw challenge('Authorization must use the Bearer scheme');

    // A token verified before under this configuration passed every check below already.
    const known = verifiedBefore(config, token);
    if (known) return authenticated(c, next, userIdFrom(known, config.userIdClaims));
    // And one refused before for a reason that still holds is refused again, as it was.
    const refused = refusedBefore(config, token);
    if (refused) throw challenge(refused, 'invalid_token');

    // The header is read first to pick the key for its algorithm; doing it here also keeps
    // jose's synchronous header errors out of its async path (workerd reports those as
    // unhandled rejections even though they are caught).
    if (!isCompactJws(token)) throw challenge('Token is malformed', 'invalid_token');
    let alg: unknown;
    let kid: unknown;
    try {
      ({ alg, kid } = decodeProtectedHeader(token));
    } catch {
      throw challenge('Token is malformed', 'invalid_token');
    }
    const allowed = config.algorithms.find((a) => a === alg);
    if (!allowed) throw challenge('Token algorithm not allowed', 'invalid_token');
    // A key set holds several keys: the token must say which one signed it.
    if (!isHmacAlgorithm(allowed) && (typeof kid !== 'string' || kid === '')) throw challenge('Token has no key id', 'invalid_token');
    return verified(c, next, config, token, allowed);
  };
}

/** The signature and claims checked (bearer-keys.ts), then authenticated; a failure is a challenge, a key set that cannot be had a 503. */
async function verified(c: Context<AppEnv>, next: Next, config: BearerConfig, token: string, alg: JwtAlgorithm): Promise<void> {
  let payload: JWTPayload;
  try {
    payload = await verifyToken(config, token, alg);
  } catch (err) {
    if (err instanceof KidNotYetKnownError) {
      throw new ApiError('identity_provider_unavailable', 'Token key id is not among the identity provider\'s keys yet; retry after Retry-After seconds', {
        headers: { 'Retry-After': String(err.retryAfterSeconds) },
      });
    }
    if (err instanceof KeySetUnavailableError) {
      log.error('identity provider unavailable', { request_id: c.get('requestId'), error: errorChain(err) });
      throw new ApiError('identity_provider_unavailable', 'Identity provider keys temporarily unavailable, retry later', {
        headers: { 'Retry-After': String(err.retryAfterSeconds) },
      });
    }
    const { message, lasting } = refusalOf(err);
    if (lasting) rememberRefusal(config, token, message);
    throw challenge(message, 'invalid_token');
  }
  return authenticated(c, next, userIdFrom(payload, config.userIdClaims));
}

function authenticated(c: Context<AppEnv>, next: Next, userId: number | null): Promise<void> {
  if (userId === null) throw challenge('Token carries no valid user id', 'invalid_token');
  c.set('userId', userId);
  return next();
}
