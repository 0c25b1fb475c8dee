import { describe, expect, it } from 'vitest';
import { createVpsSyncClient, VpsSyncAuthError } from '../../../packages/client/index.js';
import { TEST_PREVIOUS_SIGNING_SECRET, TEST_SIGNING_SECRET } from '../../bindings.js';
import { sign } from '../../signing.js';
import { failed, synced } from './fake-fetch.js';
import { CREATE, NOW, clientWith } from './setup-client.js';

/** The signature of `secret` over what one call sent, computed apart from the client (test/signing.ts). */
const expected = (secret: string, headers: Record<string, string>, body: string) =>
  sign(secret, headers['webhook-id']!, Number(headers['webhook-timestamp']), body).then((s) => `v1,${s}`);

describe('the client with a signingSecret', () => {
  it('signs the exact body it sends, Standard Webhooks style, at its clock', async () => {
    const { client, calls } = clientWith([synced()], { signingSecret: TEST_SIGNING_SECRET });
    await client.createVps(CREATE);
    const { headers, body } = calls[0]!.init;
    expect(headers['webhook-id']).toMatch(/^msg_[0-9a-f-]{36}$/);
    expect(headers['webhook-timestamp']).toBe(String(NOW / 1000));
    expect(headers['webhook-signature']).toBe(await expected(TEST_SIGNING_SECRET, headers, body ?? ''));
    expect(headers['X-API-Key']).toBeDefined();
  });

  it('signs every attempt anew: a new webhook-id and the time of that attempt, the same Idempotency-Key', async () => {
    let now = NOW;
    const { client, calls } = clientWith([failed(503, 'database_unavailable', 'down'), synced()], {
      signingSecret: TEST_SIGNING_SECRET,
      now: () => (now += 7000),
    });
    await client.createVps(CREATE);
    expect(calls).toHaveLength(2);
    const [first, second] = calls.map((c) => c.init.headers);
    expect(second!['webhook-id']).not.toBe(first!['webhook-id']);
    expect(Number(second!['webhook-timestamp'])).toBeGreaterThan(Number(first!['webhook-timestamp']));
    expect(second!['Idempotency-Key']).toBe(first!['Idempotency-Key']);
    for (const call of calls) expect(call.init.headers['webhook-signature']).toBe(await expected(TEST_SIGNING_SECRET, call.init.headers, call.init.body ?? ''));
  });

  it('sends one signature per secret during a rotation', async () => {
    const { client, calls } = clientWith([synced()], { signingSecret: [TEST_SIGNING_SECRET, TEST_PREVIOUS_SIGNING_SECRET] });
    await client.createVps(CREATE);
    const { headers, body } = calls[0]!.init;
    expect(headers['webhook-signature']).toBe(
      `${await expected(TEST_SIGNING_SECRET, headers, body ?? '')} ${await expected(TEST_PREVIOUS_SIGNING_SECRET, headers, body ?? '')}`,
    );
  });

  it('sends no signature headers without one', async () => {
    const { client, calls } = clientWith([synced()]);
    await client.createVps(CREATE);
    expect(Object.keys(calls[0]!.init.headers).filter((h) => h.startsWith('webhook-'))).toEqual([]);
  });

  it('refuses a secret that is not whsec_ + base64 of 24 to 64 bytes when built', () => {
    const ok = { baseUrl: 'https://panel.example.test', apiKey: 'k' };
    expect(() => createVpsSyncClient({ ...ok, signingSecret: 'not-a-secret' })).toThrow('signingSecret must start with whsec_');
    expect(() => createVpsSyncClient({ ...ok, signingSecret: `whsec_${btoa('short')}` })).toThrow('signingSecret must decode to 24 to 64 bytes');
    expect(() => createVpsSyncClient({ ...ok, signingSecret: [TEST_SIGNING_SECRET, 'whsec_!!'] })).toThrow('signingSecret[1] must be whsec_ followed by base64');
    expect(() => createVpsSyncClient({ ...ok, signingSecret: [] })).toThrow('signingSecret must name at least one secret');
  });

  it.each(['signature_missing', 'signature_invalid', 'signature_timestamp_out_of_window', 'signature_replayed'] as const)(
    'throws VpsSyncAuthError for %s without retrying',
    async (code) => {
      const { client, calls } = clientWith([failed(401, code, 'refused')], { signingSecret: TEST_SIGNING_SECRET });
      const err = await client.createVps(CREATE).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VpsSyncAuthError);
      expect(err).toMatchObject({ status: 401, code });
      expect(calls).toHaveLength(1);
    },
  );
});
