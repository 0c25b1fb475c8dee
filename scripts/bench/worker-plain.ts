/**
 * The Worker a developer would write first, the "straightforward Worker": Hono with its
 * default router, jose verifying every token with the raw secret, zod classic validating the
 * query and the body, the VPS in an in-memory Map (the database taken out, as for the app's
 * in-memory variant), answers made with c.json. No request id, access log, security headers,
 * rate limits, signatures, idempotency or outcome checks: the benchmark's routes only, answered
 * in the app's shapes, so the app's ratio to it says what the app's own work costs against the
 * obvious code.
 */
import { Hono, type MiddlewareHandler } from 'hono';
import { jwtVerify } from 'jose';
import { z } from 'zod';
import { BOUNDS, HYPERVISORS, LIST_LIMIT, MAX_LENGTH, VPS_STATUSES } from '../../src/contract/fields.js';
import type { Vps } from '../../src/store/types.js';

interface PlainEnv {
  JWT_SECRET: string;
  VPS_SYNC_API_KEY: string;
}

const rows = new Map<number, Vps>();
/** Each user's VPS in creation order, as an index on user_id would give them. */
const byUser = new Map<number, Vps[]>();
let nextId = 1;

const spec = {
  name: z.string().min(1).max(MAX_LENGTH.name),
  cpu: z.number().int().min(BOUNDS.cpu.min).max(BOUNDS.cpu.max),
  ram: z.number().int().min(BOUNDS.ram.min).max(BOUNDS.ram.max),
  disk: z.number().int().min(BOUNDS.disk.min).max(BOUNDS.disk.max),
  os: z.string().min(1).max(MAX_LENGTH.os),
  hypervisor: z.enum(HYPERVISORS),
  status: z.enum(VPS_STATUSES).optional(),
};
const syncBody = z.discriminatedUnion('action', [
  z.object({ action: z.literal('create'), vps: z.object({ user_id: z.number().int().positive(), external_id: z.string().optional(), ...spec }) }),
  z.object({ action: z.literal('update'), vps: z.object({ id: z.number().int().positive() }).extend(z.object(spec).partial().shape) }),
]);
const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(LIST_LIMIT.max).default(LIST_LIMIT.default), cursor: z.string().optional() });

const unauthorized = (message: string) => ({ status: 'error', code: 'unauthorized', message, errors: [] });

const app = new Hono<{ Bindings: PlainEnv; Variables: { userId: number } }>();

/** Every panel read: the token verified with the raw secret, on every request. */
const bearer: MiddlewareHandler<{ Bindings: PlainEnv; Variables: { userId: number } }> = async (c, next) => {
  const token = c.req.header('Authorization')?.replace(/^Bearer /, '');
  if (!token) return c.json(unauthorized('Missing bearer token'), 401);
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(c.env.JWT_SECRET), { algorithms: ['HS256'] });
    c.set('userId', Number(payload.user_id));
  } catch {
    return c.json(unauthorized('Token signature is invalid'), 401, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
  }
  await next();
};
app.use('/api/vps', bearer);
app.use('/api/vps/:id{[0-9]+}', bearer);

app.get('/api/vps', (c) => {
  const query = listQuery.safeParse(c.req.query());
  if (!query.success) return c.json({ status: 'error', code: 'validation_failed', message: query.error.message, errors: [] }, 400);
  const userId = c.get('userId');
  const vps = (byUser.get(userId) ?? []).slice(-query.data.limit).reverse();
  return c.json({ status: 'success', vps, next_cursor: null });
});

app.get('/api/vps/:id{[0-9]+}', (c) => {
  const vps = rows.get(Number(c.req.param('id')));
  if (!vps || vps.user_id !== c.get('userId')) return c.json({ status: 'error', code: 'not_found', message: 'VPS not found', errors: [] }, 404);
  return c.json({ status: 'success', vps });
});

app.post('/api/vps/sync', async (c) => {
  if (c.req.header('X-API-Key') !== c.env.VPS_SYNC_API_KEY) return c.json(unauthorized('Invalid API key'), 401);
  const body = syncBody.safeParse(await c.req.json());
  if (!body.success) return c.json({ status: 'error', code: 'validation_failed', message: body.error.message, errors: [] }, 422);
  const now = new Date().toISOString();
  if (body.data.action === 'create') {
    const { external_id = null, status = 'creating', ...rest } = body.data.vps;
    const vps: Vps = { id: nextId++, external_id, status, ...rest, version: 0, created_at: now, updated_at: now };
    rows.set(vps.id, vps);
    const owned = byUser.get(vps.user_id);
    if (owned) owned.push(vps);
    else byUser.set(vps.user_id, [vps]);
    return c.json({ status: 'success', message: 'VPS synced successfully', applied: true, outcome: 'created', vps }, 201);
  }
  const { id, ...patch } = body.data.vps;
  const vps = rows.get(id);
  if (!vps) return c.json({ status: 'error', code: 'not_found', message: `VPS ${id} not found`, errors: [] }, 404);
  Object.assign(vps, patch, { updated_at: now });
  return c.json({ status: 'success', message: 'VPS synced successfully', applied: true, outcome: 'updated', vps });
});

export default app satisfies ExportedHandler<PlainEnv>;
