import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { parseConfig, type Bindings } from '../../src/config.js';
import { JWKS_FETCH } from '../../src/middleware/bearer-keys.js';
import { TEST_BINDINGS } from '../bindings.js';
import type { SetControl, SetStats } from '../jwks/protocol.js';
import { call, callWith, createVps, errorBody, freshUser, tokenFor } from './helpers.js';

/**
 * SSO tokens verified through a JWKS: keys generated here, served by the local JWKS endpoint
 * (test/jwks/server.ts), which counts how often the Worker fetches the set and can fail on demand.
 */

const JWKS_BASE = inject('jwksUrl');

type AsymmetricAlg = 'RS256' | 'ES256' | 'EdDSA';

interface Signer {
  alg: AsymmetricAlg;
  kid: string;
  privateKey: CryptoKey;
  /** The public key as the identity provider publishes it. */
  jwk: JWK;
}

let lastId = 0;
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++lastId}-${Math.random().toString(36).slice(2, 8)}`;

async function signer(alg: AsymmetricAlg, kid = unique(alg)): Promise<Signer> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  return { alg, kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

interface SignOptions {
  /** The kid header; null for none. Default: the signer's. */
  kid?: string | null;
  issuer?: string;
  audience?: string;
}

async function sign(by: Signer, claims: JWTPayload, { kid = by.kid, issuer, audience }: SignOptions = {}): Promise<string> {
  let jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: by.alg, typ: 'JWT', ...(kid === null ? {} : { kid }) })
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + 300);
  if (issuer) jwt = jwt.setIssuer(issuer);
  if (audience) jwt = jwt.setAudience(audience);
  return jwt.sign(by.privateKey);
}

/** A key set of its own on the local endpoint. */
async function keySet(keys: object[]) {
  const name = unique('set');
  const setUrl = `${JWKS_BASE}/sets/${name}`;
  const update = async (control: SetControl) => {
    const res = await fetch(setUrl, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(control) });
    if (res.status !== 204) throw new Error(`JWKS control: ${res.status} ${await res.text()}`);
  };
  await update({ keys, mode: 'serve' });
  return {
    url: `${setUrl}/jwks.json`,
    update,
    fetches: async () => (await (await fetch(`${setUrl}/stats`)).json<SetStats>()).fetches,
  };
}

/** JWKS only: no HMAC secret, the default asymmetric allowlist. A new object is a new isolate's view. */
const jwksOnly = (url: string, extra: Record<string, string> = {}) => ({ JWT_SECRET: '', JWT_ALGORITHMS: '', JWT_JWKS_URL: url, ...extra });

const list = (bindings: Record<string, unknown>, token: string) => callWith(bindings, '/api/vps', { headers: { Authorization: `Bearer ${token}` } });

async function expectInvalidToken(res: Response, message: string) {
  expect(res.status).toBe(401);
  expect(res.headers.get('WWW-Authenticate')).toBe(`Bearer realm="vps-sync", error="invalid_token", error_description="${message}"`);
  expect(await errorBody(res)).toEqual({ status: 'error', code: 'unauthorized', message, errors: [], request_id: res.headers.get('X-Request-Id') });
}

async function expectUnavailable(res: Response) {
  expect(res.status).toBe(503);
  expect(res.headers.get('Retry-After')).toBe(String(JWKS_FETCH.retryAfterSeconds));
  expect(res.headers.get('WWW-Authenticate')).toBeNull();
  expect(await errorBody(res)).toEqual({
    status: 'error',
    code: 'identity_provider_unavailable',
    message: 'Identity provider keys temporarily unavailable, retry later',
    errors: [],
    request_id: res.headers.get('X-Request-Id'),
  });
}

/** A kid the set fetched less than the cooldown ago does not hold: not judged yet, 503 until the next fetch may be made. */
async function expectNotYetKnown(res: Response) {
  expect(res.status).toBe(503);
  const retryAfter = Number(res.headers.get('Retry-After'));
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(JWKS_FETCH.cooldownMs / 1000);
  expect(res.headers.get('WWW-Authenticate')).toBeNull();
  expect(await errorBody(res)).toMatchObject({
    code: 'identity_provider_unavailable',
    message: "Token key id is not among the identity provider's keys yet; retry after Retry-After seconds",
  });
}

/** Moves the clock jose and the token checks read (Date) forward; timers stay real. */
function travel(ms: number) {
  if (!vi.isFakeTimers()) vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.now() + ms);
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('GET /api/vps with SSO tokens through a JWKS', () => {
  it.each(['RS256', 'ES256', 'EdDSA'] as const)('accepts a %s token signed by a key of the set, as that key\'s user', async (alg) => {
    const [key, other] = await Promise.all([signer(alg), signer(alg)]);
    const set = await keySet([other.jwk, key.jwk]);
    const user = freshUser();
    const vps = await createVps(user);

    const res = await list(jwksOnly(set.url), await sign(key, { user_id: user }));
    expect(res.status).toBe(200);
    expect((await res.json<{ vps: { id: number }[] }>()).vps.map((v) => v.id)).toEqual([vps.id]);
    expect(await set.fetches()).toBe(1);
  });

  it('keeps the set: many tokens, one fetch', async () => {
    const keys = await Promise.all([signer('RS256'), signer('ES256'), signer('EdDSA')]);
    const set = await keySet(keys.map((k) => k.jwk));
    const bindings = jwksOnly(set.url);
    for (let i = 0; i < 3; i++) {
      for (const key of keys) expect((await list(bindings, await sign(key, { user_id: freshUser() }))).status).toBe(200);
    }
    expect(await set.fetches()).toBe(1);
  });

  it('accepts a kid that appears in the set later, without a restart, once the cooldown has passed', async () => {
    const [first, added] = await Promise.all([signer('RS256'), signer('ES256')]);
    const set = await keySet([first.jwk]);
    const bindings = jwksOnly(set.url);
    expect((await list(bindings, await sign(first, { user_id: freshUser() }))).status).toBe(200);

    await set.update({ keys: [first.jwk, added.jwk] });
    // Just fetched: the cooldown keeps the cached set, so the new kid is not known yet: a 503 to
    // retry (a panel would sign its user out on a 401), not a refusal.
    await expectNotYetKnown(await list(bindings, await sign(added, { user_id: freshUser() })));
    expect(await set.fetches()).toBe(1);

    travel(JWKS_FETCH.cooldownMs + 1000);
    expect((await list(bindings, await sign(added, { user_id: freshUser() }))).status).toBe(200);
    expect((await list(bindings, await sign(first, { user_id: freshUser() }))).status).toBe(200);
    expect(await set.fetches()).toBe(2);
  });

  it('refetches a set older than its cache age, even for a known kid', async () => {
    const key = await signer('ES256');
    const set = await keySet([key.jwk]);
    const bindings = jwksOnly(set.url);
    expect((await list(bindings, await sign(key, { user_id: freshUser() }))).status).toBe(200);
    travel(JWKS_FETCH.cacheMaxAgeMs + 1000);
    expect((await list(bindings, await sign(key, { user_id: freshUser() }))).status).toBe(200);
    expect(await set.fetches()).toBe(2);
  });

  it('refuses an unknown kid after at most one refetch', async () => {
    const key = await signer('RS256');
    const set = await keySet([key.jwk]);
    const bindings = jwksOnly(set.url);

    // A fresh configuration loads the set once; the kid is not in it and it was just fetched.
    await expectInvalidToken(await list(bindings, await sign(key, { user_id: 5 }, { kid: 'unknown-1' })), 'Token key id is not known');
    expect(await set.fetches()).toBe(1);

    // Past the cooldown an unknown kid refetches once, then is refused.
    travel(JWKS_FETCH.cooldownMs + 1000);
    await expectInvalidToken(await list(bindings, await sign(key, { user_id: 5 }, { kid: 'unknown-2' })), 'Token key id is not known');
    expect(await set.fetches()).toBe(2);
  });

  it('does not refetch for each of a flood of unknown kids', async () => {
    const key = await signer('ES256');
    const set = await keySet([key.jwk]);
    const bindings = jwksOnly(set.url);
    expect((await list(bindings, await sign(key, { user_id: freshUser() }))).status).toBe(200);

    travel(JWKS_FETCH.cooldownMs + 1000);
    // The first unknown kid refetches, and the set just fetched does not hold it: refused.
    await expectInvalidToken(await list(bindings, await sign(key, { user_id: 5 }, { kid: 'flood-0' })), 'Token key id is not known');
    // The cooldown answers the other nineteen without asking the identity provider.
    for (let i = 1; i < 20; i++) await expectNotYetKnown(await list(bindings, await sign(key, { user_id: 5 }, { kid: `flood-${i}` })));
    expect(await set.fetches()).toBe(2);
    // Concurrently too, within the cooldown.
    const answers = await Promise.all(Array.from({ length: 20 }, async (_, i) => list(bindings, await sign(key, { user_id: 5 }, { kid: `burst-${i}` }))));
    expect(answers.map((r) => r.status)).toEqual(Array(20).fill(503));
    expect(await set.fetches()).toBe(2);
    // And the real key still works.
    expect((await list(bindings, await sign(key, { user_id: freshUser() }))).status).toBe(200);
  });

  it('refuses a token without a kid, before fetching anything', async () => {
    const key = await signer('RS256');
    const set = await keySet([key.jwk]);
    await expectInvalidToken(await list(jwksOnly(set.url), await sign(key, { user_id: 5 }, { kid: null })), 'Token has no key id');
    await expectInvalidToken(await list(jwksOnly(set.url), await sign(key, { user_id: 5 }, { kid: '' })), 'Token has no key id');
    expect(await set.fetches()).toBe(0);
  });

  it('refuses a token signed by another key under a kid of the set', async () => {
    const [key, impostor] = await Promise.all([signer('ES256'), signer('ES256')]);
    const set = await keySet([key.jwk]);
    await expectInvalidToken(await list(jwksOnly(set.url), await sign(impostor, { user_id: 5 }, { kid: key.kid })), 'Token signature is invalid');
  });

  it('tries each key when the set holds several under the token kid', async () => {
    const [older, current] = await Promise.all([signer('RS256', 'shared-kid'), signer('RS256', 'shared-kid')]);
    const set = await keySet([older.jwk, current.jwk]);
    const bindings = jwksOnly(set.url);
    expect((await list(bindings, await sign(current, { user_id: freshUser() }))).status).toBe(200);
    expect((await list(bindings, await sign(older, { user_id: freshUser() }))).status).toBe(200);
    const stranger = await signer('RS256', 'shared-kid');
    await expectInvalidToken(await list(bindings, await sign(stranger, { user_id: 5 })), 'Token signature is invalid');
  });

  it('refuses an HMAC token where only the JWKS is configured, whatever kid it names', async () => {
    const key = await signer('RS256');
    const set = await keySet([key.jwk]);
    const bindings = jwksOnly(set.url);
    await expectInvalidToken(await list(bindings, await tokenFor(5)), 'Token algorithm not allowed');
    // Signed with the published key material as the HMAC secret: the classic algorithm confusion.
    const confused = await new SignJWT({ user_id: 5 })
      .setProtectedHeader({ alg: 'HS256', kid: key.kid })
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(JSON.stringify(key.jwk)));
    await expectInvalidToken(await list(bindings, confused), 'Token algorithm not allowed');
    expect(await set.fetches()).toBe(0);
  });

  it('never verifies an HMAC token with a key of the set, nor an asymmetric one with a symmetric key of the set', async () => {
    const key = await signer('RS256');
    const secretBytes = new TextEncoder().encode('a-symmetric-key-someone-published-in-the-set');
    const octKid = unique('oct');
    const oct: JWK = { kty: 'oct', kid: octKid, k: btoa(String.fromCharCode(...secretBytes)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_') };
    const set = await keySet([key.jwk, oct]);
    // Both sources configured: HMAC goes to JWT_SECRET only, so neither the RSA key nor the oct key helps.
    const both = { JWT_ALGORITHMS: '', JWT_JWKS_URL: set.url };
    const hmacWithKid = async (secret: Uint8Array, kid: string) =>
      new SignJWT({ user_id: 5 }).setProtectedHeader({ alg: 'HS256', kid }).setExpirationTime('5m').sign(secret);
    await expectInvalidToken(await list(both, await hmacWithKid(secretBytes, octKid)), 'Token signature is invalid');
    await expectInvalidToken(await list(both, await hmacWithKid(new TextEncoder().encode(JSON.stringify(key.jwk)), key.kid)), 'Token signature is invalid');
    // An RS256 token naming the oct key finds no RSA key under that kid.
    await expectInvalidToken(await list(both, await sign(key, { user_id: 5 }, { kid: octKid })), 'Token key id is not known');
    // The configured secret and the set's RSA key each still work for their own algorithm.
    expect((await list(both, await tokenFor(freshUser()))).status).toBe(200);
    expect((await list(both, await sign(key, { user_id: freshUser() }))).status).toBe(200);
  });

  it('refuses an asymmetric token where only the HMAC secret is configured', async () => {
    const key = await signer('ES256');
    const res = await call('/api/vps', { headers: { Authorization: `Bearer ${await sign(key, { user_id: 5 })}` } });
    await expectInvalidToken(res, 'Token algorithm not allowed');
  });

  it('keeps to JWT_ALGORITHMS: an allowed key type of the set is refused when its algorithm is not listed', async () => {
    const [rsa, ec] = await Promise.all([signer('RS256'), signer('ES256')]);
    const set = await keySet([rsa.jwk, ec.jwk]);
    const bindings = jwksOnly(set.url, { JWT_ALGORITHMS: 'ES256' });
    expect((await list(bindings, await sign(ec, { user_id: freshUser() }))).status).toBe(200);
    await expectInvalidToken(await list(bindings, await sign(rsa, { user_id: 5 })), 'Token algorithm not allowed');
  });

  it('checks iss and aud', async () => {
    const key = await signer('EdDSA');
    const set = await keySet([key.jwk]);
    const issuer = 'https://sso.example.test/realms/panel';
    const bindings = jwksOnly(set.url, { JWT_ISSUER: issuer, JWT_AUDIENCE: 'vps-panel' });
    const user = freshUser();
    expect((await list(bindings, await sign(key, { user_id: user }, { issuer, audience: 'vps-panel' }))).status).toBe(200);
    await expectInvalidToken(await list(bindings, await sign(key, { user_id: user }, { issuer: 'https://evil.example.test', audience: 'vps-panel' })), 'Token issuer is not accepted');
    await expectInvalidToken(await list(bindings, await sign(key, { user_id: user }, { issuer, audience: 'account' })), 'Token audience is not accepted');
    await expectInvalidToken(await list(bindings, await sign(key, { user_id: user }, { issuer })), 'Token audience is not accepted');
  });

  it('reads the user id from JWT_USER_ID_CLAIM, and only from it', async () => {
    const key = await signer('RS256');
    const set = await keySet([key.jwk]);
    const bindings = jwksOnly(set.url, { JWT_USER_ID_CLAIM: 'panel_user_id' });
    const user = freshUser();
    const vps = await createVps(user);

    const res = await list(bindings, await sign(key, { panel_user_id: String(user), sub: 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6', user_id: user + 1 }));
    expect(res.status).toBe(200);
    expect((await res.json<{ vps: { id: number }[] }>()).vps.map((v) => v.id)).toEqual([vps.id]);
    // Set explicitly, there is no fallback to user_id or a numeric sub.
    await expectInvalidToken(await list(bindings, await sign(key, { user_id: user, sub: String(user) })), 'Token carries no valid user id');
    await expectInvalidToken(await list(bindings, await sign(key, { panel_user_id: 'alice' })), 'Token carries no valid user id');
  });

  it('reads user_id, else a numeric sub, when JWT_USER_ID_CLAIM is unset', async () => {
    const key = await signer('ES256');
    const set = await keySet([key.jwk]);
    const bindings = jwksOnly(set.url);
    const user = freshUser();
    const vps = await createVps(user);
    for (const claims of [{ user_id: user, sub: 'someone-else' }, { sub: String(user) }]) {
      const res = await list(bindings, await sign(key, claims));
      expect(res.status).toBe(200);
      expect((await res.json<{ vps: { id: number }[] }>()).vps.map((v) => v.id)).toEqual([vps.id]);
    }
    await expectInvalidToken(await list(bindings, await sign(key, { sub: 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6' })), 'Token carries no valid user id');
  });
});

// workerd itself prints "uncaught exception ... Network connection lost" for a fetch whose
// connection fails, even when the caller catches it (as jose does): expected noise in the output.
describe('GET /api/vps when the JWKS cannot be fetched', () => {
  it.each([
    ['drops the connection', 'reset'],
    ['answers 500', 'status-500'],
    ['answers invalid JSON', 'invalid-json'],
    ['answers JSON that is not a key set', 'not-a-key-set'],
  ] as const)('answers 503 with Retry-After when the endpoint %s, and recovers with it', async (_case, mode) => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const key = await signer('RS256');
    const set = await keySet([key.jwk]);
    await set.update({ mode });
    const bindings = jwksOnly(set.url);
    const token = await sign(key, { user_id: freshUser() });

    await expectUnavailable(await list(bindings, token));
    expect(await set.fetches()).toBe(1);
    expect(errors).toHaveBeenCalledWith(expect.stringContaining('"msg":"identity provider unavailable"'));

    // Until Retry-After has passed the failure answers for the identity provider, which is not asked again.
    await set.update({ mode: 'serve' });
    const paused = await list(bindings, token);
    expect(paused.status).toBe(503);
    expect(Number(paused.headers.get('Retry-After'))).toBeLessThanOrEqual(JWKS_FETCH.retryAfterSeconds);
    expect(await set.fetches()).toBe(1);
    // Then the next request fetches again, and succeeds once the endpoint does.
    travel(JWKS_FETCH.retryAfterSeconds * 1000 + 100);
    expect((await list(bindings, token)).status).toBe(200);
    expect(await set.fetches()).toBe(2);
  });

  it('asks a failing identity provider once per Retry-After, whatever the flood of tokens, kids made up or not', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const key = await signer('RS256');
    const set = await keySet([key.jwk]);
    await set.update({ mode: 'status-500' });
    const bindings = jwksOnly(set.url);
    // A cold isolate: the set was never had.
    const cold = await Promise.all(Array.from({ length: 5 }, async (_, i) => list(bindings, await sign(key, { user_id: 5 }, { kid: `cold-${i}` }))));
    expect(cold.map((r) => r.status)).toEqual(Array(5).fill(503));
    for (let i = 0; i < 10; i++) expect((await list(bindings, await sign(key, { user_id: 5 }, { kid: `made-up-${i}` }))).status).toBe(503);
    const asked = await set.fetches();
    // Concurrent first requests may each start a fetch before one fails; after that, none.
    expect(asked).toBeLessThanOrEqual(5);
    for (let i = 0; i < 10; i++) expect((await list(bindings, await sign(key, { user_id: 5 }))).status).toBe(503);
    expect(await set.fetches()).toBe(asked);
    travel(JWKS_FETCH.retryAfterSeconds * 1000 + 100);
    expect((await list(bindings, await sign(key, { user_id: 5 }))).status).toBe(503);
    expect(await set.fetches()).toBe(asked + 1);
  });

  it('answers 503 when nothing listens at the JWKS address', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const key = await signer('ES256');
    await expectUnavailable(await list(jwksOnly('http://127.0.0.1:1/jwks.json'), await sign(key, { user_id: 5 })));
  });

  it('answers 503 for a set that does not exist (404)', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const key = await signer('ES256');
    await expectUnavailable(await list(jwksOnly(`${JWKS_BASE}/sets/${unique('missing')}/jwks.json`), await sign(key, { user_id: 5 })));
  });

  it(
    'answers 503 once the fetch timeout passes when the endpoint hangs',
    async () => {
      vi.spyOn(console, 'error').mockImplementation(() => {});
      const key = await signer('EdDSA');
      const set = await keySet([key.jwk]);
      await set.update({ mode: 'hang' });
      const started = performance.now();
      await expectUnavailable(await list(jwksOnly(set.url), await sign(key, { user_id: 5 })));
      const waited = performance.now() - started;
      expect(waited).toBeGreaterThanOrEqual(JWKS_FETCH.timeoutMs - 100);
      expect(waited).toBeLessThan(JWKS_FETCH.timeoutMs + 3000);
    },
    JWKS_FETCH.timeoutMs + 10_000,
  );

  it('keeps accepting cached keys while the endpoint is down; an unknown kid past the cooldown is a 503, not a 401', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const key = await signer('RS256');
    const set = await keySet([key.jwk]);
    const bindings = jwksOnly(set.url);
    expect((await list(bindings, await sign(key, { user_id: freshUser() }))).status).toBe(200);
    await set.update({ mode: 'status-500' });
    travel(JWKS_FETCH.cooldownMs + 1000);
    expect((await list(bindings, await sign(key, { user_id: freshUser() }))).status).toBe(200);
    await expectUnavailable(await list(bindings, await sign(key, { user_id: 5 }, { kid: 'rotated-in' })));
    expect(await set.fetches()).toBe(2);
  });
});

describe('bearer configuration', () => {
  const secret = TEST_BINDINGS.JWT_SECRET;
  const jwks = 'https://sso.example.com/realms/panel/protocol/openid-connect/certs';
  const bearer = (bindings: Record<string, string>) => parseConfig({ ENVIRONMENT: 'test', ...bindings } as unknown as Bindings).bearer;

  it('allows by default the algorithms of the configured key sources', () => {
    const algorithms = (b: Record<string, string>) => {
      const section = bearer(b);
      return section.ok ? section.value.algorithms : section.problem;
    };
    expect(algorithms({ JWT_SECRET: secret })).toEqual(['HS256']);
    expect(algorithms({ JWT_JWKS_URL: jwks })).toEqual(['RS256', 'ES256', 'EdDSA']);
    expect(algorithms({ JWT_SECRET: secret, JWT_JWKS_URL: jwks })).toEqual(['HS256', 'RS256', 'ES256', 'EdDSA']);
    expect(algorithms({ JWT_SECRET: secret, JWT_JWKS_URL: jwks, JWT_ALGORITHMS: 'ES256, HS512,ES256' })).toEqual(['ES256', 'HS512']);
  });

  it('accepts https anywhere and http only on the local machine', () => {
    for (const url of [jwks, 'http://localhost:8080/certs', 'http://127.0.0.1:9/jwks.json', 'http://[::1]:9/jwks.json']) {
      expect(bearer({ JWT_JWKS_URL: url }).ok, url).toBe(true);
    }
  });

  it.each([
    [{}, 'JWT_SECRET is not set, nor JWT_JWKS_URL: bearer tokens need one of them'],
    [{ JWT_JWKS_URL: 'http://sso.example.com/certs' }, 'JWT_JWKS_URL must be an https URL (http only for localhost)'],
    [{ JWT_JWKS_URL: 'http://127.0.0.1.example.com/certs' }, 'JWT_JWKS_URL must be an https URL (http only for localhost)'],
    [{ JWT_JWKS_URL: 'sso.example.com/certs' }, 'JWT_JWKS_URL must be an https URL (http only for localhost)'],
    [{ JWT_JWKS_URL: 'ftp://sso.example.com/certs' }, 'JWT_JWKS_URL must be an https URL (http only for localhost)'],
    [{ JWT_JWKS_URL: jwks, JWT_ALGORITHMS: 'RS256,HS256' }, 'JWT_ALGORITHMS lists HS256 but JWT_SECRET is not set'],
    [{ JWT_SECRET: secret, JWT_ALGORITHMS: 'HS256,EdDSA' }, 'JWT_ALGORITHMS lists EdDSA but JWT_JWKS_URL is not set'],
    [{ JWT_SECRET: secret, JWT_JWKS_URL: jwks, JWT_ALGORITHMS: 'RS256,none' }, 'JWT_ALGORITHMS must list only HS256, HS384, HS512, RS256, ES256, EdDSA'],
    [{ JWT_SECRET: secret, JWT_JWKS_URL: jwks, JWT_ALGORITHMS: 'PS256' }, 'JWT_ALGORITHMS must list only HS256, HS384, HS512, RS256, ES256, EdDSA'],
    [{ JWT_SECRET: 'short', JWT_JWKS_URL: jwks }, 'JWT_SECRET is shorter than 32 characters'],
  ])('refuses %o: %s', (bindings, problem) => {
    expect(bearer(bindings as Record<string, string>)).toEqual({ ok: false, problem });
  });

  it('fails closed with 500 when a listed algorithm has no key source, and logs why', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const res = await callWith({ JWT_ALGORITHMS: 'HS256,RS256' }, '/api/vps', { headers: { Authorization: `Bearer ${await tokenFor(5)}` } });
    expect(res.status).toBe(500);
    expect(await errorBody(res)).toEqual({ status: 'error', code: 'misconfigured', message: 'Server misconfigured', errors: [], request_id: res.headers.get('X-Request-Id') });
    expect(errors).toHaveBeenCalledWith(expect.stringContaining('JWT_ALGORITHMS lists RS256 but JWT_JWKS_URL is not set'));
  });
});
