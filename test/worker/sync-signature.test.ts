import { env } from 'cloudflare:workers';
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it, vi } from 'vitest';
import worker from '../../src/index.js';
import { SIGNATURE_TOLERANCE_SECONDS } from '../../src/contract/index.js';
import { TEST_BINDINGS, TEST_PREVIOUS_SIGNING_SECRET, TEST_SIGNING_SECRET, TEST_WRONG_SIGNING_SECRET } from '../bindings.js';
import { sign, signatureHeaders, type SignOptions } from '../signing.js';
import { callWith, errorBody, freshUser, listAs, syncRequest, validVps } from './helpers.js';
import { countedStores } from './round-trips.js';

const SIGNING = { VPS_SYNC_SIGNING_SECRET: TEST_SIGNING_SECRET };
const REQUIRED = { ...SIGNING, VPS_SYNC_REQUIRE_SIGNATURE: 'true' };
const ROTATING = { ...SIGNING, VPS_SYNC_SIGNING_SECRET_PREVIOUS: TEST_PREVIOUS_SIGNING_SECRET };
const CHALLENGE = 'WebhookSignature realm="vps-sync", headers="webhook-id webhook-timestamp webhook-signature"';

const createBody = (userId = freshUser()) => JSON.stringify({ action: 'create', vps: validVps(userId, { name: 'signed-vps' }) });

/** POST /api/vps/sync with `body` exactly as given, signed with `options` (or with the given headers). */
async function signedSync(bindings: Record<string, unknown>, body: string, options: SignOptions = {}, headers?: Record<string, string>) {
  return callWith(bindings, '/api/vps/sync', syncRequest(body, headers ?? (await signatureHeaders(body, options))));
}

async function expectRefused(res: Response, code: string, message: string, errors: { field: string; message: string }[]) {
  expect(res.status).toBe(401);
  expect(res.headers.get('WWW-Authenticate')).toBe(CHALLENGE);
  expect(await errorBody(res)).toEqual({ status: 'error', code, message, errors, request_id: res.headers.get('X-Request-Id') });
}

describe('POST /api/vps/sync with a signing secret', () => {
  it('accepts a request signed with it', async () => {
    const user = freshUser();
    const res = await signedSync(SIGNING, createBody(user));
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ outcome: 'created', vps: { user_id: user, name: 'signed-vps' } });
  });

  it('refuses a request signed with another secret, and changes nothing', async () => {
    const user = freshUser();
    const res = await signedSync(SIGNING, createBody(user), { secrets: [TEST_WRONG_SIGNING_SECRET] });
    await expectRefused(res, 'signature_invalid', 'No signature matches the request', [{ field: 'webhook-signature', message: 'does not match the body' }]);
    expect(await (await listAs(user)).json()).toMatchObject({ vps: [] });
  });

  it('refuses a body with one byte changed after signing', async () => {
    const user = freshUser();
    const body = createBody(user);
    const headers = await signatureHeaders(body);
    const tampered = body.replace('"cpu":2', '"cpu":3');
    expect(tampered.length).toBe(body.length);
    expect(tampered).not.toBe(body);
    await expectRefused(await signedSync(SIGNING, tampered, {}, headers), 'signature_invalid', 'No signature matches the request', [
      { field: 'webhook-signature', message: 'does not match the body' },
    ]);
    expect(await (await listAs(user)).json()).toMatchObject({ vps: [] });
  });

  it('refuses a signature over other bytes of the same JSON (verified on the raw body, not on parsed JSON)', async () => {
    const body = createBody();
    const headers = await signatureHeaders(body);
    const reformatted = JSON.stringify(JSON.parse(body), null, 1);
    expect((await signedSync(SIGNING, reformatted, {}, headers)).status).toBe(401);
  });

  it.each([
    ['in the past', -(SIGNATURE_TOLERANCE_SECONDS + 5)],
    ['in the future', SIGNATURE_TOLERANCE_SECONDS + 5],
  ])('refuses a timestamp more than 5 minutes %s, even correctly signed', async (_case, offset) => {
    const res = await signedSync(SIGNING, createBody(), { timestamp: Math.floor(Date.now() / 1000) + offset });
    await expectRefused(res, 'signature_timestamp_out_of_window', "webhook-timestamp is more than 300 seconds away from the server's clock", [
      { field: 'webhook-timestamp', message: 'is outside the 5-minute window' },
    ]);
  });

  it('accepts a timestamp within the window on either side', async () => {
    for (const offset of [-(SIGNATURE_TOLERANCE_SECONDS - 10), SIGNATURE_TOLERANCE_SECONDS - 10]) {
      const res = await signedSync(SIGNING, createBody(), { timestamp: Math.floor(Date.now() / 1000) + offset });
      expect(res.status, String(offset)).toBe(201);
    }
  });

  it('refuses a replayed webhook-id: the same request again, or the id re-signed with a new timestamp', async () => {
    const user = freshUser();
    const body = JSON.stringify({ action: 'create', vps: validVps(user, { external_id: `signed-${crypto.randomUUID()}` }) });
    const id = `msg_${crypto.randomUUID()}`;
    const headers = await signatureHeaders(body, { id });
    expect((await signedSync(SIGNING, body, {}, headers)).status).toBe(201);

    const replay = await signedSync(SIGNING, body, {}, headers);
    await expectRefused(replay, 'signature_replayed', 'This webhook-id was already used; sign every request with a new webhook-id', [
      { field: 'webhook-id', message: 'was already used' },
    ]);
    const resigned = await signedSync(SIGNING, body, { id, timestamp: Math.floor(Date.now() / 1000) + 1 });
    expect((await errorBody(resigned)).code).toBe('signature_replayed');
    // A new id for the same create is a replay of the create, not of the signature: applied once.
    const again = await signedSync(SIGNING, body);
    expect(await again.json()).toMatchObject({ outcome: 'replayed', applied: false });
  });

  it('does not spend the webhook-id of a refused signature', async () => {
    const body = createBody();
    const id = `msg_${crypto.randomUUID()}`;
    expect((await signedSync(SIGNING, body, { id, secrets: [TEST_WRONG_SIGNING_SECRET] })).status).toBe(401);
    expect((await signedSync(SIGNING, body, { id })).status).toBe(201);
  });

  it('accepts an unsigned request while signatures are not required', async () => {
    expect((await callWith(SIGNING, '/api/vps/sync', syncRequest(createBody()))).status).toBe(201);
  });

  it('refuses a partly signed request while signatures are not required, naming the headers it lacks', async () => {
    const user = freshUser();
    const body = createBody(user);
    const res = await signedSync(SIGNING, body, {}, { 'webhook-id': `msg_${crypto.randomUUID()}` });
    await expectRefused(res, 'signature_missing', 'A signed request carries webhook-id, webhook-timestamp and webhook-signature; missing: webhook-timestamp, webhook-signature', [
      { field: 'webhook-timestamp', message: 'is required for a signed request' },
      { field: 'webhook-signature', message: 'is required for a signed request' },
    ]);
    expect(await (await listAs(user)).json()).toMatchObject({ vps: [] });

    // An empty header is no header: the request is not signed, nor is it unsigned.
    const { 'webhook-signature': _dropped, ...rest } = await signatureHeaders(body);
    const empty = await signedSync(SIGNING, body, {}, { ...rest, 'webhook-signature': '' });
    await expectRefused(empty, 'signature_missing', 'A signed request carries webhook-id, webhook-timestamp and webhook-signature; missing: webhook-signature', [
      { field: 'webhook-signature', message: 'is required for a signed request' },
    ]);
  });

  it('verifies a streamed body without Content-Length and still hands it to validation', async () => {
    const body = createBody();
    const headers = await signatureHeaders(body);
    const stream = () => new Blob([body]).stream();
    const init = (payload: ReadableStream) => ({ ...syncRequest('', headers), body: payload, duplex: 'half' }) as RequestInit;
    const res = await callWith(SIGNING, '/api/vps/sync', init(stream()));
    expect(res.status).toBe(201);

    const invalid = JSON.stringify({ action: 'create', vps: validVps(freshUser(), { cpu: 0 }) });
    const res2 = await callWith(SIGNING, '/api/vps/sync', { ...init(new Blob([invalid]).stream()), headers: { ...syncRequest('').headers, ...(await signatureHeaders(invalid)) } });
    expect(res2.status).toBe(400);
    expect((await errorBody(res2)).errors).toEqual([{ field: 'vps.cpu', message: 'must be an integer between 1 and 1024' }]);
  });

  it('answers 413 for a signed body over the limit, before verifying it', async () => {
    const body = JSON.stringify({ action: 'create', vps: validVps(freshUser()), pad: 'x'.repeat(70_000) });
    const res = await signedSync(SIGNING, body);
    expect(res.status).toBe(413);
    expect((await errorBody(res)).code).toBe('payload_too_large');
  });

  it.each([
    ['a webhook-id with a space', { 'webhook-id': 'msg 1' }, 'Malformed webhook-id', 'webhook-id', 'must be 1 to 255 visible ASCII characters'],
    ['a timestamp in milliseconds with a fraction', { 'webhook-timestamp': '1700000000.5' }, 'Malformed webhook-timestamp', 'webhook-timestamp', 'must be whole seconds since the Unix epoch'],
    ['a signature that is not base64 of 32 bytes', { 'webhook-signature': 'v1,abc' }, 'Malformed webhook-signature', 'webhook-signature', 'must list 1 to 8 signatures "v1,<base64 of 32 bytes>", separated by spaces'],
    ['no v1 signature', { 'webhook-signature': 'v1a,AAAA' }, 'Malformed webhook-signature', 'webhook-signature', 'must list 1 to 8 signatures "v1,<base64 of 32 bytes>", separated by spaces'],
  ])('refuses %s as signature_invalid', async (_case, override, message, field, fieldMessage) => {
    const body = createBody();
    const res = await signedSync(SIGNING, body, {}, { ...(await signatureHeaders(body)), ...override });
    await expectRefused(res, 'signature_invalid', message, [{ field, message: fieldMessage }]);
  });

  it('refuses more than 8 signatures', async () => {
    const body = createBody();
    const headers = await signatureHeaders(body);
    headers['webhook-signature'] = Array(9).fill(headers['webhook-signature']).join(' ');
    expect((await errorBody(await signedSync(SIGNING, body, {}, headers))).code).toBe('signature_invalid');
  });

  it('ignores the signatures of other schemes next to a matching v1 one', async () => {
    const body = createBody();
    const headers = await signatureHeaders(body);
    headers['webhook-signature'] = `v1a,c29tZXRoaW5nIGVsc2U= ${headers['webhook-signature']}`;
    expect((await signedSync(SIGNING, body, {}, headers)).status).toBe(201);
  });
});

describe('POST /api/vps/sync during a signing secret rotation', () => {
  it('accepts two signatures, one with the previous secret and one with the new', async () => {
    const res = await signedSync(ROTATING, createBody(), { secrets: [TEST_PREVIOUS_SIGNING_SECRET, TEST_SIGNING_SECRET] });
    expect(res.status).toBe(201);
  });

  it('accepts a request signed with either secret alone, and none signed with neither', async () => {
    expect((await signedSync(ROTATING, createBody(), { secrets: [TEST_PREVIOUS_SIGNING_SECRET] })).status).toBe(201);
    expect((await signedSync(ROTATING, createBody(), { secrets: [TEST_SIGNING_SECRET] })).status).toBe(201);
    expect((await signedSync(ROTATING, createBody(), { secrets: [TEST_WRONG_SIGNING_SECRET, TEST_WRONG_SIGNING_SECRET] })).status).toBe(401);
  });

  it('refuses the previous secret once it is removed, even next to a wrong signature', async () => {
    const res = await signedSync(SIGNING, createBody(), { secrets: [TEST_PREVIOUS_SIGNING_SECRET, TEST_WRONG_SIGNING_SECRET] });
    expect((await errorBody(res)).code).toBe('signature_invalid');
  });
});

describe('POST /api/vps/sync when signatures are required', () => {
  it('refuses an unsigned request even with the right API key', async () => {
    const user = freshUser();
    const res = await callWith(REQUIRED, '/api/vps/sync', syncRequest(createBody(user)));
    await expectRefused(res, 'signature_missing', 'This request must be signed: webhook-id, webhook-timestamp and webhook-signature', [
      { field: 'webhook-id', message: 'is required for a signed request' },
      { field: 'webhook-timestamp', message: 'is required for a signed request' },
      { field: 'webhook-signature', message: 'is required for a signed request' },
    ]);
    expect(await (await listAs(user)).json()).toMatchObject({ vps: [] });
  });

  it('names the one header missing', async () => {
    const body = createBody();
    const { 'webhook-timestamp': _dropped, ...headers } = await signatureHeaders(body);
    const res = await signedSync(REQUIRED, body, {}, headers);
    await expectRefused(res, 'signature_missing', 'A signed request carries webhook-id, webhook-timestamp and webhook-signature; missing: webhook-timestamp', [
      { field: 'webhook-timestamp', message: 'is required for a signed request' },
    ]);
  });

  it('accepts a signed request', async () => {
    expect((await signedSync(REQUIRED, createBody())).status).toBe(201);
  });

  it('still checks the API key first: a signature does not replace it', async () => {
    const body = createBody();
    const res = await signedSync(REQUIRED, body, {}, { ...(await signatureHeaders(body)), 'X-API-Key': 'z'.repeat(40) });
    expect(res.status).toBe(401);
    expect((await errorBody(res)).code).toBe('unauthorized');
  });
});

describe('POST /api/vps/sync without a signing secret', () => {
  it('accepts unsigned requests, and ignores webhook-* headers it cannot check', async () => {
    expect(TEST_BINDINGS.VPS_SYNC_SIGNING_SECRET).toBe('');
    expect((await callWith({}, '/api/vps/sync', syncRequest(createBody()))).status).toBe(201);
    const body = createBody();
    expect((await signedSync({}, body, { secrets: [TEST_WRONG_SIGNING_SECRET] })).status).toBe(201);
  });
});

describe('a misconfigured signing setup fails closed', () => {
  it.each([
    ['a secret without the whsec_ prefix', { VPS_SYNC_SIGNING_SECRET: TEST_SIGNING_SECRET.slice(6) }, 'VPS_SYNC_SIGNING_SECRET must start with whsec_'],
    ['a secret that is not base64', { VPS_SYNC_SIGNING_SECRET: 'whsec_not base64!' }, 'VPS_SYNC_SIGNING_SECRET must be whsec_ followed by base64'],
    ['a secret of 16 bytes', { VPS_SYNC_SIGNING_SECRET: `whsec_${btoa('0123456789abcdef')}` }, 'VPS_SYNC_SIGNING_SECRET must decode to 24 to 64 bytes'],
    ['a short previous secret', { ...SIGNING, VPS_SYNC_SIGNING_SECRET_PREVIOUS: `whsec_${btoa('short')}` }, 'VPS_SYNC_SIGNING_SECRET_PREVIOUS must'],
    ['a previous secret alone', { VPS_SYNC_SIGNING_SECRET_PREVIOUS: TEST_PREVIOUS_SIGNING_SECRET }, 'VPS_SYNC_SIGNING_SECRET_PREVIOUS is set without VPS_SYNC_SIGNING_SECRET'],
    ['required without a secret', { VPS_SYNC_REQUIRE_SIGNATURE: 'true' }, 'VPS_SYNC_REQUIRE_SIGNATURE is true but VPS_SYNC_SIGNING_SECRET is not set'],
    ['a require flag that is not true or false', { ...SIGNING, VPS_SYNC_REQUIRE_SIGNATURE: 'yes' }, 'VPS_SYNC_REQUIRE_SIGNATURE must be true or false'],
    [
      'the test secret in production',
      { ...SIGNING, ENVIRONMENT: 'production', VPS_SYNC_API_KEY: `own-key-${crypto.randomUUID()}` },
      'VPS_SYNC_SIGNING_SECRET is a value shipped in this repository',
    ],
  ])('answers 500 misconfigured for %s, signed or not, and logs why', async (_case, bindings, logged) => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const key = { 'X-API-Key': (bindings as { VPS_SYNC_API_KEY?: string }).VPS_SYNC_API_KEY ?? TEST_BINDINGS.VPS_SYNC_API_KEY };
      const body = createBody();
      const signed = createBody();
      for (const res of [
        await callWith(bindings, '/api/vps/sync', syncRequest(body, key)),
        await callWith(bindings, '/api/vps/sync', syncRequest(signed, { ...key, ...(await signatureHeaders(signed)) })),
      ]) {
        expect(res.status).toBe(500);
        expect((await errorBody(res)).code).toBe('misconfigured');
      }
      expect(errors).toHaveBeenCalledWith(expect.stringContaining(logged));
      expect(errors.mock.calls.flat().join('\n')).not.toContain(TEST_SIGNING_SECRET.slice(6));
    } finally {
      errors.mockRestore();
    }
  });
});

describe('webhook-id records', () => {
  const { stores } = countedStores();
  const ids = stores.webhookIds;
  const freshId = () => `msg_${crypto.randomUUID()}`;

  it('claim an id once until it expires, then again', async () => {
    const id = freshId();
    const now = Date.now();
    expect(await ids.claim(id, new Date(now + 300_000), new Date(now))).toBe(true);
    expect(await ids.claim(id, new Date(now + 300_000), new Date(now))).toBe(false);
    expect(await ids.claim(id, new Date(now + 900_000), new Date(now + 300_001))).toBe(true);
  });

  it('hold ids byte for byte: case and length matter', async () => {
    const id = `msg_${crypto.randomUUID()}`.toUpperCase() + '~'.repeat(200);
    const now = new Date();
    expect(await ids.claim(id, new Date(now.getTime() + 1000), now)).toBe(true);
    expect(await ids.claim(id.toLowerCase(), new Date(now.getTime() + 1000), now)).toBe(true);
  });

  it('release an id for a retry', async () => {
    const id = freshId();
    const now = new Date();
    await ids.claim(id, new Date(now.getTime() + 300_000), now);
    await ids.release(id);
    expect(await ids.claim(id, new Date(now.getTime() + 300_000), now)).toBe(true);
  });

  it('are purged by the hourly cron once expired', async () => {
    const expired = freshId();
    const live = freshId();
    const now = Date.now();
    await ids.claim(expired, new Date(now - 1000), new Date(now - 301_000));
    await ids.claim(live, new Date(now + 300_000), new Date(now));

    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: '17 * * * *' }), env, ctx);
    await waitOnExecutionContext(ctx);
    const lines = log.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>);
    log.mockRestore();
    expect(lines).toContainEqual({ level: 'info', msg: 'purged expired webhook ids', request_id: null, task: 'purge-webhook-ids', purged: expect.any(Number) });
    expect(lines.find((l) => l.task === 'purge-webhook-ids')?.purged).toBeGreaterThanOrEqual(1);

    // The expired record is gone: only an insert (not a takeover) can now claim it with a past expiry.
    expect(await ids.claim(expired, new Date(now - 500), new Date(now - 600_000))).toBe(true);
    expect(await ids.claim(live, new Date(now + 300_000), new Date(now))).toBe(false);
  });
});

describe('the Standard Webhooks specification\'s test vector', () => {
  const vector = {
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
    timestamp: 1614265330,
    body: '{"test": 2432232314}',
    signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
  };

  it('is what the tests sign', async () => {
    expect(`v1,${await sign(vector.secret, vector.id, vector.timestamp, vector.body)}`).toBe(vector.signature);
  });

  it('passes the Worker\'s check (the body then fails validation: it is no sync request)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime((vector.timestamp + 10) * 1000);
    try {
      const headers = { 'webhook-id': vector.id, 'webhook-timestamp': String(vector.timestamp), 'webhook-signature': vector.signature };
      const res = await callWith({ VPS_SYNC_SIGNING_SECRET: vector.secret, VPS_SYNC_REQUIRE_SIGNATURE: 'true' }, '/api/vps/sync', syncRequest(vector.body, headers));
      expect(res.status).toBe(400);
      expect((await errorBody(res)).code).toBe('validation_failed');
    } finally {
      vi.useRealTimers();
    }
  });
});
