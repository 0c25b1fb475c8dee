import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { required, type SigningConfig } from '../config.js';
import {
  MAX_SIGNATURES,
  SIGNATURE_HEADERS,
  SIGNATURE_TOLERANCE_SECONDS,
  signedContent,
  WEBHOOK_ID_PATTERN,
  WEBHOOK_TIMESTAMP_PATTERN,
  type ErrorCode,
  type FieldError,
} from '../contract/index.js';
import type { AppEnv, SecretSlot } from '../env.js';
import { ApiError } from '../errors.js';
import { log } from '../log.js';

const CHALLENGE = `WebhookSignature realm="vps-sync", headers="${Object.values(SIGNATURE_HEADERS).join(' ')}"`;

const refused = (code: ErrorCode, message: string, errors: FieldError[] = []) =>
  new ApiError(code, message, { errors, headers: { 'WWW-Authenticate': CHALLENGE } });

/** Per isolate: the signing secrets imported as HMAC keys, once per parsed configuration. */
const imported = new WeakMap<SigningConfig, Promise<CryptoKey[]>>();
function keysOf(config: SigningConfig): Promise<CryptoKey[]> {
  let keys = imported.get(config);
  if (!keys) {
    keys = Promise.all(config.secrets.map((raw) => crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify'])));
    imported.set(config, keys);
  }
  return keys;
}

/** The 32-byte `v1,<base64>` entries of a webhook-signature header; other versions are skipped. */
function v1Signatures(header: string): Uint8Array[] | null {
  const signatures: Uint8Array[] = [];
  for (const entry of header.split(' ')) {
    const [version, encoded] = entry.split(',', 2);
    if (version !== 'v1' || !encoded) continue;
    if (!/^[A-Za-z0-9+/]{43}=$/.test(encoded)) return null;
    signatures.push(Uint8Array.from(atob(encoded), (ch) => ch.charCodeAt(0)));
  }
  return signatures;
}

/**
 * Standard Webhooks signatures on sync, its reads included (https://www.standardwebhooks.com;
 * a GET signs its empty body, proving the secret, and its webhook-id is spent too). Runs after
 * apiKeyAuth() and before jsonBody(), on the raw bytes of the body (at most `maxBytes`, as
 * jsonBody() will read them). Without a signing secret it does nothing; with one, a signed
 * request must verify, and when VPS_SYNC_REQUIRE_SIGNATURE is true an unsigned one is refused; a
 * partly signed one (some of the three headers) is refused either way, naming what it lacks.
 * A signature is HMAC-SHA256 of `id.timestamp.body`, checked with crypto.subtle.verify
 * (constant time) against every configured secret; the timestamp must be within 5 minutes of
 * the Worker's clock; a webhook-id is accepted once while that holds. Each refusal is a 401 with
 * its own code. An answer of 5xx frees the id, so the same signed request may be retried.
 */
export function signature({ maxBytes }: { maxBytes: number }): MiddlewareHandler<AppEnv> {
  if (!Number.isInteger(maxBytes) || maxBytes <= 0) throw new TypeError('signature: maxBytes must be a positive integer');
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError('payload_too_large', `Request body exceeds ${maxBytes} bytes`);
    },
  });

  return async function signature(c, next) {
    const request_id = c.get('requestId');
    const config = required(c.get('config').signing, { request_id, refusing: 'all sync requests' });
    const id = c.req.header(SIGNATURE_HEADERS.id);
    const timestamp = c.req.header(SIGNATURE_HEADERS.timestamp);
    const header = c.req.header(SIGNATURE_HEADERS.signature);

    if (!config || (id === undefined && timestamp === undefined && header === undefined && !config.required)) {
      c.set('signature', { signed: false });
      return next();
    }
    const missing = Object.entries({ [SIGNATURE_HEADERS.id]: id, [SIGNATURE_HEADERS.timestamp]: timestamp, [SIGNATURE_HEADERS.signature]: header })
      .filter(([, value]) => !value)
      .map(([field]) => ({ field, message: 'is required for a signed request' }));
    if (missing.length || !id || !timestamp || !header) {
      // Unsigned where signing is required, or partly signed (required or not): neither can be checked.
      const unsigned = id === undefined && timestamp === undefined && header === undefined;
      const message = unsigned
        ? 'This request must be signed: webhook-id, webhook-timestamp and webhook-signature'
        : `A signed request carries webhook-id, webhook-timestamp and webhook-signature; missing: ${missing.map((m) => m.field).join(', ')}`;
      throw refused('signature_missing', message, missing);
    }

    if (!WEBHOOK_ID_PATTERN.test(id)) {
      throw refused('signature_invalid', 'Malformed webhook-id', [{ field: SIGNATURE_HEADERS.id, message: 'must be 1 to 255 visible ASCII characters' }]);
    }
    if (!WEBHOOK_TIMESTAMP_PATTERN.test(timestamp)) {
      throw refused('signature_invalid', 'Malformed webhook-timestamp', [{ field: SIGNATURE_HEADERS.timestamp, message: 'must be whole seconds since the Unix epoch' }]);
    }
    const signatures = v1Signatures(header);
    if (!signatures || signatures.length === 0 || signatures.length > MAX_SIGNATURES) {
      throw refused('signature_invalid', 'Malformed webhook-signature', [
        { field: SIGNATURE_HEADERS.signature, message: `must list 1 to ${MAX_SIGNATURES} signatures "v1,<base64 of 32 bytes>", separated by spaces` },
      ]);
    }
    const now = Date.now();
    const signedAt = Number(timestamp);
    if (Math.abs(now / 1000 - signedAt) > SIGNATURE_TOLERANCE_SECONDS) {
      throw refused('signature_timestamp_out_of_window', `webhook-timestamp is more than ${SIGNATURE_TOLERANCE_SECONDS} seconds away from the server's clock`, [
        { field: SIGNATURE_HEADERS.timestamp, message: 'is outside the 5-minute window' },
      ]);
    }

    await limit(c, async () => {
      const body = new Uint8Array(await c.req.arrayBuffer());
      const content = signedContent(id, timestamp, body);
      const keys = await keysOf(config);
      let matched: SecretSlot | undefined;
      for (const [index, key] of keys.entries()) {
        for (const candidate of signatures) {
          if (await crypto.subtle.verify('HMAC', key, candidate, content)) matched ??= index === 0 ? 'current' : 'previous';
        }
      }
      if (!matched) throw refused('signature_invalid', 'No signature matches the request', [{ field: SIGNATURE_HEADERS.signature, message: 'does not match the body' }]);

      // Kept until the timestamp leaves the window: after that the window refuses the request itself.
      const webhookIds = c.get('webhookIds');
      if (!(await webhookIds.claim(id, new Date((signedAt + SIGNATURE_TOLERANCE_SECONDS) * 1000), new Date(now)))) {
        throw refused('signature_replayed', 'This webhook-id was already used; sign every request with a new webhook-id', [
          { field: SIGNATURE_HEADERS.id, message: 'was already used' },
        ]);
      }
      c.set('signature', { signed: true, secret: matched });
      // jsonBody() reads the body again: hand it an unread request with the same bytes (its
      // own bodyLimit streams the body when there is no Content-Length). A GET (the main
      // site's reads: the signed body is empty) has none to hand on, and may not carry one.
      if (c.req.method !== 'GET' && c.req.method !== 'HEAD') c.req.raw = new Request(c.req.raw, { body: body.slice() });

      await next();
      if (c.res.status >= 500) {
        try {
          await webhookIds.release(id);
        } catch (err) {
          log.error('webhook-id not released', { request_id, error: String(err) });
        }
      }
    });
  };
}
