import { describe, expect, it } from 'vitest';
import { createPanelApi, PanelApiError, parseRetryAfter, type Vps } from '../../../examples/panel/src/api.js';

/** examples/panel's data module against scripted answers: what it sends, and what each failure becomes. */

const VPS: Vps = {
  id: 3,
  user_id: 5,
  external_id: null,
  name: 'web-01',
  status: 'running',
  cpu: 2,
  ram: 2048,
  disk: 50,
  os: 'Debian 12',
  hypervisor: 'kvm',
  version: 1,
  created_at: '2025-10-27T10:00:00.000Z',
  updated_at: '2025-10-27T10:00:00.000Z',
};

function scripted(answer: () => Response | Promise<Response>) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return answer();
  }) as typeof globalThis.fetch;
  return { calls, api: createPanelApi({ baseUrl: 'http://worker.test/', getToken: () => 'tok-1', fetch }) };
}

const envelope = (status: number, code: string | undefined, message: string, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ status: 'error', ...(code ? { code } : {}), message, errors: [], request_id: 'req-1' }), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });

async function failure(promise: Promise<unknown>): Promise<PanelApiError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PanelApiError);
  return err as PanelApiError;
}

describe('examples/panel api.ts', () => {
  it('sends the bearer token, the status filter as a comma list, the cursor and the limit', async () => {
    const { api, calls } = scripted(() => Response.json({ status: 'success', vps: [VPS], next_cursor: 'djEuMw' }));
    const page = await api.listVps({ status: ['running', 'stopped'], cursor: 'djEuOQ', limit: 20 });

    expect(page).toEqual({ vps: [VPS], nextCursor: 'djEuMw' });
    expect(calls).toHaveLength(1);
    const url = new URL(calls[0]!.url);
    expect(url.origin + url.pathname).toBe('http://worker.test/api/vps');
    expect(Object.fromEntries(url.searchParams)).toEqual({ limit: '20', cursor: 'djEuOQ', status: 'running,stopped' });
    expect(calls[0]!.init.headers).toEqual({ Authorization: 'Bearer tok-1', Accept: 'application/json' });
    expect(calls[0]!.init.credentials).toBe('omit');
  });

  it('sends no query at all for the first unfiltered page', async () => {
    const { api, calls } = scripted(() => Response.json({ status: 'success', vps: [], next_cursor: null }));
    expect(await api.listVps()).toEqual({ vps: [], nextCursor: null });
    expect(calls[0]!.url).toBe('http://worker.test/api/vps');
  });

  it.each([
    // code first, whatever the status says
    [envelope(401, 'unauthorized', 'Token expired'), 'unauthorized', 'unauthorized'],
    [envelope(503, 'database_unavailable', 'Database temporarily unavailable, retry later', { 'Retry-After': '5' }), 'unavailable', 'database_unavailable'],
    [envelope(429, 'rate_limited', 'Slow down'), 'unavailable', 'rate_limited'],
    [envelope(400, 'validation_failed', 'Validation failed'), 'rejected', 'validation_failed'],
    [envelope(500, 'misconfigured', 'Server misconfigured'), 'failed', 'misconfigured'],
    // no code (a Worker before error codes): the HTTP status decides
    [envelope(401, undefined, 'Token expired'), 'unauthorized', null],
    [envelope(503, undefined, 'Database temporarily unavailable, retry later'), 'unavailable', null],
    [envelope(404, undefined, 'No route'), 'rejected', null],
    [envelope(500, undefined, 'Internal server error'), 'failed', null],
  ] as const)('a %# answer is %s', async (response, kind, code) => {
    const { api } = scripted(() => response.clone());
    const err = await failure(api.listVps());
    expect(err.kind).toBe(kind);
    expect(err.details.code).toBe(code);
    expect(err.details.status).toBe(response.status);
    expect(err.details.requestId).toBe('req-1');
    expect(err.message).toBe(((await response.clone().json()) as { message: string }).message);
  });

  it('reads Retry-After from a 503', async () => {
    const { api } = scripted(() => envelope(503, 'database_unavailable', 'Database temporarily unavailable', { 'Retry-After': '7' }));
    expect((await failure(api.listVps())).details.retryAfterSeconds).toBe(7);
  });

  it('turns a gateway page that is not JSON into "unavailable", keeping the header request id', async () => {
    const { api } = scripted(() => new Response('<html>Bad gateway</html>', { status: 502, headers: { 'X-Request-Id': 'edge-9' } }));
    const err = await failure(api.listVps());
    expect(err).toMatchObject({ kind: 'unavailable', message: 'The server answered 502' });
    expect(err.details).toMatchObject({ status: 502, code: null, requestId: 'edge-9' });
  });

  it('treats a 200 that is not a page as a failure', async () => {
    const { api } = scripted(() => Response.json({ status: 'success', items: [] }));
    expect(await failure(api.listVps())).toMatchObject({ kind: 'failed' });
  });

  it('reports a fetch that throws (offline, DNS, CORS) as a network error naming the Worker', async () => {
    const { api } = scripted(() => Promise.reject(new TypeError('Failed to fetch')));
    const err = await failure(api.listVps());
    expect(err).toMatchObject({ kind: 'network', message: 'Could not reach http://worker.test' });
    expect(err.details.status).toBeNull();
    expect((err.cause as Error).message).toBe('Failed to fetch');
  });

  it('lets an abort through as an abort', async () => {
    const controller = new AbortController();
    const fetch = (async (_url: string, init: RequestInit) => {
      controller.abort();
      throw init.signal!.reason;
    }) as typeof globalThis.fetch;
    const api = createPanelApi({ baseUrl: 'http://worker.test', getToken: async () => 'tok', fetch });
    const err = await api.listVps({ signal: controller.signal }).catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(PanelApiError);
    expect((err as Error).name).toBe('AbortError');
  });

  it('passes a session error through and never calls the Worker without a token', async () => {
    const { calls } = scripted(() => Response.json({}));
    const signedOut = createPanelApi({
      baseUrl: 'http://worker.test',
      getToken: () => {
        throw new PanelApiError('unauthorized', 'You are not signed in');
      },
      fetch: (async () => Response.json({})) as typeof globalThis.fetch,
    });
    expect(await failure(signedOut.listVps())).toMatchObject({ kind: 'unauthorized', message: 'You are not signed in' });

    const broken = createPanelApi({
      baseUrl: 'http://worker.test',
      getToken: async () => {
        throw new Error('/dev/token answered 500');
      },
    });
    expect(await failure(broken.listVps())).toMatchObject({ kind: 'failed', message: 'Could not get a session token: /dev/token answered 500' });
    expect(calls).toEqual([]);
  });

  it('parses Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2025-10-27T10:00:00Z');
    expect(parseRetryAfter('5', now)).toBe(5);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Mon, 27 Oct 2025 10:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Mon, 27 Oct 2025 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});
