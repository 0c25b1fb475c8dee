/**
 * Standard Webhooks signatures made the way the specification describes them, written apart
 * from the Worker's verifier and the client's signer so that the tests hold both to the format:
 * base64 HMAC-SHA256 of `id.timestamp.body`, keyed with the bytes after `whsec_`.
 */
import { TEST_SIGNING_SECRET } from './bindings.js';

export interface SignOptions {
  /** Default: a new `msg_` id. */
  id?: string;
  /** Seconds since the epoch; default now. */
  timestamp?: number;
  /** Default: the test signing secret. Several: one `v1,` signature each, as during a rotation. */
  secrets?: string[];
}

const bytesOf = (body: string | Uint8Array) => (typeof body === 'string' ? new TextEncoder().encode(body) : body);

export async function sign(secret: string, id: string, timestamp: number, body: string | Uint8Array): Promise<string> {
  const raw = Uint8Array.from(atob(secret.replace(/^whsec_/, '')), (ch) => ch.charCodeAt(0));
  const key = await crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const prefix = new TextEncoder().encode(`${id}.${timestamp}.`);
  const content = new Uint8Array([...prefix, ...bytesOf(body)]);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, content));
  return btoa(String.fromCharCode(...mac));
}

/** The three webhook-* headers of a signed request with this body. */
export async function signatureHeaders(body: string | Uint8Array, options: SignOptions = {}): Promise<Record<string, string>> {
  const { id = `msg_${crypto.randomUUID()}`, timestamp = Math.floor(Date.now() / 1000), secrets = [TEST_SIGNING_SECRET] } = options;
  const signatures = await Promise.all(secrets.map(async (secret) => `v1,${await sign(secret, id, timestamp, body)}`));
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signatures.join(' ') };
}
