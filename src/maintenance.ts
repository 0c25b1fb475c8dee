import { configOf, required, type Bindings } from './config.js';
import { log } from './log.js';
import { storesFor } from './store/select.js';

/** Cron (wrangler.jsonc "triggers"): forgets expired Idempotency-Key records. */
export async function purgeExpiredIdempotencyKeys(env: Bindings, now = new Date()): Promise<number> {
  const database = required(configOf(env).database, { refusing: 'the scheduled purge' });
  const purged = await storesFor(database).idempotency.purgeExpired(now);
  log.info('purged expired idempotency keys', { task: 'purge-idempotency-keys', purged });
  return purged;
}

/** Cron (wrangler.jsonc triggers): forgets the webhook-ids of signed requests once their timestamps are out of the window. */
export async function purgeExpiredWebhookIds(env: Bindings, now = new Date()): Promise<number> {
  const database = required(configOf(env).database, { refusing: 'the scheduled purge' });
  const purged = await storesFor(database).webhookIds.purgeExpired(now);
  log.info('purged expired webhook ids', { task: 'purge-webhook-ids', purged });
  return purged;
}

/** Cron (wrangler.jsonc triggers): drops paged reconciles an hour after their last page, deleting no VPS. */
export async function purgeExpiredReconciles(env: Bindings, now = new Date()): Promise<number> {
  const database = required(configOf(env).database, { refusing: 'the scheduled purge' });
  const purged = await storesFor(database).vps.purgeExpiredReconciles(now);
  log.info('purged expired reconcile runs', { task: 'purge-reconcile-runs', purged });
  return purged;
}
