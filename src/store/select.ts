import type { DatabaseConfig } from '../config';
import { d1IdempotencyStore } from './d1/idempotency';
import { d1Store } from './d1/vps';
import { planetscaleClient } from './planetscale/client';
import { planetscaleIdempotencyStore } from './planetscale/idempotency';
import { planetscaleStore } from './planetscale/vps';
import type { IdempotencyStore, VpsStore } from './types';

export interface Stores {
  vps: VpsStore;
  idempotency: IdempotencyStore;
}

/**
 * The stores of the configured database: PlanetScale when DATABASE_URL/DATABASE_HOST is set,
 * the embedded D1 database otherwise. Building them does no I/O. `fetchImpl` lets tests
 * observe PlanetScale's HTTP traffic.
 */
export function storesFor(database: DatabaseConfig, fetchImpl?: typeof fetch): Stores {
  if (database.kind === 'd1') return { vps: d1Store(database.binding), idempotency: d1IdempotencyStore(database.binding) };
  const client = planetscaleClient(database, fetchImpl);
  return { vps: planetscaleStore(client), idempotency: planetscaleIdempotencyStore(client) };
}
