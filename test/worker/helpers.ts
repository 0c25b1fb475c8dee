import { env, exports } from 'cloudflare:workers';
import { SignJWT, type JWTPayload } from 'jose';
import { TEST_BINDINGS } from '../bindings';
import { assertDocumented } from './conformance';

export const BASE = 'http://vps-sync.test';

/**
 * A request through the Worker's real fetch handler (all middleware, the configured store).
 * Every answer is also checked against the OpenAPI document.
 */
export async function call(path: string, init?: RequestInit): Promise<Response> {
  const res = await exports.default.fetch(new Request(BASE + path, init));
  await assertDocumented(init?.method ?? 'GET', BASE + path, res);
  return res;
}

/** The Worker's fetch handler with some bindings changed (misconfiguration tests). */
export async function callWith(bindings: Record<string, unknown>, path: string, init?: RequestInit): Promise<Response> {
  const { default: worker } = await import('../../src/index');
  const res = await worker.fetch(new Request(BASE + path, init), { ...env, ...bindings } as typeof env, {
    waitUntil() {},
    passThroughOnException() {},
    props: {},
  } as unknown as ExecutionContext);
  await assertDocumented(init?.method ?? 'GET', BASE + path, res);
  return res;
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

export interface CreatedVps {
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

/** Creates a VPS through the API and returns it as the API answered. */
export async function createVps(user_id: number, overrides: Record<string, unknown> = {}): Promise<CreatedVps> {
  const res = await sync({ action: 'create', vps: validVps(user_id, overrides) });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${await res.text()}`);
  const body = await res.json<{ vps: CreatedVps }>();
  return body.vps;
}

export interface TokenOptions {
  secret?: string;
  alg?: string;
  /** Seconds from now; null for no exp claim. */
  expiresIn?: number | null;
  issuer?: string;
  audience?: string;
}

/** Signs a real HMAC JWT, as the panel's SSO would. */
export async function signToken(claims: JWTPayload, options: TokenOptions = {}): Promise<string> {
  const { secret = TEST_BINDINGS.JWT_SECRET, alg = 'HS256', expiresIn = 300 } = options;
  let jwt = new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT' }).setIssuedAt();
  if (expiresIn !== null) jwt = jwt.setExpirationTime(Math.floor(Date.now() / 1000) + expiresIn);
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}

export const tokenFor = (userId: number, options?: TokenOptions) => signToken({ user_id: userId }, options);

export async function listAs(userId: number, query = ''): Promise<Response> {
  return call(`/api/vps${query}`, { headers: { Authorization: `Bearer ${await tokenFor(userId)}` } });
}

export interface ErrorBody {
  status: 'error';
  message: string;
  errors: { field: string; message: string }[];
  request_id: string;
}

/** Asserts nothing; parses an error body so tests can compare it whole. */
export const errorBody = (res: Response) => res.json<ErrorBody>();
