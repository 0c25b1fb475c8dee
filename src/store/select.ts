import type { MiddlewareHandler } from 'hono';
import type { AppEnv, Bindings } from '../env';
import { d1Store } from './d1';
import { d1IdempotencyStore } from './d1-idempotency';
import { planetscaleStore } from './planetscale';
import { planetscaleClient, usesPlanetscale } from './planetscale-client';
import { planetscaleIdempotencyStore } from './planetscale-idempotency';
import type { IdempotencyStore, VpsStore } from './types';

/**
 * The store configured for this deployment: PlanetScale when its binding is set, the
 * embedded D1 database otherwise. `fetchImpl` lets tests observe PlanetScale's HTTP traffic.
 */
export function storeFor(env: Bindings, fetchImpl?: typeof fetch): VpsStore {
  return usesPlanetscale(env) ? planetscaleStore(planetscaleClient(env, fetchImpl)) : d1Store(env.DB);
}

/** The Idempotency-Key records, in the same database as the VPS. */
export function idempotencyStoreFor(env: Bindings, fetchImpl?: typeof fetch): IdempotencyStore {
  return usesPlanetscale(env) ? planetscaleIdempotencyStore(planetscaleClient(env, fetchImpl)) : d1IdempotencyStore(env.DB);
}

export interface Stores {
  vps: VpsStore;
  idempotency: IdempotencyStore;
}

/** The stores the bindings configure. */
export const configuredStores = (env: Bindings): Stores => ({ vps: storeFor(env), idempotency: idempotencyStoreFor(env) });

/**
 * Puts the stores on the context; creating them does no I/O. `storesFor` is replaceable so
 * the request pipeline can be measured apart from any database (scripts/bench).
 */
export function withStore(storesFor: (env: Bindings) => Stores = configuredStores): MiddlewareHandler<AppEnv> {
  return async function withStore(c, next) {
    const { vps, idempotency } = storesFor(c.env);
    c.set('store', vps);
    c.set('idempotency', idempotency);
    await next();
  };
}
