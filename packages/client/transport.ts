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
  idempotencyKey: string;
}

export interface Transport {
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
export async function send(t: Transport, body: unknown, idempotencyKey: string, signal?: AbortSignal): Promise<Answer> {
  const payload = JSON.stringify(body);
  const headers = {
    'Content-Type': 'application/json',
    Accept: 'application/json',
    'X-API-Key': t.apiKey,
    'Idempotency-Key': idempotencyKey,
  };
  for (let attempt = 1; ; attempt++) {
    const signed = t.sign ? { ...headers, ...(await t.sign(payload, t.now())) } : headers;
    const outcome = await attemptOnce(t, payload, signed, signal);
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
  payload: string,
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
    const response = await t.fetch(t.url, {
      method: 'POST',
      headers,
      body: payload,
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
