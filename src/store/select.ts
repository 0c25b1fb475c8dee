import type { MiddlewareHandler } from 'hono';
import type { AppEnv, Bindings } from '../env';
import { d1Store } from './d1';
import type { VpsStore } from './types';

/** The store configured for this deployment. */
export function storeFor(env: Bindings): VpsStore {
  return d1Store(env.DB);
}

/** Puts the configured store on the context; creating one does no I/O. */
export function withStore(): MiddlewareHandler<AppEnv> {
  return async function withStore(c, next) {
    c.set('store', storeFor(c.env));
    await next();
  };
}
