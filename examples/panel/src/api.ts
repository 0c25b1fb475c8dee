/**
 * The page's one door to the Worker: the typed panel client (@vps-sync/panel, built from the
 * wire contract), with its errors sorted by what the page does about them. `fetch` and the token
 * getter are injected, so this module runs unchanged in the browser and in Node tests.
 */
import {
  createPanelClient,
  PanelAuthError,
  PanelError,
  PanelNetworkError,
  PanelNotFoundError,
  PanelUnavailableError,
  PanelValidationError,
  retryAfterSeconds,
  type FieldError,
  type PanelFetch,
  type Vps,
  type VpsPage,
} from '../../../packages/panel/index.js';

export { VPS_STATUSES, type VpsStatus } from '../../../src/contract/fields.js';
/** Retry-After as seconds (delta-seconds or an HTTP date); null when absent or unusable. */
export const parseRetryAfter = (value: string | null, now?: number): number | null => retryAfterSeconds(value, now) ?? null;
export type { FieldError, Vps, VpsPage };

export interface ListVpsOptions {
  /** Only these statuses (sent as `status=a,b`); all when empty or absent. */
  status?: readonly string[];
  cursor?: string | null;
  limit?: number;
  signal?: AbortSignal;
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

/** The panel client's error classes, by what the page does about them. */
function kindOf(error: PanelError): PanelErrorKind {
  if (error instanceof PanelAuthError) return 'unauthorized';
  if (error instanceof PanelUnavailableError) return 'unavailable';
  if (error instanceof PanelNetworkError) return 'network';
  if (error instanceof PanelValidationError || error instanceof PanelNotFoundError) return 'rejected';
  const status = error.status ?? 0;
  return status >= 400 && status < 500 ? 'rejected' : 'failed';
}

const toPageError = (error: PanelError) =>
  new PanelApiError(
    kindOf(error),
    error.message,
    {
      status: error.status ?? null,
      code: error.code ?? null,
      requestId: error.requestId ?? null,
      retryAfterSeconds: error.retryAfterSeconds ?? null,
      errors: error.errors,
    },
    { cause: error.cause ?? error },
  );

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

export function createPanelApi({ baseUrl, getToken, fetch: fetchFn }: PanelApiOptions): PanelApi {
  const client = createPanelClient({
    baseUrl,
    getToken: () => tokenFrom(getToken),
    ...(fetchFn ? { fetch: fetchFn as unknown as PanelFetch } : {}),
  });
  return {
    async listVps({ status = [], cursor, limit, signal } = {}) {
      try {
        return await client.listVps({
          ...(limit === undefined ? {} : { limit }),
          ...(cursor ? { cursor } : {}),
          ...(status.length ? { status: status as Vps['status'][] } : {}),
          ...(signal ? { signal } : {}),
        });
      } catch (err) {
        throw err instanceof PanelError ? toPageError(err) : err;
      }
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
