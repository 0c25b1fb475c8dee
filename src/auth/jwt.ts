import type { MiddlewareHandler } from 'hono';
import { decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyOptions } from 'jose';
import { MIN_SECRET_LENGTH, type AppEnv, type Bindings } from '../env';
import { ApiError } from '../errors';
import { BOUNDS } from '../vps/fields';

const HMAC_HASH = { HS256: 'SHA-256', HS384: 'SHA-384', HS512: 'SHA-512' } as const;
type HmacAlg = keyof typeof HMAC_HASH;
const isHmacAlg = (alg: string): alg is HmacAlg => alg in HMAC_HASH;

/** Leeway for clock skew between the SSO and the edge when checking exp/nbf/iat. */
const CLOCK_TOLERANCE_SECONDS = 30;

/**
 * Per-isolate: imported HMAC keys by algorithm. jose would re-import a raw secret on every
 * verify; a CryptoKey imported once is measurably cheaper on the hot path.
 */
let keys: { secret: string; byAlg: Map<HmacAlg, Promise<CryptoKey>> } | undefined;

function keyFor(secret: string, alg: HmacAlg): Promise<CryptoKey> {
  if (keys?.secret !== secret) keys = { secret, byAlg: new Map() };
  let key = keys.byAlg.get(alg);
  if (!key) {
    key = crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: HMAC_HASH[alg] }, false, [
      'verify',
    ]);
    keys.byAlg.set(alg, key);
  }
  return key;
}

interface JwtSettings {
  secret: string;
  options: JWTVerifyOptions & { algorithms: HmacAlg[] };
}

/** Reads the JWT bindings; a missing/short secret or an unknown algorithm is a misconfiguration. */
function settingsFrom(env: Bindings, requestId: string): JwtSettings {
  const secret = env.JWT_SECRET;
  const algorithms = (env.JWT_ALGORITHMS || 'HS256').split(',').map((a) => a.trim()).filter(Boolean);
  const problem = !secret
    ? 'JWT_SECRET is not set'
    : secret.length < MIN_SECRET_LENGTH
      ? `JWT_SECRET is shorter than ${MIN_SECRET_LENGTH} characters`
      : algorithms.every(isHmacAlg)
        ? null
        : `JWT_ALGORITHMS must list only ${Object.keys(HMAC_HASH).join(', ')}`;
  if (problem) {
    console.error(JSON.stringify({ level: 'error', request_id: requestId, error: `${problem}; refusing all bearer requests` }));
    throw new ApiError(500, 'Server misconfigured');
  }
  return {
    secret: secret!,
    options: {
      algorithms: algorithms as HmacAlg[],
      requiredClaims: ['exp'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      ...(env.JWT_ISSUER ? { issuer: env.JWT_ISSUER } : {}),
      ...(env.JWT_AUDIENCE ? { audience: env.JWT_AUDIENCE } : {}),
    },
  };
}

/** RFC 6750 challenge; `error` is omitted when no usable bearer credentials were sent at all. */
function challenge(message: string, error?: 'invalid_token'): ApiError {
  const params = ['realm="vps-sync"'];
  if (error) params.push(`error="${error}"`, `error_description="${message}"`);
  return new ApiError(401, message, [], { 'WWW-Authenticate': `Bearer ${params.join(', ')}` });
}

function describeFailure(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'Token expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed) return `Token claim "${err.claim}" is not acceptable`;
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'Token signature is invalid';
  return 'Token is malformed';
}

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
    const { secret, options } = settingsFrom(c.env, c.get('requestId'));
    const header = c.req.header('Authorization');
    if (!header) throw challenge('Missing bearer token');
    const token = /^Bearer +(\S+) *$/i.exec(header)?.[1];
    if (!token) throw challenge('Authorization must use the Bearer scheme');

    // The header is read first to pick the key for its algorithm; doing it here also keeps
    // jose's synchronous header errors out of its async path (workerd reports those as
    // unhandled rejections even though they are caught).
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw challenge('Token is malformed', 'invalid_token');
    }
    if (!alg || !options.algorithms.includes(alg as HmacAlg)) throw challenge('Token algorithm not allowed', 'invalid_token');

    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, await keyFor(secret, alg as HmacAlg), options));
    } catch (err) {
      throw challenge(describeFailure(err), 'invalid_token');
    }
    const userId = userIdFrom(payload);
    if (userId === null) throw challenge('Token carries no valid user id', 'invalid_token');
    c.set('userId', userId);
    await next();
  };
}
