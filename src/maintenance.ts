import type { Bindings } from './env';
import { idempotencyStoreFor } from './store/select';

/** Cron (wrangler.toml [triggers]): forgets expired Idempotency-Key records. */
export async function purgeExpiredIdempotencyKeys(env: Bindings, now = new Date()): Promise<number> {
  const purged = await idempotencyStoreFor(env).purgeExpired(now);
  console.log(JSON.stringify({ level: 'info', task: 'purge-idempotency-keys', purged }));
  return purged;
}
