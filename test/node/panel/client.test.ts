import { describe, expect, it } from 'vitest';
import {
  createPanelClient,
  PanelAuthError,
  PanelError,
  PanelNetworkError,
  PanelNotFoundError,
  PanelUnavailableError,
  PanelValidationError,
  type PanelFetch,
} from '../../../packages/panel/index.js';

type Reply = { status: number; body: unknown; headers?: Record<string, string> } | Error;

/** A fetch that answers `replies` in order and records what it was asked. */
function fake(replies: Reply[]) {
  const calls: { url: string; headers: Record<string, string> }[] = [];
  const fetch: PanelFetch = async (url, init) => {
    calls.push({ url, headers: init.headers });
    const reply = replies[Math.min(calls.length, replies.length) - 1]!;
    if (reply instanceof Error) throw reply;
    return new Response(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body), { status: reply.status, headers: reply.headers });
  };
  return { fetch, calls };
}

const vps = (id: number) => ({ id, user_id: 5, external_id: null, name: `vps-${id}`, status: 'running', cpu: 1, ram: 1024, disk: 10, os: 'Debian 12', hypervisor: 'kvm', version: 0, created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z' });
const page = (ids: number[], next: string | null) => ({ status: 200, body: { status: 'success', vps: ids.map(vps), next_cursor: next } });
const failure = (status: number, code: string | null, headers: Record<string, string> = {}) => ({
  status,
  headers: { 'X-Request-Id': `req-${status}`, ...headers },
  body: code ? { status: 'error', code, message: `failed ${code}`, errors: [], request_id: `req-${status}` } : '<html>Bad gateway</html>',
});

describe('@vps-sync/panel', () => {
  it('sends the current token, the filters as comma lists, and maps the page', async () => {
    const { fetch, calls } = fake([page([3, 2], 'next-1')]);
    let n = 0;
    const client = createPanelClient({ baseUrl: 'http://api.test/', getToken: async () => `token-${++n}`, fetch });
    const result = await client.listVps({ limit: 2, status: ['running', 'stopped'], hypervisor: 'kvm' });
    expect(result).toEqual({ vps: [vps(3), vps(2)], nextCursor: 'next-1' });
    expect(calls).toEqual([
      { url: 'http://api.test/api/vps?limit=2&status=running%2Cstopped&hypervisor=kvm', headers: { Accept: 'application/json', Authorization: 'Bearer token-1' } },
    ]);
  });

  it('iterates every page with allVps, keeping the filters', async () => {
    const { fetch, calls } = fake([page([9, 8], 'c1'), page([7], 'c2'), page([], null)]);
    const client = createPanelClient({ baseUrl: 'http://api.test', getToken: () => 't', fetch });
    const ids: number[] = [];
    for await (const v of client.allVps({ status: 'running', limit: 2 })) ids.push(v.id);
    expect(ids).toEqual([9, 8, 7]);
    expect(calls.map((c) => c.url)).toEqual([
      'http://api.test/api/vps?limit=2&status=running',
      'http://api.test/api/vps?limit=2&cursor=c1&status=running',
      'http://api.test/api/vps?limit=2&cursor=c2&status=running',
    ]);
  });

  it('gets one VPS and refuses an id that cannot be one without a request', async () => {
    const { fetch, calls } = fake([{ status: 200, body: { status: 'success', vps: vps(4) } }]);
    const client = createPanelClient({ baseUrl: 'http://api.test', getToken: () => 't', fetch });
    expect(await client.getVps(4)).toEqual(vps(4));
    await expect(client.getVps(0)).rejects.toBeInstanceOf(PanelValidationError);
    expect(calls).toHaveLength(1);
  });

  it.each([
    [401, 'unauthorized', PanelAuthError],
    [404, 'not_found', PanelNotFoundError],
    [400, 'validation_failed', PanelValidationError],
    [503, 'database_unavailable', PanelUnavailableError],
    [500, 'internal', PanelUnavailableError],
    [500, 'misconfigured', PanelError],
    [502, null, PanelUnavailableError],
    [429, null, PanelUnavailableError],
  ] as const)('answers %i %s with its typed error', async (status, code, type) => {
    const client = createPanelClient({ baseUrl: 'http://api.test', getToken: () => 't', fetch: fake([failure(status, code, { 'Retry-After': '7' })]).fetch });
    const error = await client.listVps().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject({ status, code: code ?? undefined, requestId: `req-${status}`, retryAfterSeconds: 7 });
    if (type === PanelError) expect(error).not.toBeInstanceOf(PanelUnavailableError);
  });

  it('turns a failed fetch (offline, CORS refusal) into PanelNetworkError', async () => {
    const client = createPanelClient({ baseUrl: 'http://api.test', getToken: () => 't', fetch: fake([new TypeError('Failed to fetch')]).fetch });
    const error = await client.listVps().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PanelNetworkError);
    expect((error as PanelNetworkError).cause).toBeInstanceOf(TypeError);
    expect((error as PanelNetworkError).status).toBeUndefined();
  });
});
