/**
 * Signs each attempt in the Standard Webhooks format the panel verifies when it has a signing
 * secret: a new `webhook-id` and the current time on every attempt (the panel accepts an id once
 * and a timestamp for 5 minutes; the Idempotency-Key, not the id, makes retries safe).
 */
import { decodeSigningSecret, SIGNATURE_HEADERS, signedContent } from '../../src/contract/index.js';

export type Signer = (body: string, nowMs: number) => Promise<Record<string, string>>;

const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

const importKeys = (raw: Uint8Array<ArrayBuffer>[]) =>
  Promise.all(raw.map((bytes) => crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])));

/**
 * A signer for one or more `whsec_` secrets (several during a rotation of the panel's secret:
 * one signature each, and the panel accepts the request if any matches). Throws a TypeError for
 * a secret that is not `whsec_` + base64 of 24 to 64 bytes.
 */
export function signerFor(secrets: string | readonly string[]): Signer {
  const list = typeof secrets === 'string' ? [secrets] : [...secrets];
  if (list.length === 0) throw new TypeError('signingSecret must name at least one secret');
  const raw = list.map((secret, i) => {
    const bytes = typeof secret === 'string' ? decodeSigningSecret(secret) : 'must be a string';
    if (typeof bytes === 'string') throw new TypeError(`signingSecret${list.length > 1 ? `[${i}]` : ''} ${bytes}`);
    return bytes;
  });
  let keys: ReturnType<typeof importKeys> | undefined;
  const encoder = new TextEncoder();
  return async (body, nowMs) => {
    keys ??= importKeys(raw);
    const id = `msg_${crypto.randomUUID()}`;
    const timestamp = String(Math.floor(nowMs / 1000));
    const content = signedContent(id, timestamp, encoder.encode(body));
    const signatures = await Promise.all((await keys).map(async (key) => `v1,${base64(new Uint8Array(await crypto.subtle.sign('HMAC', key, content)))}`));
    return { [SIGNATURE_HEADERS.id]: id, [SIGNATURE_HEADERS.timestamp]: timestamp, [SIGNATURE_HEADERS.signature]: signatures.join(' ') };
  };
}
