/**
 * The benchmarked requests. Each carries X-Bench-Route (ignored by the app) so the bare Worker
 * can answer the same JSON. The listing user owns 50 VPS (a default page); creates go to another
 * user so the listing stays one page whatever the create rate.
 */
import type autocannon from 'autocannon';
import { SignJWT } from 'jose';
import { TEST_BINDINGS } from '../../test/bindings.js';

export const LIST_USER = 5;
const CREATE_USER = 7;

export interface Route {
  name: string;
  label: string;
  method: 'GET' | 'POST';
  path: string;
  status: number;
  headers: Record<string, string>;
  /** A fresh body per request (creates must not replay), or none. */
  body?: () => string;
}

const sync = { 'Content-Type': 'application/json', 'X-API-Key': TEST_BINDINGS.VPS_SYNC_API_KEY };
let n = 0;
const spec = () => ({ name: `bench-${n++}`, cpu: 2, ram: 2048, disk: 50, os: 'Ubuntu 22.04 LTS', hypervisor: 'proxmox' });

export const createBody = (userId: number) => JSON.stringify({ action: 'create', vps: { user_id: userId, ...spec() } });

export async function routes(vpsId: number): Promise<Route[]> {
  const token = await new SignJWT({ user_id: LIST_USER })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(TEST_BINDINGS.JWT_SECRET));
  const bearer = { Authorization: `Bearer ${token}` };
  // The same token with another signature: well formed, so it is refused by the signature check itself.
  const [header, payload] = token.split('.');
  const forged = await new SignJWT({ user_id: LIST_USER })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(`not-${TEST_BINDINGS.JWT_SECRET}`));
  const badSignature = { Authorization: `Bearer ${header}.${payload}.${forged.split('.')[2]}` };
  return [
    { name: 'list', label: 'GET /api/vps (JWT, 50 VPS)', method: 'GET', path: '/api/vps', status: 200, headers: bearer },
    { name: 'get', label: 'GET /api/vps/:id (JWT)', method: 'GET', path: `/api/vps/${vpsId}`, status: 200, headers: bearer },
    { name: 'bad-token', label: 'GET /api/vps, JWT with a bad signature (401)', method: 'GET', path: '/api/vps', status: 401, headers: badSignature },
    {
      name: 'unauthorized',
      label: 'POST /api/vps/sync, wrong API key (401)',
      method: 'POST',
      path: '/api/vps/sync',
      status: 401,
      headers: { ...sync, 'X-API-Key': 'x'.repeat(48) },
      body: () => '{}',
    },
    { name: 'create', label: 'POST /api/vps/sync create', method: 'POST', path: '/api/vps/sync', status: 201, headers: sync, body: () => createBody(CREATE_USER) },
    {
      name: 'update',
      label: 'POST /api/vps/sync update',
      method: 'POST',
      path: '/api/vps/sync',
      status: 200,
      headers: sync,
      body: () => JSON.stringify({ action: 'update', vps: { id: vpsId, name: `bench-${n++}` } }),
    },
  ];
}

/** The listing user's 50 VPS, created through the Worker at `base`; returns the id of one of them. */
export async function seed(base: URL): Promise<number> {
  let id = 0;
  for (let i = 0; i < 50; i++) {
    const res = await fetch(new URL('/api/vps/sync', base), { method: 'POST', headers: sync, body: createBody(LIST_USER) });
    if (res.status !== 201) throw new Error(`seeding: ${res.status} ${await res.text()}`);
    id = ((await res.json()) as { vps: { id: number } }).vps.id;
  }
  return id;
}

/** The route as autocannon sends it: its headers plus X-Bench-Route, a fresh body per request when it has one. */
export function loadRequest(route: Route): autocannon.Request {
  return {
    method: route.method,
    headers: { ...route.headers, 'X-Bench-Route': route.name },
    ...(route.body ? { setupRequest: (req: autocannon.Request) => ({ ...req, body: route.body!() }) } : {}),
  };
}
