import { createApp } from './app';
import type { Bindings } from './config';
import { purgeExpiredIdempotencyKeys, purgeExpiredReconciles, purgeExpiredWebhookIds } from './maintenance';

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(purgeExpiredIdempotencyKeys(env));
    ctx.waitUntil(purgeExpiredWebhookIds(env));
    ctx.waitUntil(purgeExpiredReconciles(env));
  },
} satisfies ExportedHandler<Bindings>;
