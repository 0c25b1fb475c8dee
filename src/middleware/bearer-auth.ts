import type { MiddlewareHandler } from 'hono';
import { decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyOptions } from 'jose';
import { required, type BearerConfig, type HmacAlgorithm } from '../config';
import { BOUNDS } from '../contract';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';

const HMAC_HASH: Record<HmacAlgorithm, string> = { HS256: 'SHA-256', HS384: 'SHA-384', HS512: 'SHA-512' };

/** Leeway for clock skew between the SSO and the edge when checking exp/nbf/iat. */
const CLOCK_TOLERANCE_SECONDS = 30;

interface Verifier {
  options: JWTVerifyOptions;
  /** Imported once per algorithm: jose would re-import a raw secret on every verify. */
  keys: Map<HmacAlgorithm, Promise<CryptoKey>>;
}

/** Per isolate: one verifier per parsed configuration. */
const verifiers = new WeakMap<BearerConfig, Verifier>();
function verifierFor(config: BearerConfig): Verifier {
  let verifier = verifiers.get(config);
  if (!verifier) {
    verifier = {
      options: {
        algorithms: config.algorithms,
        requiredClaims: ['exp'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        ...(config.issuer ? { issuer: config.issuer } : {}),
        ...(config.audience ? { audience: config.audience } : {}),
      },
      keys: new Map(),
    };
    verifiers.set(config, verifier);
  }
  return verifier;
}

function keyFor(config: BearerConfig, verifier: Verifier, alg: HmacAlgorithm): Promise<CryptoKey> {
  let key = verifier.keys.get(alg);
  if (!key) {
    const raw = new TextEncoder().encode(config.secret);
    key = crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: HMAC_HASH[alg] }, false, ['verify']);
    verifier.keys.set(alg, key);
  }
  return key;
}

/**
 * RFC 6750 challenge; `error` is omitted when no usable bearer credentials were sent at all.
 * Every description is one of the fixed texts below: none holds a `"` or `\` (RFC 6750 §3).
 */
function challenge(message: string, error?: 'invalid_token'): ApiError {
  const params = ['realm="vps-sync"'];
  if (error) params.push(`error="${error}"`, `error_description="${message}"`);
  return new ApiError('unauthorized', message, { headers: { 'WWW-Authenticate': `Bearer ${params.join(', ')}` } });
}

const CLAIM_FAILURES: Record<string, string> = {
  iss: 'Token issuer is not accepted',
  aud: 'Token audience is not accepted',
  nbf: 'Token is not valid yet',
  iat: 'Token issue time is not acceptable',
  exp: 'Token has no valid expiry',
};

function describeFailure(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'Token expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed) return CLAIM_FAILURES[err.claim] ?? 'Token claims are not acceptable';
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'Token signature is invalid';
  return 'Token is malformed';
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

/** The owner a token speaks for: its `user_id` claim, else a numeric `sub`. */
function userIdFrom(payload: JWTPayload): number | null {
  return 'user_id' in payload ? asUserId(payload.user_id) : asUserId(payload.sub);
}

/**
 * Bearer authentication of the panel's users. Verifies the JWT (algorithm allowlist, exp
 * required, iss/aud when configured) and sets `userId`. Every failure is a 401 with a
 * WWW-Authenticate challenge, never a 500.
 */
export function bearerAuth(): MiddlewareHandler<AppEnv> {
  return async function bearerAuth(c, next) {
    const config = required(c.get('config').bearer, { request_id: c.get('requestId'), refusing: 'all bearer requests' });
    const verifier = verifierFor(config);
    const header = c.req.header('Authorization');
    if (!header) throw challenge('Missing bearer token');
    const token = /^Bearer +(\S+) *$/i.exec(header)?.[1];
    if (!token) throw challenge('Authorization must use the Bearer scheme');

    // The header is read first to pick the key for its algorithm; doing it here also keeps
    // jose's synchronous header errors out of its async path (workerd reports those as
    // unhandled rejections even though they are caught).
    if (!isCompactJws(token)) throw challenge('Token is malformed', 'invalid_token');
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw challenge('Token is malformed', 'invalid_token');
    }
    const allowed = config.algorithms.find((a) => a === alg);
    if (!allowed) throw challenge('Token algorithm not allowed', 'invalid_token');

    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, await keyFor(config, verifier, allowed), verifier.options));
    } catch (err) {
      throw challenge(describeFailure(err), 'invalid_token');
    }
    const userId = userIdFrom(payload);
    if (userId === null) throw challenge('Token carries no valid user id', 'invalid_token');
    c.set('userId', userId);
    await next();
  };
}
