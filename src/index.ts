import { createApp } from './app';
import type { Bindings } from './config';
import { purgeExpiredIdempotencyKeys, purgeExpiredWebhookIds } from './maintenance';

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(purgeExpiredIdempotencyKeys(env));
    ctx.waitUntil(purgeExpiredWebhookIds(env));
  },
} satisfies ExportedHandler<Bindings>;
