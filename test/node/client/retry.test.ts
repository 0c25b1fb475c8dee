import { describe, expect, it } from 'vitest';
import {
  VpsSyncAuthError,
  VpsSyncConflictError,
  VpsSyncError,
  VpsSyncIdempotencyError,
  VpsSyncMisconfiguredError,
  VpsSyncNotFoundError,
  VpsSyncUnavailableError,
  VpsSyncValidationError,
} from '../../../packages/client/index.js';
import { failed, synced } from './fake-fetch.js';
import { CREATE, NOW, clientWith } from './setup-client.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('retries', () => {
  it('retries a 503, 502, 429, network error and timeout, then returns the success', async () => {
    const { client, calls, waits, retries } = clientWith(
      [failed(503, 'database_unavailable', 'x'), failed(502, null, 'Bad gateway'), failed(429, null, 'Slow down'), new TypeError('fetch failed'), 'hang', synced()],
      { retry: { maxAttempts: 6 }, timeoutMs: 20 },
    );
    const result = await client.createVps(CREATE);
    expect(result.vps.id).toBe(7);
    expect(calls).toHaveLength(6);
    // random 0.5: half of each ceiling 200, 400, 800, 1600, 3200.
    expect(waits).toEqual([100, 200, 400, 800, 1600]);
    expect(retries.map((r) => r.attempt)).toEqual([1, 2, 3, 4, 5]);
    expect(retries.map((r) => (r.error instanceof VpsSyncError ? r.error.status : 'none'))).toEqual([503, 502, 429, 'none', undefined]);
    expect(String(retries[4]?.error)).toContain('No answer within 20 ms');
  });

  it('honours Retry-After in seconds, capped by maxDelayMs', async () => {
    const { client, waits } = clientWith([
      failed(503, 'database_unavailable', 'Database temporarily unavailable, retry later', { 'Retry-After': '5' }),
      failed(429, null, 'Too many requests', { 'Retry-After': '120' }),
      synced(),
    ]);
    await client.createVps(CREATE);
    expect(waits).toEqual([5000, 10_000]);
  });

  it('retries the panel\'s own 429 rate_limited after its Retry-After', async () => {
    const { client, waits, calls } = clientWith([failed(429, 'rate_limited', 'Too many requests; retry after Retry-After seconds', { 'Retry-After': '7' }), synced()]);
    await client.createVps(CREATE);
    expect(waits).toEqual([7000]);
    expect(calls).toHaveLength(2);
  });

  it('honours Retry-After as an HTTP-date', async () => {
    const { client, waits } = clientWith([failed(429, null, 'Too many requests', { 'Retry-After': new Date(NOW + 3000).toUTCString() }), synced()]);
    await client.createVps(CREATE);
    expect(waits).toEqual([3000]);
  });

  it('retries idempotency_key_in_use (the same key still in flight), not an external_id clash', async () => {
    const inFlight = failed(409, 'idempotency_key_in_use', 'A request with this Idempotency-Key is still in progress; retry later', { 'Retry-After': '1' });
    const { client, calls, waits } = clientWith([inFlight, synced()]);
    await client.createVps(CREATE);
    expect(calls).toHaveLength(2);
    expect(waits).toEqual([1000]);
    expect(calls[0]?.idempotencyKey).toBe(calls[1]?.idempotencyKey);

    const clash = clientWith([failed(409, 'external_id_conflict', 'external_id "order-42" already belongs to VPS 7 with different data'), synced()]);
    await expect(clash.client.createVps(CREATE)).rejects.toBeInstanceOf(VpsSyncConflictError);
    expect(clash.calls).toHaveLength(1);
  });

  it('retries a 500 that is not a misconfiguration', async () => {
    const { client, calls } = clientWith([failed(500, 'internal', 'Internal server error'), synced()]);
    await client.createVps(CREATE);
    expect(calls).toHaveLength(2);
  });

  const final = [
    [400, 'validation_failed', VpsSyncValidationError],
    [400, 'malformed_body', VpsSyncValidationError],
    [401, 'unauthorized', VpsSyncAuthError],
    [404, 'not_found', VpsSyncNotFoundError],
    [409, 'external_id_conflict', VpsSyncConflictError],
    [413, 'payload_too_large', VpsSyncError],
    [415, 'unsupported_media_type', VpsSyncError],
    [422, 'idempotency_key_reused', VpsSyncIdempotencyError],
    [500, 'misconfigured', VpsSyncMisconfiguredError],
  ] as const;
  it.each(final)('does not retry %i %s', async (status, code, type) => {
    const { client, calls, waits } = clientWith([failed(status, code, `refused ${status}`), synced()]);
    const error = await client.createVps(CREATE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject({ status, code, message: `refused ${status}`, requestId: `req-${status}` });
    expect(calls).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('decides on the code alone, never on the message or on which headers came', async () => {
    // In flight without Retry-After: still retried.
    const inFlight = clientWith([failed(409, 'idempotency_key_in_use', 'busy'), synced()]);
    await inFlight.client.createVps(CREATE);
    expect(inFlight.calls).toHaveLength(2);
    // A misconfiguration worded otherwise: still final.
    const misconfigured = clientWith([failed(500, 'misconfigured', 'Some other words'), synced()]);
    await expect(misconfigured.client.createVps(CREATE)).rejects.toBeInstanceOf(VpsSyncMisconfiguredError);
    expect(misconfigured.calls).toHaveLength(1);
    // The old misconfiguration message under an outage's code: retried.
    const outage = clientWith([failed(503, 'database_unavailable', 'Server misconfigured'), synced()]);
    await outage.client.createVps(CREATE);
    expect(outage.calls).toHaveLength(2);
    // A clash that happens to carry Retry-After: still final.
    const clash = clientWith([failed(409, 'external_id_conflict', 'clash', { 'Retry-After': '1' }), synced()]);
    await expect(clash.client.createVps(CREATE)).rejects.toBeInstanceOf(VpsSyncConflictError);
    expect(clash.calls).toHaveLength(1);
  });

  it('gives up after maxAttempts with VpsSyncUnavailableError keeping the last failure', async () => {
    const { client, calls, waits } = clientWith([failed(503, 'database_unavailable', 'Database temporarily unavailable, retry later')]);
    const error = await client.createVps(CREATE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VpsSyncUnavailableError);
    const unavailable = error as VpsSyncUnavailableError;
    expect(unavailable).toMatchObject({ attempts: 5, status: 503, code: 'database_unavailable', requestId: 'req-503' });
    expect(unavailable.message).toBe('Gave up after 5 attempt(s): Database temporarily unavailable, retry later');
    expect(unavailable.cause).toBeInstanceOf(VpsSyncError);
    expect((unavailable.cause as VpsSyncError).status).toBe(503);
    expect(calls).toHaveLength(5);
    expect(waits).toEqual([100, 200, 400, 800]);
  });

  it('gives up on network errors with the fetch error as cause and no status', async () => {
    const down = new TypeError('fetch failed');
    const { client, calls } = clientWith([down], { retry: { maxAttempts: 3 } });
    const error = (await client.deleteVps({ id: 7 }).catch((e: unknown) => e)) as VpsSyncUnavailableError;
    expect(error).toBeInstanceOf(VpsSyncUnavailableError);
    expect(error).toMatchObject({ attempts: 3, status: undefined, cause: down });
    expect(calls).toHaveLength(3);
  });

  it('stops at once when the caller aborts, even between attempts', async () => {
    const controller = new AbortController();
    const { client, calls } = clientWith([failed(503, 'database_unavailable', 'x')], {
      sleep: async () => controller.abort(new Error('shutting down')),
    });
    await expect(client.createVps(CREATE, { signal: controller.signal })).rejects.toThrow('shutting down');
    expect(calls).toHaveLength(1);
  });

  it('stops a hanging attempt when the caller aborts, without retrying it', async () => {
    const controller = new AbortController();
    const { client, calls } = clientWith(['hang'], { timeoutMs: 60_000 });
    setTimeout(() => controller.abort(new Error('cancelled')), 10);
    await expect(client.createVps(CREATE, { signal: controller.signal })).rejects.toThrow('cancelled');
    expect(calls).toHaveLength(1);
  });
});

describe('Idempotency-Key', () => {
  it('is one random UUID per call, the same on each of its attempts', async () => {
    const { client, calls } = clientWith([failed(503, 'database_unavailable', 'x'), failed(503, 'database_unavailable', 'x'), synced(), synced(200)]);
    await client.createVps(CREATE);
    await client.updateStatus({ id: 7 }, 'running');
    const keys = calls.map((c) => c.idempotencyKey);
    expect(keys[0]).toMatch(UUID);
    expect(keys.slice(0, 3)).toEqual([keys[0], keys[0], keys[0]]);
    expect(keys[3]).toMatch(UUID);
    expect(keys[3]).not.toBe(keys[0]);
  });

  it("is the caller's own when given", async () => {
    const { client, calls, retries } = clientWith([failed(502, null, 'x'), synced()]);
    await client.createVps(CREATE, { idempotencyKey: 'order-42-create' });
    expect(calls.map((c) => c.idempotencyKey)).toEqual(['order-42-create', 'order-42-create']);
    expect(retries[0]?.idempotencyKey).toBe('order-42-create');
  });

  it('is refused locally when the server would refuse it', async () => {
    const { client, calls } = clientWith([synced()]);
    for (const idempotencyKey of ['', 'has space', 'x'.repeat(256)]) {
      const error = await client.createVps(CREATE, { idempotencyKey }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(VpsSyncValidationError);
      expect(error).toMatchObject({ local: true, errors: [{ field: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' }] });
    }
    expect(calls).toHaveLength(0);
  });
});
