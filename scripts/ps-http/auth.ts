import { timingSafeEqual } from 'node:crypto';

export interface Credentials {
  username: string;
  password: string;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Parses `Authorization: Basic base64(user:pass)`; null when absent or malformed. */
export function parseBasicAuth(header: string | undefined): Credentials | null {
  if (!header) return null;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * The driver copies `URL.username`/`URL.password` verbatim, and WHATWG URL keeps
 * those percent-encoded, so a password with `@` or `/` arrives as `%40`/`%2F`.
 * Accepting the decoded form too keeps such credentials usable from a URL.
 */
export function credentialsMatch(presented: Credentials | null, expected: Credentials): boolean {
  if (!presented) return false;
  const userOk = sameText(presented.username, expected.username) || sameText(safeDecode(presented.username), expected.username);
  const passOk = sameText(presented.password, expected.password) || sameText(safeDecode(presented.password), expected.password);
  return userOk && passOk;
}
