import { configOf, required, type Bindings } from './config';
import { log } from './log';
import { storesFor } from './store/select';

/** Cron (wrangler.jsonc "triggers"): forgets expired Idempotency-Key records. */
export async function purgeExpiredIdempotencyKeys(env: Bindings, now = new Date()): Promise<number> {
  const database = required(configOf(env).database, { refusing: 'the scheduled purge' });
  const purged = await storesFor(database).idempotency.purgeExpired(now);
  log.info('purged expired idempotency keys', { task: 'purge-idempotency-keys', purged });
  return purged;
}
