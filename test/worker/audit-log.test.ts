import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { TEST_BINDINGS, TEST_PREVIOUS_SIGNING_SECRET, TEST_SIGNING_SECRET } from '../bindings';
import { signatureHeaders } from '../signing';
import { callWith, freshUser, syncRequest, tokenFor, validVps } from './helpers';

/** Every line the Worker wrote to the console during a test, parsed (each must be one JSON object). */
let spies: MockInstance[] = [];
function lines(): Record<string, unknown>[] {
  return spies.flatMap((spy) => spy.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>));
}
const linesOf = (res: Response) => lines().filter((l) => l.request_id === res.headers.get('X-Request-Id'));

beforeEach(() => {
  spies = (['log', 'warn', 'error'] as const).map((level) => vi.spyOn(console, level).mockImplementation(() => {}));
});
afterEach(() => {
  for (const spy of spies) spy.mockRestore();
});

const PREVIOUS_KEY = 'previous-key-0123456789abcdef0123456789abcdef';
const ROTATING = { VPS_SYNC_API_KEY_PREVIOUS: PREVIOUS_KEY, VPS_SYNC_SIGNING_SECRET: TEST_SIGNING_SECRET, VPS_SYNC_SIGNING_SECRET_PREVIOUS: TEST_PREVIOUS_SIGNING_SECRET };

async function syncAs(body: unknown, { key = TEST_BINDINGS.VPS_SYNC_API_KEY, signWith }: { key?: string; signWith?: string } = {}) {
  const text = JSON.stringify(body);
  const signed = signWith ? await signatureHeaders(text, { secrets: [signWith] }) : {};
  return callWith(ROTATING, '/api/vps/sync', syncRequest(text, { 'X-API-Key': key, ...signed }));
}

describe('the audit trail of sync', () => {
  it('writes one line per change: action, outcome, VPS, user, version, which key, whether signed', async () => {
    const user = freshUser();
    const external_id = `audit-${crypto.randomUUID()}`;
    const created = await syncAs({ action: 'create', vps: validVps(user, { external_id, version: 5 }) });
    expect(created.status).toBe(201);
    const { vps } = await created.json<{ vps: { id: number } }>();
    expect(linesOf(created).filter((l) => l.msg === 'vps sync')).toEqual([
      {
        level: 'info',
        msg: 'vps sync',
        request_id: created.headers.get('X-Request-Id'),
        action: 'create',
        outcome: 'created',
        applied: true,
        vps_id: vps.id,
        external_id,
        user_id: user,
        version: 5,
        api_key: 'current',
        signed: false,
      },
    ]);

    const updated = await syncAs({ action: 'update', vps: { external_id, status: 'running', version: 6 } }, { key: PREVIOUS_KEY, signWith: TEST_SIGNING_SECRET });
    expect(updated.status).toBe(200);
    expect(linesOf(updated).find((l) => l.msg === 'vps sync')).toMatchObject({
      action: 'update',
      outcome: 'updated',
      applied: true,
      vps_id: vps.id,
      external_id,
      user_id: user,
      version: 6,
      api_key: 'previous',
      signed: true,
      signing_secret: 'current',
    });

    const stale = await syncAs({ action: 'update', vps: { id: vps.id, status: 'stopped', version: 6 } }, { signWith: TEST_PREVIOUS_SIGNING_SECRET });
    expect(linesOf(stale).find((l) => l.msg === 'vps sync')).toMatchObject({ action: 'update', outcome: 'stale', applied: false, api_key: 'current', signed: true, signing_secret: 'previous' });

    const deleted = await syncAs({ action: 'delete', vps: { id: vps.id, version: 7 } });
    expect(linesOf(deleted).find((l) => l.msg === 'vps sync')).toMatchObject({ action: 'delete', outcome: 'deleted', applied: true, vps_id: vps.id, version: 7, api_key: 'current', signed: false });
  });

  it('writes one line per reconcile with its counts', async () => {
    const user = freshUser();
    const res = await syncAs({ action: 'reconcile', user_id: user, vps: [{ ...validVps(user, { external_id: `rec-${crypto.randomUUID()}` }), user_id: undefined }] });
    expect(res.status).toBe(200);
    expect(linesOf(res).filter((l) => l.msg === 'vps sync')).toEqual([
      expect.objectContaining({
        action: 'reconcile',
        user_id: user,
        dry_run: false,
        version: null,
        counts: { created: 1, updated: 0, deleted: 0, unchanged: 0, skipped: 0, untracked: 0 },
        skipped: 0,
        api_key: 'current',
        signed: false,
      }),
    ]);
  });

  it('writes no change line for a refused request', async () => {
    const res = await syncAs({ action: 'update', vps: { id: 999_999_999, status: 'running' } });
    expect(res.status).toBe(404);
    expect(linesOf(res).map((l) => l.msg)).toEqual(['request']);
  });
});

describe('the line every request ends with', () => {
  it('says method, path, status, duration and who asked, once per request', async () => {
    const user = freshUser();
    const listed = await callWith({}, '/api/vps?limit=5', { headers: { Authorization: `Bearer ${await tokenFor(user)}` } });
    expect(linesOf(listed)).toEqual([
      { level: 'info', msg: 'request', request_id: listed.headers.get('X-Request-Id'), method: 'GET', path: '/api/vps', status: 200, duration_ms: expect.any(Number), user_id: user },
    ]);

    const synced = await syncAs({ action: 'create', vps: validVps(freshUser()) }, { key: PREVIOUS_KEY, signWith: TEST_PREVIOUS_SIGNING_SECRET });
    expect(linesOf(synced).filter((l) => l.msg === 'request')).toEqual([
      {
        level: 'info',
        msg: 'request',
        request_id: synced.headers.get('X-Request-Id'),
        method: 'POST',
        path: '/api/vps/sync',
        status: 201,
        duration_ms: expect.any(Number),
        api_key: 'previous',
        signed: true,
        signing_secret: 'previous',
      },
    ]);
  });

  it('carries the error code of an error answer', async () => {
    const unauthorized = await callWith({}, '/api/vps/sync', syncRequest('{}', { 'X-API-Key': 'x'.repeat(40) }));
    expect(linesOf(unauthorized)).toEqual([expect.objectContaining({ msg: 'request', status: 401, code: 'unauthorized', path: '/api/vps/sync' })]);
    const missing = await callWith({}, '/nope');
    expect(linesOf(missing)).toEqual([expect.objectContaining({ msg: 'request', method: 'GET', path: '/nope', status: 404, code: 'not_found' })]);
  });

  it('is an error line for a 5xx answer, next to the line saying why', async () => {
    const res = await callWith({ VPS_SYNC_API_KEY: undefined }, '/api/vps/sync', syncRequest('{}'));
    expect(res.status).toBe(500);
    expect(linesOf(res).map((l) => [l.level, l.msg])).toEqual([
      ['error', 'misconfigured'],
      ['error', 'request'],
    ]);
    expect(linesOf(res)[1]).toMatchObject({ status: 500, code: 'misconfigured' });
  });

  it('leaves the query string out', async () => {
    const res = await callWith({}, '/api/vps?status=running&cursor=abc', { headers: { Authorization: `Bearer ${await tokenFor(freshUser())}` } });
    expect(JSON.stringify(linesOf(res))).not.toContain('running');
  });
});

describe('every log line', () => {
  it('is one JSON object starting with level, msg and request_id', async () => {
    await syncAs({ action: 'create', vps: validVps(freshUser()) }, { signWith: TEST_SIGNING_SECRET });
    await callWith({}, '/health');
    const all = lines();
    expect(all.length).toBeGreaterThanOrEqual(3);
    for (const line of all) expect(Object.keys(line).slice(0, 3)).toEqual(['level', 'msg', 'request_id']);
    const raw = spies.flatMap((spy) => spy.mock.calls.map(([line]) => String(line)));
    for (const secret of [TEST_BINDINGS.VPS_SYNC_API_KEY, PREVIOUS_KEY, TEST_SIGNING_SECRET]) expect(raw.join('\n')).not.toContain(secret);
  });
});
