import { describe, expect, it, vi } from 'vitest';
import { TEST_BINDINGS } from '../bindings.js';
import { callWith, errorBody, freshUser, sync, syncRequest, tokenFor, validVps } from './helpers.js';

const create = () => ({ action: 'create', vps: validVps(freshUser()) });
const API_KEY_CHALLENGE = 'ApiKey realm="vps-sync", header="X-API-Key"';

describe('POST /api/vps/sync authentication', () => {
  it('accepts the configured key', async () => {
    expect((await sync(create())).status).toBe(201);
  });

  it.each([
    ['missing', undefined, 'Missing X-API-Key header'],
    ['empty', '', 'Missing X-API-Key header'],
    ['wrong', 'x'.repeat(48), 'Invalid API key'],
    ['a prefix of the right key', TEST_BINDINGS.VPS_SYNC_API_KEY.slice(0, -1), 'Invalid API key'],
    ['the right key plus more', TEST_BINDINGS.VPS_SYNC_API_KEY + 'x', 'Invalid API key'],
  ])('refuses a %s key with 401', async (_case, key, message) => {
    const init = syncRequest(create());
    const headers = new Headers(init.headers);
    if (key === undefined) headers.delete('X-API-Key');
    else headers.set('X-API-Key', key);
    const res = await callWith({}, '/api/vps/sync', { ...init, headers });

    expect(res.status).toBe(401);
    expect(res.headers.get('WWW-Authenticate')).toBe(API_KEY_CHALLENGE);
    expect(await errorBody(res)).toEqual({
      status: 'error',
      code: 'unauthorized',
      message,
      errors: [],
      request_id: res.headers.get('X-Request-Id'),
    });
  });

  it('does not accept a user JWT in place of the key', async () => {
    const init = syncRequest(create());
    const headers = new Headers(init.headers);
    headers.delete('X-API-Key');
    headers.set('Authorization', `Bearer ${await tokenFor(5)}`);
    const res = await callWith({}, '/api/vps/sync', { ...init, headers });
    expect(res.status).toBe(401);
    expect((await errorBody(res)).message).toBe('Missing X-API-Key header');
  });

  it('checks the key before reading the body', async () => {
    const res = await sync('{not json', { 'X-API-Key': 'wrong-key-wrong-key-wrong-key-wrong' });
    expect(res.status).toBe(401);
  });
});

describe('POST /api/vps/sync with a misconfigured key fails closed', () => {
  it.each([
    ['missing', undefined, 'VPS_SYNC_API_KEY is not set'],
    ['empty', '', 'VPS_SYNC_API_KEY is not set'],
    ['shorter than 32 characters', 'short-key-31-characters-long-xx', 'VPS_SYNC_API_KEY is shorter than 32 characters'],
  ])('answers 500 "Server misconfigured" when the key is %s, even to that key', async (_case, configured, logged) => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const res = await callWith(
        { VPS_SYNC_API_KEY: configured },
        '/api/vps/sync',
        syncRequest(create(), { 'X-API-Key': configured ?? '' }),
      );
      expect(res.status).toBe(500);
      expect(await errorBody(res)).toEqual({
        status: 'error',
        code: 'misconfigured',
        message: 'Server misconfigured',
        errors: [],
        request_id: res.headers.get('X-Request-Id'),
      });
      expect(errors).toHaveBeenCalledWith(expect.stringContaining(logged));
    } finally {
      errors.mockRestore();
    }
  });
});

describe('POST /api/vps/sync during a key rotation', () => {
  const previous = 'previous-key-0123456789abcdef0123456789abcdef';

  it('accepts the current and the previous key while VPS_SYNC_API_KEY_PREVIOUS is set', async () => {
    const rotating = { VPS_SYNC_API_KEY_PREVIOUS: previous };
    for (const key of [TEST_BINDINGS.VPS_SYNC_API_KEY, previous]) {
      const res = await callWith(rotating, '/api/vps/sync', syncRequest(create(), { 'X-API-Key': key }));
      expect(res.status, key).toBe(201);
    }
    const wrong = await callWith(rotating, '/api/vps/sync', syncRequest(create(), { 'X-API-Key': 'z'.repeat(40) }));
    expect(wrong.status).toBe(401);
  });

  it('refuses the previous key once it is removed', async () => {
    const res = await callWith({}, '/api/vps/sync', syncRequest(create(), { 'X-API-Key': previous }));
    expect(res.status).toBe(401);
  });

  it('fails closed when the previous key is too short', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const res = await callWith({ VPS_SYNC_API_KEY_PREVIOUS: 'short' }, '/api/vps/sync', syncRequest(create()));
      expect(res.status).toBe(500);
      expect(errors).toHaveBeenCalledWith(expect.stringContaining('VPS_SYNC_API_KEY_PREVIOUS is shorter than 32 characters'));
    } finally {
      errors.mockRestore();
    }
  });
});
