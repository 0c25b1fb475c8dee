/**
 * The main site's client of POST /api/vps/sync: typed calls in the main site's own names, checked
 * locally with the Worker's schemas, sent with retries under one Idempotency-Key per call.
 */
import { DEFAULT_RETRY, sleep, type RetryPolicy } from './backoff.js';
import { globalFetch, type FetchLike } from './fetch.js';
import { createBody, deleteBody, reconcileBody, updateBody, type RequestBody } from './request-body.js';
import { vpsReads, type VpsReads } from './reads.js';
import { checkPages, reconcilePages, sumPages } from './reconcile-pages.js';
import { deleteResult, reconcileResult, syncResult } from './result.js';
import { signerFor } from './sign.js';
import { send, type RetryEvent, type Transport } from './transport.js';
import type {
  CallOptions,
  CreateVpsInput,
  DeleteResult,
  ReconcileInput,
  ReconcileResult,
  SyncResult,
  VpsChanges,
  VpsRef,
  VpsStatus,
  WriteOptions,
} from './types.js';
import { checkRequest } from './validate.js';

export interface VpsSyncClientOptions {
  /** The panel's origin, e.g. `https://panel.example.com` (a path prefix is kept). */
  baseUrl: string;
  /** The shared secret, the panel's VPS_SYNC_API_KEY. */
  apiKey: string;
  /**
   * The panel's VPS_SYNC_SIGNING_SECRET (`whsec_…`): when given, every attempt is signed
   * (webhook-id, webhook-timestamp, webhook-signature). Several while the panel's secret is
   * being rotated: one signature each.
   */
  signingSecret?: string | readonly string[];
  /** Per attempt, reading the answer included. Default 10 000. */
  timeoutMs?: number;
  /** Default `{ maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 10_000 }`; missing fields keep their default. */
  retry?: Partial<RetryPolicy>;
  /** Default: the global fetch. */
  fetch?: FetchLike;
  onRetry?: (event: RetryEvent) => void;
  /**
   * Check every call with the Worker's schemas before sending (default true). Turning it off
   * only moves the same refusal to the server, a round trip later; it exists to test the server.
   */
  validate?: boolean;
  /** Test seams: the jitter's random source in [0, 1), the wait between attempts and the clock. */
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
}

/** The sync calls, and the main site's reads of what the panel holds (reads.ts). */
export interface VpsSyncClient extends VpsReads {
  /** Creates a VPS: 201, or `applied: false` when the same create (same externalId and payload) was already applied. */
  createVps(input: CreateVpsInput, options?: CallOptions): Promise<SyncResult>;
  updateVps(ref: VpsRef, changes: VpsChanges, options?: WriteOptions): Promise<SyncResult>;
  updateStatus(ref: VpsRef, status: VpsStatus, options?: WriteOptions): Promise<SyncResult>;
  /** Deletes a VPS; `applied: false` when it was already deleted. */
  deleteVps(ref: VpsRef, options?: WriteOptions): Promise<DeleteResult>;
  /**
   * Makes the panel's VPS of a user match the main site's complete list of them. A list longer
   * than one request (200 VPS) is sent as the pages of one paged reconcile, in order: each page's
   * creates and updates apply as it arrives, the deletes only with the last page. If a page
   * fails for good the call throws and nothing is deleted; calling again with the same
   * `idempotencyKey` (within the hour) resumes the run.
   */
  reconcile(input: ReconcileInput, options?: CallOptions): Promise<ReconcileResult>;
}

export function createVpsSyncClient(options: VpsSyncClientOptions): VpsSyncClient {
  const transport = transportFor(options);
  const validate = options.validate ?? true;

  async function call({ body, problems }: RequestBody, { idempotencyKey, signal }: CallOptions = {}) {
    if (validate) checkRequest(body, problems, idempotencyKey);
    // One key per logical call, the same on each of its retries: the server applies it once.
    return send(transport, body, idempotencyKey ?? crypto.randomUUID(), signal);
  }

  const updateVps = async (ref: VpsRef, changes: VpsChanges, opts?: WriteOptions) =>
    syncResult(await call(updateBody(ref, changes, opts?.version), opts));

  return {
    createVps: async (input, opts) => syncResult(await call(createBody(input), opts)),
    updateVps,
    updateStatus: (ref, status, opts) => updateVps(ref, { status }, opts),
    deleteVps: async (ref, opts) => deleteResult(await call(deleteBody(ref, opts?.version), opts)),
    reconcile: async (input, opts) => {
      const pages = await reconcilePages(input, opts?.idempotencyKey);
      if (!pages) return reconcileResult(await call(reconcileBody(input), opts));
      if (validate) checkPages(input, pages, (page) => checkRequest(page.body, page.problems, page.idempotencyKey));
      const results = [];
      for (const page of pages) results.push(reconcileResult(await send(transport, page.body, page.idempotencyKey, opts?.signal)));
      return sumPages(results);
    },
    ...vpsReads(transport, validate),
  };
}

/** Options checked once, at construction: a wrong one is a deployment error, not a call's. */
function transportFor(options: VpsSyncClientOptions): Transport {
  const { baseUrl, apiKey, timeoutMs = 10_000 } = options;
  let url: URL;
  try {
    url = new URL('api/vps/sync', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  } catch {
    throw new TypeError(`baseUrl is not a URL: ${JSON.stringify(baseUrl)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError('baseUrl must be http(s)');
  if (typeof apiKey !== 'string' || !apiKey) throw new TypeError('apiKey must be a non-empty string');
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  if (!Number.isInteger(retry.maxAttempts) || retry.maxAttempts < 1) throw new TypeError('retry.maxAttempts must be an integer >= 1');
  if (!(retry.baseDelayMs >= 0) || !(retry.maxDelayMs >= 0)) throw new TypeError('retry delays must be >= 0');
  if (!(timeoutMs > 0)) throw new TypeError('timeoutMs must be > 0');
  const sign = options.signingSecret === undefined ? undefined : signerFor(options.signingSecret);
  return {
    url: url.href,
    apiKey,
    sign,
    timeoutMs,
    retry,
    fetch: options.fetch ?? globalFetch,
    onRetry: options.onRetry,
    random: options.random ?? Math.random,
    sleep: options.sleep ?? sleep,
    now: options.now ?? Date.now,
  };
}
