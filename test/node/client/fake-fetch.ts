import type { ErrorCode, FetchInit, FetchLike } from '../../../packages/client/index.js';

/** What the fake server does for one request: answer, fail like a dropped connection, or never answer. */
export type Step = { status: number; body?: unknown; headers?: Record<string, string> } | Error | 'hang';

export interface Call {
  url: string;
  init: FetchInit;
  body: unknown;
  idempotencyKey: string | undefined;
}

/**
 * A fetch that plays `steps` in order (the last one repeats) and records every call. 'hang'
 * answers nothing and rejects only when the request's signal aborts, as a real fetch does.
 */
export function fakeFetch(steps: Step[]): { fetch: FetchLike; calls: Call[] } {
  const calls: Call[] = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, init, body: init.body === undefined ? undefined : JSON.parse(init.body), idempotencyKey: init.headers['Idempotency-Key'] });
    const step = steps[Math.min(calls.length, steps.length) - 1];
    if (step === undefined) throw new Error('fakeFetch: no steps');
    if (step instanceof Error) throw step;
    if (step === 'hang') {
      return new Promise((_, reject) => {
        init.signal.addEventListener('abort', () => reject(init.signal.reason), { once: true });
      });
    }
    const text = typeof step.body === 'string' ? step.body : JSON.stringify(step.body ?? {});
    return new Response(text, { status: step.status, headers: { 'Content-Type': 'application/json', ...step.headers } });
  };
  return { fetch, calls };
}

/** A sleep that does not wait and records what it was asked to wait. */
export function recordingSleep(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => void waits.push(ms) };
}

export const WIRE_VPS = {
  id: 7,
  user_id: 5,
  external_id: 'order-42',
  name: 'web-1',
  status: 'creating',
  cpu: 2,
  ram: 2048,
  disk: 50,
  os: 'Ubuntu 22.04 LTS',
  hypervisor: 'proxmox',
  version: 0,
  created_at: '2025-10-27T10:00:00.000Z',
  updated_at: '2025-10-27T10:00:00.000Z',
} as const;

export const synced = (status = 201, vps: object = WIRE_VPS, outcome = status === 201 ? 'created' : 'updated'): Step => ({
  status,
  body: { status: 'success', message: 'VPS synced successfully', applied: ['created', 'updated', 'deleted'].includes(outcome), outcome, vps },
});

/** An error answer in the API's envelope; `code: null` plays a proxy's own error (no code). */
export const failed = (
  status: number,
  code: ErrorCode | null,
  message: string,
  headers?: Record<string, string>,
  errors: object[] = [],
): Step => ({
  status,
  headers: { 'X-Request-Id': `req-${status}`, ...headers },
  body: code === null ? { message } : { status: 'error', code, message, errors, request_id: `req-${status}` },
});
