/**
 * The keys bearer tokens are verified with, kept per parsed configuration and per isolate: the
 * HMAC secret imported once per algorithm, and the identity provider's JWKS through jose's
 * remote key set (its cache and fetch timeout) with a cooldown against refetch floods. The two
 * never mix: an HMAC algorithm only ever gets the secret, an asymmetric one only a public key of
 * the set (and jose's key type checks refuse anything else).
 */
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type JWTVerifyOptions } from 'jose';
import { isHmacAlgorithm, type BearerConfig, type HmacAlgorithm, type JwtAlgorithm } from '../config.js';

/** Leeway for clock skew between the SSO and the edge when checking exp/nbf/iat. */
const CLOCK_TOLERANCE_SECONDS = 30;

/**
 * How the JWKS is fetched. A set is kept for `cacheMaxAgeMs`; a token naming an unknown `kid`
 * refetches it, but not within `cooldownMs` of the last fetch (so a flood of made-up key ids
 * costs the identity provider one request, not one each). A fetch that takes longer than
 * `timeoutMs` fails: the request is answered 503 with Retry-After `retryAfterSeconds`.
 */
export const JWKS_FETCH = { timeoutMs: 3000, cooldownMs: 30_000, cacheMaxAgeMs: 600_000, retryAfterSeconds: 5 } as const;

const HMAC_HASH: Record<HmacAlgorithm, string> = { HS256: 'SHA-256', HS384: 'SHA-384', HS512: 'SHA-512' };

/**
 * The JWKS could not be fetched (network error, timeout, a status other than 200, not JSON) or
 * is not a usable key set. Not the token's fault: the client may retry.
 */
export class KeySetUnavailableError extends Error {
  /** When a retry can be answered: after the pause between fetches, or the cooldown of an unknown kid. */
  readonly retryAfterSeconds: number;
  constructor(options: { cause: unknown; retryAfterSeconds?: number }) {
    super('The JWKS cannot be fetched or used', options);
    this.name = 'KeySetUnavailableError';
    this.retryAfterSeconds = options.retryAfterSeconds ?? JWKS_FETCH.retryAfterSeconds;
  }
}

/**
 * A kid the cached set does not hold, within the cooldown of its last fetch: whether the identity
 * provider has it (a key just rotated in) cannot be known before the next fetch, so the token is
 * not judged yet (503 with Retry-After), rather than refused (a panel signs its user out on a 401).
 */
export class KidNotYetKnownError extends KeySetUnavailableError {
  constructor(options: { cause: unknown; retryAfterSeconds: number }) {
    super(options);
    this.name = 'KidNotYetKnownError';
  }
}

/**
 * Tokens already verified, kept per isolate: a panel sends the same token on every request of a
 * session, and verifying it (signature, decoding, claims) is most of a listing's own CPU time.
 * Keyed by the whole token (its signature included), so only the exact token verified before
 * matches; an entry holds until the token expires (exp, with the clock tolerance, as jose
 * checks it) or for `maxAgeMs`, whichever is first, after which jose verifies it afresh (and
 * answers an expired one as it always does). At most `maxEntries`, the oldest dropped first.
 */
export const VERIFIED_TOKENS = { maxAgeMs: 60_000, maxEntries: 1000 } as const;

/**
 * Tokens refused before, kept per isolate beside the verified ones and never in their place (a
 * flood of bad tokens cannot push a session's token out): a panel tab left open keeps polling
 * with its expired token, or one signed with a secret rotated out, until its user signs in
 * again, and refusing that token again needs no decoding and no signature check. Only refusals
 * that stay true of the token are kept (the caller says which); each for `maxAgeMs`, at most
 * `maxEntries`, the oldest dropped first, and none for a token longer than `maxTokenLength` (a
 * JWT is well under it; so a flood of huge made-up tokens cannot fill the isolate's memory).
 */
export const REFUSED_TOKENS = { maxAgeMs: 60_000, maxEntries: 1000, maxTokenLength: 4096 } as const;

/** Per-token memory, bounded: each entry until its own time, at most `maxEntries`, the oldest dropped first. */
class TokenMemo<T> {
  readonly #entries = new Map<string, { value: T; validUntil: number }>();
  constructor(private readonly maxEntries: number) {}

  get(token: string): T | undefined {
    const entry = this.#entries.get(token);
    if (!entry) return undefined;
    if (Date.now() < entry.validUntil) return entry.value;
    this.#entries.delete(token);
    return undefined;
  }

  set(token: string, value: T, validUntil: number): void {
    if (this.#entries.size >= this.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(token, { value, validUntil });
  }
}

interface Verifier {
  options: JWTVerifyOptions;
  verified: TokenMemo<JWTPayload>;
  /** What each token refused before was told. */
  refused: TokenMemo<string>;
  /** Imported once per algorithm: jose would re-import a raw secret on every verify. */
  hmacKeys: Map<HmacAlgorithm, Promise<CryptoKey>>;
  jwks?: JWTVerifyGetKey;
}

/**
 * jose's remote key set (its fetch, timeout and cache), with the pacing of fetches kept here and
 * its failures told apart: a kid a set fetched for this very token does not hold stays jose's
 * error (the token's fault, a 401); anything else from fetching or reading the set is
 * KeySetUnavailableError (503), KidNotYetKnownError for a kid met within the cooldown.
 *
 * The identity provider is asked at most once per cooldown for unknown kids, counted from the
 * last attempt, failed or not; and while its last attempt failed, at most once per Retry-After
 * (the requests in between are answered 503 without asking): a flood of tokens, made-up kids
 * or not, costs it one request per pause, not one each, even while it is down.
 *
 * jose's own cooldown is switched off (Infinity): when it refetches for an unknown kid it hands
 * back the retry's rejection unawaited, which workerd reports as an unhandled rejection. So the
 * refetch happens here, through the set's own `reload()`.
 */
function remoteKeySet(url: URL): JWTVerifyGetKey {
  const keySet = createRemoteJWKSet(url, {
    timeoutDuration: JWKS_FETCH.timeoutMs,
    cooldownDuration: Infinity,
    cacheMaxAge: JWKS_FETCH.cacheMaxAgeMs,
  });
  let attemptedAt = -Infinity;
  /** The last attempt's failure, answered for the identity provider until `until`. */
  let failed: { until: number; error: unknown } | undefined;
  const reload = async () => {
    const waitMs = failed ? failed.until - Date.now() : 0;
    if (waitMs > 0) throw new KeySetUnavailableError({ cause: failed!.error, retryAfterSeconds: Math.ceil(waitMs / 1000) });
    attemptedAt = Date.now();
    try {
      await keySet.reload();
      failed = undefined;
    } catch (err) {
      failed = { until: Date.now() + JWKS_FETCH.retryAfterSeconds * 1000, error: err };
      throw err;
    }
  };
  return async (header, token) => {
    try {
      let fetchedNow = false;
      if (!keySet.fresh) {
        await reload();
        fetchedNow = true;
      }
      try {
        return await keySet(header, token);
      } catch (err) {
        if (!(err instanceof joseErrors.JWKSNoMatchingKey) || fetchedNow) throw err;
        const waitMs = attemptedAt + JWKS_FETCH.cooldownMs - Date.now();
        if (waitMs > 0) throw new KidNotYetKnownError({ cause: err, retryAfterSeconds: Math.ceil(waitMs / 1000) });
        await reload();
        return await keySet(header, token);
      }
    } catch (err) {
      if (err instanceof joseErrors.JWKSNoMatchingKey || err instanceof joseErrors.JWKSMultipleMatchingKeys) throw err;
      if (err instanceof KeySetUnavailableError) throw err;
      throw new KeySetUnavailableError({ cause: err });
    }
  };
}

/** Per isolate: one verifier (options, imported secret, remote key set) per parsed configuration. */
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
      verified: new TokenMemo(VERIFIED_TOKENS.maxEntries),
      refused: new TokenMemo(REFUSED_TOKENS.maxEntries),
      hmacKeys: new Map(),
      ...(config.jwksUrl ? { jwks: remoteKeySet(config.jwksUrl) } : {}),
    };
    verifiers.set(config, verifier);
  }
  return verifier;
}

function hmacKey(secret: string, verifier: Verifier, alg: HmacAlgorithm): Promise<CryptoKey> {
  let key = verifier.hmacKeys.get(alg);
  if (!key) {
    key = crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: HMAC_HASH[alg] }, false, ['verify']);
    verifier.hmacKeys.set(alg, key);
  }
  return key;
}

/**
 * The claims of `token` when this configuration verified exactly this token before and it has
 * not expired since; undefined otherwise (verify it with verifyToken()).
 */
export function verifiedBefore(config: BearerConfig, token: string): JWTPayload | undefined {
  return verifierFor(config).verified.get(token);
}

/** What this configuration told `token` when it refused it before (rememberRefusal), if it did in the last minute. */
export function refusedBefore(config: BearerConfig, token: string): string | undefined {
  return verifierFor(config).refused.get(token);
}

/** Keeps a refusal that stays true of `token` (bad signature, expired, wrong issuer ...): see REFUSED_TOKENS. */
export function rememberRefusal(config: BearerConfig, token: string, message: string): void {
  if (token.length > REFUSED_TOKENS.maxTokenLength) return;
  verifierFor(config).refused.set(token, message, Date.now() + REFUSED_TOKENS.maxAgeMs);
}

/**
 * Verifies a token whose header names `alg` (already checked against the allowlist) and returns
 * its claims. Throws jose's errors for a bad token and KeySetUnavailableError when the JWKS
 * cannot be had.
 */
export async function verifyToken(config: BearerConfig, token: string, alg: JwtAlgorithm): Promise<JWTPayload> {
  const verifier = verifierFor(config);
  const now = Date.now();
  const payload = await verifyWithKeys(config, verifier, token, alg);
  // exp is required (and checked by jose): a token is valid while now < (exp + tolerance) in seconds.
  const validUntil = Math.min(((payload.exp ?? 0) + CLOCK_TOLERANCE_SECONDS) * 1000, now + VERIFIED_TOKENS.maxAgeMs);
  verifier.verified.set(token, payload, validUntil);
  return payload;
}

async function verifyWithKeys(config: BearerConfig, verifier: Verifier, token: string, alg: JwtAlgorithm): Promise<JWTPayload> {
  if (isHmacAlgorithm(alg)) {
    // The allowlist holds an HMAC algorithm only when the secret is set (src/config.ts).
    return (await jwtVerify(token, await hmacKey(config.secret!, verifier, alg), verifier.options)).payload;
  }
  try {
    return (await jwtVerify(token, verifier.jwks!, verifier.options)).payload;
  } catch (err) {
    if (!(err instanceof joseErrors.JWKSMultipleMatchingKeys)) throw err;
    // Several keys of the set share the token's kid (a rotation published both): try each.
    for await (const key of err) {
      try {
        return (await jwtVerify(token, key, verifier.options)).payload;
      } catch (e) {
        if (!(e instanceof joseErrors.JWSSignatureVerificationFailed)) throw e;
      }
    }
    throw new joseErrors.JWSSignatureVerificationFailed();
  }
}
