import { describe, expect, it, vi } from 'vitest';
import { env } from 'cloudflare:workers';
import { configOf, required } from '../../src/config.js';
import { REFUSED_TOKENS, refusedBefore, rememberRefusal, verifiedBefore } from '../../src/middleware/bearer-keys.js';
import { TEST_BINDINGS } from '../bindings.js';
import { call, callWith, createVps, errorBody, freshUser, signToken, tokenFor } from './helpers.js';

const b64url = (value: unknown) => btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');

const get = (authorization: string | undefined, path = '/api/vps') =>
  call(path, authorization === undefined ? {} : { headers: { Authorization: authorization } });

/** `challenge`: the literal WWW-Authenticate value (RFC 6750 §3: no `"` inside a quoted value). */
async function expectChallenge(res: Response, message: string, challenge: string) {
  expect(res.status).toBe(401);
  expect(res.headers.get('WWW-Authenticate')).toBe(challenge);
  expect(await errorBody(res)).toEqual({ status: 'error', code: 'unauthorized', message, errors: [], request_id: res.headers.get('X-Request-Id') });
}

describe('GET /api/vps authentication', () => {
  it('accepts a valid token carrying user_id', async () => {
    const res = await get(`Bearer ${await tokenFor(freshUser())}`);
    expect(res.status).toBe(200);
  });

  it('accepts a numeric sub when there is no user_id claim', async () => {
    const user = freshUser();
    const vps = await createVps(user);
    const res = await get(`Bearer ${await signToken({ sub: String(user) })}`);
    expect(res.status).toBe(200);
    expect((await res.json<{ vps: { id: number }[] }>()).vps.map((v) => v.id)).toEqual([vps.id]);
  });

  it('refuses a missing Authorization header', async () => {
    await expectChallenge(await get(undefined), 'Missing bearer token', 'Bearer realm="vps-sync"');
  });

  it('refuses another scheme such as Basic', async () => {
    await expectChallenge(await get(`Basic ${btoa('user:pass')}`), 'Authorization must use the Bearer scheme', 'Bearer realm="vps-sync"');
    await expectChallenge(await get('Bearer'), 'Authorization must use the Bearer scheme', 'Bearer realm="vps-sync"');
  });

  it('refuses the sync API key in place of a token', async () => {
    const res = await call('/api/vps', { headers: { 'X-API-Key': TEST_BINDINGS.VPS_SYNC_API_KEY } });
    await expectChallenge(res, 'Missing bearer token', 'Bearer realm="vps-sync"');
    await expectChallenge(await get(`Bearer ${TEST_BINDINGS.VPS_SYNC_API_KEY}`), 'Token is malformed', 'Bearer realm="vps-sync", error="invalid_token", error_description="Token is malformed"');
  });

  it('refuses a malformed token', async () => {
    await expectChallenge(await get('Bearer not.a.jwt'), 'Token is malformed', 'Bearer realm="vps-sync", error="invalid_token", error_description="Token is malformed"');
    await expectChallenge(await get('Bearer abc'), 'Token is malformed', 'Bearer realm="vps-sync", error="invalid_token", error_description="Token is malformed"');
  });

  it('refuses an unsigned token (alg "none")', async () => {
    const token = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ user_id: 5, exp: Math.floor(Date.now() / 1000) + 300 })}.`;
    await expectChallenge(await get(`Bearer ${token}`), 'Token algorithm not allowed', 'Bearer realm="vps-sync", error="invalid_token", error_description="Token algorithm not allowed"');
  });

  it('refuses a token signed with another key', async () => {
    const token = await tokenFor(5, { secret: 'another-secret-another-secret-another-secret' });
    await expectChallenge(await get(`Bearer ${token}`), 'Token signature is invalid', 'Bearer realm="vps-sync", error="invalid_token", error_description="Token signature is invalid"');
  });

  it('refuses an algorithm outside the allowlist', async () => {
    const token = await tokenFor(5, { alg: 'HS512' });
    await expectChallenge(await get(`Bearer ${token}`), 'Token algorithm not allowed', 'Bearer realm="vps-sync", error="invalid_token", error_description="Token algorithm not allowed"');
  });

  it('refuses an expired token, beyond the clock tolerance', async () => {
    await expectChallenge(await get(`Bearer ${await tokenFor(5, { expiresIn: -120 })}`), 'Token expired', 'Bearer realm="vps-sync", error="invalid_token", error_description="Token expired"');
  });

  it('tolerates a few seconds of clock skew', async () => {
    expect((await get(`Bearer ${await tokenFor(freshUser(), { expiresIn: -5 })}`)).status).toBe(200);
  });

  it('refuses a token it accepted before once the token expires (verified tokens are kept per isolate)', async () => {
    const token = await tokenFor(freshUser(), { expiresIn: 5 });
    expect((await get(`Bearer ${token}`)).status).toBe(200);
    expect((await get(`Bearer ${token}`)).status).toBe(200);
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      // Past exp and the 30-second clock tolerance, yet within the minute a verified token is kept.
      vi.setSystemTime(Date.now() + 5_000 + 30_000 + 1000);
      await expectChallenge(await get(`Bearer ${token}`), 'Token expired', 'Bearer realm="vps-sync", error="invalid_token", error_description="Token expired"');
    } finally {
      vi.useRealTimers();
    }
  });

  describe('refusals that stay true are remembered per isolate (REFUSED_TOKENS)', () => {
    const badSignature = 'Bearer realm="vps-sync", error="invalid_token", error_description="Token signature is invalid"';
    /** jose checks an HMAC signature with crypto.subtle.verify: a refusal it did not make was remembered. */
    const countVerifies = () => vi.spyOn(crypto.subtle, 'verify');

    it('refuses a token with a bad signature again without checking it again, for a minute', async () => {
      const token = await tokenFor(freshUser(), { secret: 'another-secret-another-secret-another-secret' });
      const verifies = countVerifies();
      try {
        await expectChallenge(await get(`Bearer ${token}`), 'Token signature is invalid', badSignature);
        expect(verifies).toHaveBeenCalledTimes(1);
        await expectChallenge(await get(`Bearer ${token}`), 'Token signature is invalid', badSignature);
        await expectChallenge(await get(`Bearer ${token}`, '/api/vps/1'), 'Token signature is invalid', badSignature);
        expect(verifies).toHaveBeenCalledTimes(1);

        vi.useFakeTimers({ toFake: ['Date'] });
        vi.setSystemTime(Date.now() + REFUSED_TOKENS.maxAgeMs + 1000);
        await expectChallenge(await get(`Bearer ${token}`), 'Token signature is invalid', badSignature);
        expect(verifies).toHaveBeenCalledTimes(2);
      } finally {
        vi.useRealTimers();
        verifies.mockRestore();
      }
    });

    it('remembers an expired token as expired', async () => {
      const token = await tokenFor(freshUser(), { expiresIn: -120 });
      const verifies = countVerifies();
      try {
        for (let i = 0; i < 3; i++) {
          await expectChallenge(await get(`Bearer ${token}`), 'Token expired', 'Bearer realm="vps-sync", error="invalid_token", error_description="Token expired"');
        }
        expect(verifies).toHaveBeenCalledTimes(1);
      } finally {
        verifies.mockRestore();
      }
    });

    it('does not remember "not valid yet": the token is accepted once its nbf has passed', async () => {
      const now = Math.floor(Date.now() / 1000);
      const user = freshUser();
      const token = await signToken({ user_id: user, nbf: now + 120 }, { expiresIn: 600 });
      const notYet = 'Bearer realm="vps-sync", error="invalid_token", error_description="Token is not valid yet"';
      await expectChallenge(await get(`Bearer ${token}`), 'Token is not valid yet', notYet);
      await expectChallenge(await get(`Bearer ${token}`), 'Token is not valid yet', notYet);
      vi.useFakeTimers({ toFake: ['Date'] });
      try {
        vi.setSystemTime(Date.now() + 150_000);
        expect((await get(`Bearer ${token}`)).status).toBe(200);
      } finally {
        vi.useRealTimers();
      }
    });

    it('does not remember a token longer than maxTokenLength: each one is checked', async () => {
      const token = await signToken({ user_id: freshUser(), pad: 'x'.repeat(REFUSED_TOKENS.maxTokenLength) }, { secret: 'another-secret-another-secret-another-secret' });
      expect(token.length).toBeGreaterThan(REFUSED_TOKENS.maxTokenLength);
      const verifies = countVerifies();
      try {
        await expectChallenge(await get(`Bearer ${token}`), 'Token signature is invalid', badSignature);
        await expectChallenge(await get(`Bearer ${token}`), 'Token signature is invalid', badSignature);
        expect(verifies).toHaveBeenCalledTimes(2);
      } finally {
        verifies.mockRestore();
      }
    });

    it('never pushes a verified token out: refusals have their own room', async () => {
      const token = await tokenFor(freshUser());
      expect((await get(`Bearer ${token}`)).status).toBe(200);
      const bearer = required(configOf(env).bearer, { refusing: 'this test' });
      expect(verifiedBefore(bearer, token)).toBeDefined();
      for (let i = 0; i <= REFUSED_TOKENS.maxEntries; i++) rememberRefusal(bearer, `made-up-${i}`, 'Token signature is invalid');
      expect(verifiedBefore(bearer, token)).toBeDefined();
      // The oldest refusal made room for the newest.
      expect(refusedBefore(bearer, 'made-up-0')).toBeUndefined();
      expect(refusedBefore(bearer, `made-up-${REFUSED_TOKENS.maxEntries}`)).toBe('Token signature is invalid');
    });

    it('keeps refusals apart per configuration: a new secret checks the token afresh', async () => {
      const secret = 'another-secret-another-secret-another-secret';
      const token = await tokenFor(freshUser(), { secret });
      await expectChallenge(await get(`Bearer ${token}`), 'Token signature is invalid', badSignature);
      // The same token under a configuration whose secret signed it.
      expect((await callWith({ JWT_SECRET: secret }, '/api/vps', { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    });
  });

  it('refuses a token without exp', async () => {
    await expectChallenge(await get(`Bearer ${await tokenFor(5, { expiresIn: null })}`), 'Token has no valid expiry', 'Bearer realm="vps-sync", error="invalid_token", error_description="Token has no valid expiry"');
  });

  it.each([
    ['no user claim at all', {}],
    ['a non-numeric sub', { sub: 'alice' }],
    ['a zero user_id', { user_id: 0 }],
    ['a fractional user_id', { user_id: 1.5 }],
    ['a user_id out of range', { user_id: 4_294_967_296 }],
    ['a user_id that is not a number', { user_id: 'five' }],
  ])('refuses a token with %s', async (_case, claims) => {
    await expectChallenge(await get(`Bearer ${await signToken(claims)}`), 'Token carries no valid user id', 'Bearer realm="vps-sync", error="invalid_token", error_description="Token carries no valid user id"');
  });

  it('checks iss and aud when configured', async () => {
    const bindings = { JWT_ISSUER: 'https://sso.example.test', JWT_AUDIENCE: 'vps-panel' };
    const user = freshUser();
    const good = await tokenFor(user, { issuer: bindings.JWT_ISSUER, audience: bindings.JWT_AUDIENCE });
    const wrongIss = await tokenFor(user, { issuer: 'https://evil.example.test', audience: bindings.JWT_AUDIENCE });
    const noAud = await tokenFor(user, { issuer: bindings.JWT_ISSUER });
    const as = (token: string) => callWith(bindings, '/api/vps', { headers: { Authorization: `Bearer ${token}` } });

    expect((await as(good)).status).toBe(200);
    await expectChallenge(await as(wrongIss), 'Token issuer is not accepted', 'Bearer realm="vps-sync", error="invalid_token", error_description="Token issuer is not accepted"');
    await expectChallenge(await as(noAud), 'Token audience is not accepted', 'Bearer realm="vps-sync", error="invalid_token", error_description="Token audience is not accepted"');
  });

  it('fails closed with 500 when JWT_SECRET is missing or short', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      for (const secret of [undefined, 'too-short']) {
        const res = await callWith({ JWT_SECRET: secret }, '/api/vps', {
          headers: { Authorization: `Bearer ${await tokenFor(5, { secret: secret ?? 'x' })}` },
        });
        expect(res.status).toBe(500);
        expect((await errorBody(res)).message).toBe('Server misconfigured');
      }
      expect(errors).toHaveBeenCalledWith(expect.stringContaining('JWT_SECRET is not set'));
      expect(errors).toHaveBeenCalledWith(expect.stringContaining('JWT_SECRET is shorter than 32 characters'));
    } finally {
      errors.mockRestore();
    }
  });

  it('guards GET /api/vps/:id the same way', async () => {
    await expectChallenge(await get(undefined, '/api/vps/1'), 'Missing bearer token', 'Bearer realm="vps-sync"');
    await expectChallenge(await get('Bearer nope', '/api/vps/1'), 'Token is malformed', 'Bearer realm="vps-sync", error="invalid_token", error_description="Token is malformed"');
  });
});
