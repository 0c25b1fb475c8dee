import type { MiddlewareHandler } from 'hono';
import { required, type Bindings } from '../config.js';
import type { AppEnv } from '../env.js';
import { storesFor, type Stores } from '../store/select.js';

/**
 * Puts the stores on the context; creating them does no I/O. `stores` replaces the configured
 * database, so the request pipeline can be measured apart from any database (scripts/bench).
 */
export function withStores(stores?: (env: Bindings) => Stores): MiddlewareHandler<AppEnv> {
  return async function withStores(c, next) {
    const { vps, idempotency, webhookIds } = stores
      ? stores(c.env)
      : storesFor(required(c.get('config').database, { request_id: c.get('requestId'), refusing: 'all database requests' }));
    c.set('store', vps);
    c.set('idempotency', idempotency);
    c.set('webhookIds', webhookIds);
    await next();
  };
}
