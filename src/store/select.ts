import type { MiddlewareHandler } from 'hono';
import type { AppEnv, Bindings } from '../env';
import { d1Store } from './d1';
import { planetscaleClient, usesPlanetscale } from './planetscale-client';
import { planetscaleStore } from './planetscale';
import type { VpsStore } from './types';

/**
 * The store configured for this deployment: PlanetScale when its binding is set, the
 * embedded D1 database otherwise. `fetchImpl` lets tests observe PlanetScale's HTTP traffic.
 */
export function storeFor(env: Bindings, fetchImpl?: typeof fetch): VpsStore {
  return usesPlanetscale(env) ? planetscaleStore(planetscaleClient(env, fetchImpl)) : d1Store(env.DB);
}

/** Puts the configured store on the context; creating one does no I/O. */
export function withStore(): MiddlewareHandler<AppEnv> {
  return async function withStore(c, next) {
    c.set('store', storeFor(c.env));
    await next();
  };
}
