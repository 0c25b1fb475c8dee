import type { DatabaseConfig } from '../config.js';
import { d1IdempotencyStore } from './d1/idempotency.js';
import { d1Store } from './d1/vps.js';
import { d1WebhookIdStore } from './d1/webhook-ids.js';
import { planetscaleClient } from './planetscale/client.js';
import { planetscaleIdempotencyStore } from './planetscale/idempotency.js';
import { planetscaleStore } from './planetscale/vps.js';
import { planetscaleWebhookIdStore } from './planetscale/webhook-ids.js';
import type { IdempotencyStore, VpsStore, WebhookIdStore } from './types.js';

export interface Stores {
  vps: VpsStore;
  idempotency: IdempotencyStore;
  webhookIds: WebhookIdStore;
}

/** Per isolate: the stores of each parsed configuration (src/config.ts parses once per env). */
const cached = new WeakMap<DatabaseConfig, Stores>();

/**
 * The stores of the configured database: PlanetScale when DATABASE_URL/DATABASE_HOST is set,
 * the embedded D1 database otherwise. Building them does no I/O, but is not free (the prepared
 * statements' caches, the error-translating wrappers): they are built once per configuration and isolate.
 * `fetchImpl` lets tests observe PlanetScale's HTTP traffic: such stores are never cached.
 */
export function storesFor(database: DatabaseConfig, fetchImpl?: typeof fetch): Stores {
  let stores = fetchImpl ? undefined : cached.get(database);
  if (!stores) {
    stores = build(database, fetchImpl);
    if (!fetchImpl) cached.set(database, stores);
  }
  return stores;
}

function build(database: DatabaseConfig, fetchImpl?: typeof fetch): Stores {
  if (database.kind === 'd1') {
    const { binding } = database;
    return { vps: d1Store(binding), idempotency: d1IdempotencyStore(binding), webhookIds: d1WebhookIdStore(binding) };
  }
  const client = planetscaleClient(database, fetchImpl);
  return { vps: planetscaleStore(client), idempotency: planetscaleIdempotencyStore(client), webhookIds: planetscaleWebhookIdStore(client) };
}
