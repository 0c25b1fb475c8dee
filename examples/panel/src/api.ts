/**
 * The page's one door to the Worker: GET /api/vps with the user's Bearer token. `fetch` and the
 * token getter are injected, so this module runs unchanged in the browser, in Node tests, and
 * can later give way to the typed panel client (`vps-sync/panel`) without touching the views.
 */

/** The statuses the main site sends (docs' field mapping). */
export const VPS_STATUSES = ['creating', 'running', 'stopped', 'suspended'] as const;
export type VpsStatus = (typeof VPS_STATUSES)[number];

/** A VPS as GET /api/vps answers it (wire names; RAM in MB, disk in GB). */
export interface Vps {
  id: number;
  user_id: number;
  external_id: string | null;
  name: string;
  status: string;
  cpu: number;
  ram: number;
  disk: number;
  os: string;
  hypervisor: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface VpsPage {
  vps: Vps[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface ListVpsOptions {
  /** Only these statuses (sent as `status=a,b`); all when empty or absent. */
  status?: readonly string[];
  cursor?: string | null;
  limit?: number;
  signal?: AbortSignal;
}

export interface FieldError {
  field: string;
  message: string;
}

/**
 * What the page does about a failure:
 * - unauthorized: the token is missing, expired or refused: sign in again;
 * - unavailable: the service or its database is down for a moment: retry after `retryAfterSeconds`;
 * - network: no answer could be read (offline, DNS, or CORS refused this origin);
 * - rejected: the request itself was refused (400, 404, ...): retrying will not help;
 * - failed: the server failed (500) or answered something that is not the API's JSON.
 */
export type PanelErrorKind = 'unauthorized' | 'unavailable' | 'network' | 'rejected' | 'failed';

export class PanelApiError extends Error {
  override readonly name = 'PanelApiError';
  constructor(
    readonly kind: PanelErrorKind,
    message: string,
    readonly details: {
      /** HTTP status, or null when no answer was read. */
      status: number | null;
      /** The envelope's `code` (unauthorized, database_unavailable, ...), when the answer had one. */
      code: string | null;
      requestId: string | null;
      /** From Retry-After, when the Worker sent it and CORS lets the page read it. */
      retryAfterSeconds: number | null;
      errors: FieldError[];
    } = { status: null, code: null, requestId: null, retryAfterSeconds: null, errors: [] },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The error codes the Worker documents, by what the page does about them. */
const KIND_BY_CODE: Record<string, PanelErrorKind> = {
  unauthorized: 'unauthorized',
  database_unavailable: 'unavailable',
  rate_limited: 'unavailable',
  validation_failed: 'rejected',
  not_found: 'rejected',
  method_not_allowed: 'rejected',
  internal: 'failed',
  misconfigured: 'failed',
};

/** By HTTP status, for answers without a known `code` (older Workers, proxies, gateways). */
function kindFromStatus(status: number): PanelErrorKind {
  if (status === 401) return 'unauthorized';
  if (status === 429 || status === 502 || status === 503 || status === 504) return 'unavailable';
  if (status >= 400 && status < 500) return 'rejected';
  return 'failed';
}

export interface PanelApiOptions {
  /** The Worker's origin, e.g. http://localhost:5050. */
  baseUrl: string;
  /** The signed-in user's JWT; may throw a PanelApiError('unauthorized') when there is no session. */
  getToken: () => string | Promise<string>;
  fetch?: typeof fetch;
}

export interface PanelApi {
  /** One page of the user's VPS, newest first. */
  listVps(options?: ListVpsOptions): Promise<VpsPage>;
}

export function createPanelApi({ baseUrl, getToken, fetch: fetchFn = globalThis.fetch.bind(globalThis) }: PanelApiOptions): PanelApi {
  const origin = baseUrl.replace(/\/+$/, '');

  return {
    async listVps({ status = [], cursor, limit, signal } = {}) {
      const query = new URLSearchParams();
      if (limit !== undefined) query.set('limit', String(limit));
      if (cursor) query.set('cursor', cursor);
      if (status.length > 0) query.set('status', status.join(','));
      const url = `${origin}/api/vps${query.size > 0 ? `?${query}` : ''}`;

      const token = await tokenFrom(getToken);
      let response: Response;
      try {
        response = await fetchFn(url, {
          headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
          credentials: 'omit',
          signal,
        });
      } catch (err) {
        if (signal?.aborted) throw err;
        // The browser says no more than "Failed to fetch" for offline, DNS and CORS alike.
        throw new PanelApiError('network', `Could not reach ${origin}`, undefined, { cause: err });
      }

      const body = await jsonOf(response);
      if (response.ok && isPage(body)) return { vps: body.vps, nextCursor: body.next_cursor };
      throw errorFrom(response, body);
    },
  };
}

async function tokenFrom(getToken: PanelApiOptions['getToken']): Promise<string> {
  try {
    return await getToken();
  } catch (err) {
    if (err instanceof PanelApiError) throw err;
    throw new PanelApiError('failed', `Could not get a session token: ${(err as Error).message}`, undefined, { cause: err });
  }
}

async function jsonOf(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

function isPage(body: unknown): body is { vps: Vps[]; next_cursor: string | null } {
  const page = body as { vps?: unknown; next_cursor?: unknown } | undefined;
  return Array.isArray(page?.vps) && (page.next_cursor === null || typeof page.next_cursor === 'string');
}

function errorFrom(response: Response, body: unknown): PanelApiError {
  const envelope = (body ?? {}) as { status?: unknown; code?: unknown; message?: unknown; errors?: unknown; request_id?: unknown };
  const isEnvelope = envelope.status === 'error' && typeof envelope.message === 'string';
  const code = isEnvelope && typeof envelope.code === 'string' ? envelope.code : null;
  const kind = response.ok
    ? 'failed' // a 2xx that is not a page: not the API we expect
    : ((code === null ? undefined : KIND_BY_CODE[code]) ?? kindFromStatus(response.status));
  const message = isEnvelope ? (envelope.message as string) : `The server answered ${response.status}`;
  return new PanelApiError(kind, message, {
    status: response.status,
    code,
    requestId:
      (isEnvelope && typeof envelope.request_id === 'string' ? envelope.request_id : null) ?? response.headers.get('X-Request-Id'),
    retryAfterSeconds: parseRetryAfter(response.headers.get('Retry-After')),
    errors: isEnvelope && Array.isArray(envelope.errors) ? (envelope.errors as FieldError[]) : [],
  });
}

/** Retry-After as seconds: delta-seconds or an HTTP date (RFC 9110); null when absent or unusable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - now) / 1000));
}
