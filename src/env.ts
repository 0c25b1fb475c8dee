import type { Bindings, Config } from './config.js';
import type { ErrorCode } from './contract/index.js';
import type { IdempotencyStore, VpsStore, WebhookIdStore } from './store/types.js';

export type { Bindings };

/** Which configured secret a credential matched: the current one, or the one being rotated out. */
export type SecretSlot = 'current' | 'previous';

/** Hono's typed context of this Worker: its bindings and the per-request values middleware sets. */
export interface AppEnv {
  Bindings: Bindings;
  Variables: {
    requestId: string;
    /** Every binding, parsed once per isolate (src/config.ts). */
    config: Config;
    /** The verified token's owner (bearer routes only). */
    userId: number;
    /** Which API key the request presented (sync only, set by apiKeyAuth). */
    apiKey: SecretSlot;
    /** Whether the request was signed, and with which signing secret (sync only, set by signature()). */
    signature: { signed: false } | { signed: true; secret: SecretSlot };
    /** The `code` of the error answer, once one is made (for the request's log line). */
    errorCode: ErrorCode;
    store: VpsStore;
    idempotency: IdempotencyStore;
    webhookIds: WebhookIdStore;
    /** The parsed JSON body (routes behind jsonBody()). */
    body: unknown;
  };
}
