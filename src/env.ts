import type { Bindings, Config } from './config';
import type { IdempotencyStore, VpsStore } from './store/types';

export type { Bindings };

/** Hono's typed context of this Worker: its bindings and the per-request values middleware sets. */
export interface AppEnv {
  Bindings: Bindings;
  Variables: {
    requestId: string;
    /** Every binding, parsed once per isolate (src/config.ts). */
    config: Config;
    /** The verified token's owner (bearer routes only). */
    userId: number;
    store: VpsStore;
    idempotency: IdempotencyStore;
    /** The parsed JSON body (routes behind jsonBody()). */
    body: unknown;
  };
}
