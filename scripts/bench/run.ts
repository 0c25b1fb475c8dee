/**
 * `npm run bench`: prints numbers for the request pipeline apart from the database (local D1
 * under miniflare does a few hundred queries/s and says nothing about production):
 *  1. JWT verification with a raw secret (jose imports it on every call) vs a CryptoKey
 *     imported once, as src/auth/jwt.ts does;
 *  2. the whole Hono app (auth, body limits, validation, fingerprint, JSON) for a sync create
 *     and a listing, on in-memory stores.
 * Runs in Node, not workerd: compare numbers with each other, not with production.
 */
import { timingSafeEqual } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { createApp } from '../../src/app.ts';
import { TEST_BINDINGS } from '../../test/bindings.ts';
import { memoryStores } from './memory-stores.ts';

const DURATION_MS = Number(process.env.BENCH_MS ?? 2000);

// Workers' crypto.subtle has timingSafeEqual (src/auth/api-key.ts uses it); Node's has not.
Object.assign(crypto.subtle, {
  timingSafeEqual: (a: ArrayBuffer, b: ArrayBuffer) => timingSafeEqual(new Uint8Array(a), new Uint8Array(b)),
});

/**
 * The Worker's log lines (src/log.ts: one per request, one per change) are built as in
 * production, but not printed: Workers ships them off the request path, a terminal would not.
 */
const print = console.log.bind(console);
const quiet = () => {
  console.log = () => {};
};

async function measure(name: string, op: () => Promise<unknown>): Promise<void> {
  quiet();
  for (let i = 0; i < 200; i++) await op(); // warm-up
  const samples: number[] = [];
  const end = performance.now() + DURATION_MS;
  while (performance.now() < end) {
    const t0 = performance.now();
    await op();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  const total = samples.reduce((a, b) => a + b, 0);
  const pct = (p: number) => samples[Math.min(samples.length - 1, Math.floor(samples.length * p))]!.toFixed(3);
  print(
    `${name.padEnd(46)} ${(samples.length / (total / 1000)).toFixed(0).padStart(8)} ops/s   p50 ${pct(0.5)} ms   p99 ${pct(0.99)} ms   (n=${samples.length})`,
  );
}

const secret = new TextEncoder().encode(TEST_BINDINGS.JWT_SECRET);
const token = await new SignJWT({ user_id: 5 }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(secret);
const key = await crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
const verifyOptions = { algorithms: ['HS256'], requiredClaims: ['exp'] };

console.log(`vps-sync pipeline benchmark (Node ${process.version}, ${DURATION_MS} ms per line)\n`);
await measure('jwtVerify, raw secret (re-imported each call)', () => jwtVerify(token, secret, verifyOptions));
await measure('jwtVerify, CryptoKey imported once', () => jwtVerify(token, key, verifyOptions));

const app = createApp({ stores: memoryStores });
const env = { ...TEST_BINDINGS } as never;
let n = 0;
const createBody = () =>
  JSON.stringify({
    action: 'create',
    vps: { user_id: 5, name: `bench-${n++}`, cpu: 2, ram: 2048, disk: 50, os: 'Ubuntu 22.04 LTS', hypervisor: 'proxmox' },
  });
const expectStatus = (status: number) => (res: Response) => {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}`);
  return res.arrayBuffer();
};

const request = (path: string, init: RequestInit) => Promise.resolve(app.request(path, init, env));

await measure('POST /api/vps/sync create (memory store)', () =>
  request('/api/vps/sync', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-API-Key': TEST_BINDINGS.VPS_SYNC_API_KEY }, body: createBody() }).then(
    expectStatus(201),
  ),
);
await measure('GET /api/vps, 50 VPS (memory store)', () =>
  request('/api/vps', { headers: { Authorization: `Bearer ${token}` } }).then(expectStatus(200)),
);
await measure('POST /api/vps/sync refused (bad key)', () =>
  request('/api/vps/sync', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-API-Key': 'x'.repeat(40) }, body: '{}' }).then(
    expectStatus(401),
  ),
);
