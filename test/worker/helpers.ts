import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import worker from '../../src/index.js';
import { TEST_BINDINGS } from '../bindings.js';
import { tokenFor, type WireVps } from '../tokens.js';
import { assertDocumented } from './conformance.js';

export { signToken, tokenFor, type TokenOptions } from '../tokens.js';

export const BASE = 'http://vps-sync.test';

/**
 * A request through the Worker's real fetch handler (all middleware, the configured store),
 * returned once its work after the response (waitUntil: the Idempotency-Key answer) is done, so
 * the next request sees it. Every answer is also checked against the OpenAPI document.
 */
export async function call(path: string, init?: RequestInit): Promise<Response> {
  return callWorker(env, path, init);
}

async function callWorker(bindings: typeof env, path: string, init?: RequestInit): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(BASE + path, init), bindings, ctx);
  await waitOnExecutionContext(ctx);
  await assertDocumented(init?.method ?? 'GET', BASE + path, res);
  return res;
}

/** One `env` per bindings object: the Worker parses and caches per `env` (config, keys), as across requests in production. */
const envs = new WeakMap<object, typeof env>();

/**
 * The Worker's fetch handler with some bindings changed (misconfiguration, JWKS). Calls with the
 * same `bindings` object share one `env`, so what the Worker caches per configuration persists
 * between them; a new object starts afresh.
 */
export async function callWith(bindings: Record<string, unknown>, path: string, init?: RequestInit): Promise<Response> {
  let merged = envs.get(bindings);
  if (!merged) {
    merged = { ...env, ...bindings } as typeof env;
    envs.set(bindings, merged);
  }
  return callWorker(merged, path, init);
}

export function syncRequest(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-API-Key': TEST_BINDINGS.VPS_SYNC_API_KEY, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

export const sync = (body: unknown, headers?: Record<string, string>) => call('/api/vps/sync', syncRequest(body, headers));

let lastUser = Math.floor(Math.random() * 1_000_000) * 1000;
/** A user id no other test uses, so tests sharing the database never see each other's VPS. */
export const freshUser = () => ++lastUser;

export const validVps = <O extends Record<string, unknown>>(user_id: number, overrides: O = {} as O) => ({
  user_id,
  name: 'test-vps-01',
  status: 'creating',
  cpu: 2,
  ram: 2048,
  disk: 50,
  os: 'Ubuntu 22.04 LTS',
  hypervisor: 'proxmox',
  ...overrides,
});

export type CreatedVps = WireVps;

/** Creates a VPS through the API and returns it as the API answered. */
export async function createVps(user_id: number, overrides: Record<string, unknown> = {}): Promise<CreatedVps> {
  const res = await sync({ action: 'create', vps: validVps(user_id, overrides) });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${await res.text()}`);
  const body = await res.json<{ vps: CreatedVps }>();
  return body.vps;
}

export async function listAs(userId: number, query = ''): Promise<Response> {
  return call(`/api/vps${query}`, { headers: { Authorization: `Bearer ${await tokenFor(userId)}` } });
}

export interface ErrorBody {
  status: 'error';
  code: string;
  message: string;
  errors: { field: string; message: string }[];
  request_id: string;
}

/** Asserts nothing; parses an error body so tests can compare it whole. */
export const errorBody = (res: Response) => res.json<ErrorBody>();
