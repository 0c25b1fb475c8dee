/**
 * The panel frontend's typed client of GET /api/vps and GET /api/vps/:id. Types come from the
 * wire contract (src/contract); nothing is validated at run time: the answers are the server's.
 */
import type { Hypervisor, VpsStatus, WireVps } from '../../src/contract/index.js';
import {
  PanelAuthError,
  PanelError,
  PanelNetworkError,
  PanelNotFoundError,
  PanelUnavailableError,
  PanelValidationError,
  type ErrorCode,
  type FieldError,
} from './errors.js';

export type Vps = WireVps;
export type { Hypervisor, VpsStatus };

/** The slice of fetch the client uses; the browser's, Node's and Workers' fetch all fit. */
export type PanelFetch = (
  url: string,
  init: { method: 'GET'; headers: Record<string, string>; credentials: 'omit'; signal?: AbortSignal },
) => Promise<{
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}>;

export interface PanelClientOptions {
  /** The Worker's origin, e.g. `https://vps-api.example.com` or `http://localhost:5050`. */
  baseUrl: string;
  /** The signed-in user's token (from your SSO); called for every request, so a refreshed token is used. */
  getToken: () => string | Promise<string>;
  /** Defaults to the global fetch, looked up at call time. */
  fetch?: PanelFetch;
}

export interface ListOptions {
  /** 1..100, default 50. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  status?: VpsStatus | VpsStatus[];
  hypervisor?: Hypervisor | Hypervisor[];
  signal?: AbortSignal;
}

export interface VpsPage {
  vps: Vps[];
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

export interface PanelClient {
  /** One page of the user's VPS, newest first. */
  listVps(options?: ListOptions): Promise<VpsPage>;
  /** Every VPS of the user across pages, newest first (`for await (const vps of client.allVps())`). */
  allVps(options?: Omit<ListOptions, 'cursor'>): AsyncIterable<Vps>;
  /** One VPS of the user; PanelNotFoundError when it is not theirs or does not exist. */
  getVps(id: number, options?: { signal?: AbortSignal }): Promise<Vps>;
}

const UNAVAILABLE: ReadonlySet<string> = new Set(['database_unavailable', 'identity_provider_unavailable', 'internal']);

export function createPanelClient(options: PanelClientOptions): PanelClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const send: PanelFetch = options.fetch ?? ((url, init) => globalThis.fetch(url, init));

  async function get<T>(path: string, isAnswer: (body: Record<string, unknown>) => boolean, signal?: AbortSignal): Promise<T> {
    const headers = { Accept: 'application/json', Authorization: `Bearer ${await options.getToken()}` };
    let res: Awaited<ReturnType<PanelFetch>>;
    try {
      // The token travels in Authorization only: no cookies, so no CSRF surface.
      res = await send(`${base}${path}`, { method: 'GET', headers, credentials: 'omit', ...(signal ? { signal } : {}) });
    } catch (cause) {
      if (signal?.aborted) throw cause; // the caller's own abort, not a failure
      // Browsers say no more than "Failed to fetch" for offline, DNS and a CORS refusal alike.
      throw new PanelNetworkError(`Could not reach ${base}`, { cause });
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (res.status >= 200 && res.status < 300 && isSuccess(body) && isAnswer(body as Record<string, unknown>)) return body as T;
    throw errorFor(res.status, body, res.headers);
  }

  const listVps = async ({ limit, cursor, status, hypervisor, signal }: ListOptions = {}): Promise<VpsPage> => {
    const query = new URLSearchParams();
    if (limit !== undefined) query.set('limit', String(limit));
    if (cursor !== undefined) query.set('cursor', cursor);
    if (status !== undefined) query.set('status', [status].flat().join(','));
    if (hypervisor !== undefined) query.set('hypervisor', [hypervisor].flat().join(','));
    const search = query.toString() ? `?${query}` : '';
    const page = await get<{ vps: Vps[]; next_cursor: string | null }>(
      `/api/vps${search}`,
      (b) => Array.isArray(b.vps) && (b.next_cursor === null || typeof b.next_cursor === 'string'),
      signal,
    );
    return { vps: page.vps, nextCursor: page.next_cursor };
  };

  return {
    listVps,
    async *allVps(options = {}) {
      let cursor: string | undefined;
      do {
        const page = await listVps({ ...options, ...(cursor === undefined ? {} : { cursor }) });
        yield* page.vps;
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
    },
    async getVps(id, { signal } = {}) {
      if (!Number.isSafeInteger(id) || id < 1) throw new PanelValidationError(`Not a VPS id: ${id}`);
      return (await get<{ vps: Vps }>(`/api/vps/${id}`, (b) => typeof b.vps === 'object' && b.vps !== null, signal)).vps;
    },
  };
}

const isSuccess = (body: unknown) => typeof body === 'object' && body !== null && (body as { status?: unknown }).status === 'success';

/** Retry-After as seconds: delta-seconds or an HTTP date (RFC 9110); undefined when absent or unusable. */
export function retryAfterSeconds(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** The typed error of a failed answer, decided on its code (its status when it carries none). */
function errorFor(status: number, body: unknown, headers: { get(name: string): string | null }): PanelError {
  const envelope = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const isEnvelope = envelope.status === 'error' && typeof envelope.message === 'string';
  const code = isEnvelope && typeof envelope.code === 'string' ? (envelope.code as ErrorCode) : undefined;
  const message = isEnvelope ? (envelope.message as string) : `The server answered ${status}`;
  const requestId = (isEnvelope && typeof envelope.request_id === 'string' ? envelope.request_id : undefined) ?? headers.get('x-request-id') ?? undefined;
  const retryAfter = retryAfterSeconds(headers.get('retry-after'));
  const errors = isEnvelope && Array.isArray(envelope.errors) ? (envelope.errors as FieldError[]) : [];
  const details = { status, code, requestId, errors, ...(retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter }) };
  if (status >= 200 && status < 300) return new PanelError('The server answered something that is not the API', details);
  if (code === 'unauthorized' || (!code && status === 401)) return new PanelAuthError(message, details);
  if (code === 'not_found') return new PanelNotFoundError(message, details);
  if (code === 'validation_failed') return new PanelValidationError(message, details);
  // Without a code the answer came from in front of the Worker: a gateway's 502/503/504 or a 429.
  if ((code && UNAVAILABLE.has(code)) || status === 429 || (!code && [502, 503, 504].includes(status))) {
    return new PanelUnavailableError(message, details);
  }
  return new PanelError(message, details);
}
