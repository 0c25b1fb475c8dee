/**
 * Sends one logical operation, retrying what may pass on its own. Every attempt of the operation
 * carries the same Idempotency-Key, so a create whose answer was lost is not applied twice.
 */
import { errorFor, isRetryable, readAnswer, type Answer } from './answer.js';
import { nextDelay, retryAfterMs, type RetryPolicy } from './backoff.js';
import { VpsSyncError, VpsSyncUnavailableError } from './errors.js';
import type { FetchLike } from './fetch.js';
import type { Signer } from './sign.js';

/** Reported before each wait, e.g. to log or count retries. */
export interface RetryEvent {
  /** The attempt that just failed (1 for the first). */
  attempt: number;
  /** How long the client now waits before the next attempt. */
  delayMs: number;
  /** What failed: a VpsSyncError for an HTTP answer or a timeout, the fetch's own error otherwise. */
  error: unknown;
  /** The call's Idempotency-Key; undefined on a read, which needs none. */
  idempotencyKey: string | undefined;
}

export interface Transport {
  /** POST /api/vps/sync; the main site's reads are GETs under it. */
  url: string;
  apiKey: string;
  /** Signs each attempt anew, when a signing secret is configured. */
  sign: Signer | undefined;
  timeoutMs: number;
  retry: RetryPolicy;
  fetch: FetchLike;
  onRetry: ((event: RetryEvent) => void) | undefined;
  random: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  now: () => number;
}

/** Posts `body` until a 2xx (returned), a final error (thrown) or the attempts run out. */
export function send(t: Transport, body: unknown, idempotencyKey: string, signal?: AbortSignal): Promise<Answer> {
  const headers = { 'Content-Type': 'application/json', 'Idempotency-Key': idempotencyKey };
  return exchange(t, { method: 'POST', url: t.url, payload: JSON.stringify(body), headers }, idempotencyKey, signal);
}

/**
 * GETs `path` under the sync URL (the main site's reads) with the same retries: a read changes
 * nothing, so it needs no Idempotency-Key. Signed over the empty body when a secret is set.
 */
export function get(t: Transport, path: string, signal?: AbortSignal): Promise<Answer> {
  return exchange(t, { method: 'GET', url: `${t.url}${path}`, payload: '', headers: {} }, undefined, signal);
}

interface Outgoing {
  method: 'POST' | 'GET';
  url: string;
  /** The body a POST sends and every request signs ('' for a GET). */
  payload: string;
  headers: Record<string, string>;
}

async function exchange(t: Transport, request: Outgoing, idempotencyKey: string | undefined, signal?: AbortSignal): Promise<Answer> {
  const headers = { Accept: 'application/json', 'X-API-Key': t.apiKey, ...request.headers };
  for (let attempt = 1; ; attempt++) {
    const signed = t.sign ? { ...headers, ...(await t.sign(request.payload, t.now())) } : headers;
    const outcome = await attemptOnce(t, request, signed, signal);
    let failure: unknown;
    let retryAfter: number | undefined;
    if ('answer' in outcome) {
      const { answer } = outcome;
      if (answer.status >= 200 && answer.status < 300) return answer;
      const error = errorFor(answer);
      if (!isRetryable(error)) throw error;
      failure = error;
      retryAfter = retryAfterMs(answer.retryAfter, t.now());
    } else {
      failure = outcome.failure;
    }

    if (attempt >= t.retry.maxAttempts) {
      const last = failure instanceof VpsSyncError ? failure : undefined;
      throw new VpsSyncUnavailableError(`Gave up after ${attempt} attempt(s): ${messageOf(failure)}`, attempt, {
        status: last?.status,
        code: last?.code,
        requestId: last?.requestId,
        body: last?.body,
        cause: failure,
      });
    }
    const delayMs = nextDelay(attempt, t.retry, retryAfter, t.random);
    t.onRetry?.({ attempt, delayMs, error: failure, idempotencyKey });
    await t.sleep(delayMs, signal);
  }
}

type AttemptOutcome = { answer: Answer } | { failure: unknown };

/**
 * One request, cut off after `timeoutMs` (reading the body included). Throws only when the
 * caller aborted; a timeout or network error is returned as a failure to retry.
 */
async function attemptOnce(
  t: Transport,
  request: Outgoing,
  headers: Record<string, string>,
  signal: AbortSignal | undefined,
): Promise<AttemptOutcome> {
  signal?.throwIfAborted();
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, t.timeoutMs);
  const forwardAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', forwardAbort, { once: true });
  try {
    const response = await t.fetch(request.url, {
      method: request.method,
      headers,
      ...(request.method === 'POST' ? { body: request.payload } : {}),
      signal: controller.signal,
      redirect: 'manual',
    });
    return { answer: await readAnswer(response) };
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    if (timedOut) return { failure: new VpsSyncError(`No answer within ${t.timeoutMs} ms`, { cause: err }) };
    return { failure: err };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', forwardAbort);
  }
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));
