/**
 * Signed sync requests in the Standard Webhooks format (https://www.standardwebhooks.com):
 * `webhook-signature` holds `v1,<base64 HMAC-SHA256>` of `<webhook-id>.<webhook-timestamp>.<raw body>`,
 * keyed with the bytes of a `whsec_<base64>` secret. The Worker and the clients build the same content.
 */
export const SIGNATURE_HEADERS = {
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
} as const;

/** A request signed further from the Worker's clock than this (either way) is refused. */
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

/** The prefix of a signing secret; base64 of its bytes follows. */
export const SIGNING_SECRET_PREFIX = 'whsec_';

/** Bounds of a signing secret's decoded bytes (Standard Webhooks: 24 to 64). */
export const SIGNING_SECRET_BYTES = { min: 24, max: 64 } as const;

/** Most `v1,` signatures one request may carry (one per secret during a rotation is typical). */
export const MAX_SIGNATURES = 8;

/** A `webhook-id`: 1..255 visible ASCII characters (`msg_` + a random id is typical). */
export const WEBHOOK_ID_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** A `webhook-timestamp`: whole seconds since the Unix epoch. */
export const WEBHOOK_TIMESTAMP_PATTERN = /^\d{1,12}$/;

/** The bytes a signature covers: `id.timestamp.` followed by the body exactly as sent. */
export function signedContent(id: string, timestamp: string, body: Uint8Array): Uint8Array<ArrayBuffer> {
  const prefix = new TextEncoder().encode(`${id}.${timestamp}.`);
  const content = new Uint8Array(prefix.length + body.length);
  content.set(prefix);
  content.set(body, prefix.length);
  return content;
}

/**
 * The key bytes of a `whsec_<base64>` secret, or why it cannot be one (the message never holds
 * the secret).
 */
export function decodeSigningSecret(secret: string): Uint8Array<ArrayBuffer> | string {
  if (!secret.startsWith(SIGNING_SECRET_PREFIX)) return `must start with ${SIGNING_SECRET_PREFIX}`;
  const encoded = secret.slice(SIGNING_SECRET_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) return `must be ${SIGNING_SECRET_PREFIX} followed by base64`;
  const bytes = Uint8Array.from(atob(encoded), (ch) => ch.charCodeAt(0));
  if (bytes.length < SIGNING_SECRET_BYTES.min || bytes.length > SIGNING_SECRET_BYTES.max) {
    return `must decode to ${SIGNING_SECRET_BYTES.min} to ${SIGNING_SECRET_BYTES.max} bytes`;
  }
  return bytes;
}
