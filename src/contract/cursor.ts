import * as z from 'zod/mini';

/**
 * Listing cursors are opaque to clients ("v1." + base64url of the position) so the ordering
 * can change later without breaking a client that stored one.
 */
export function encodeCursor(id: number): string {
  return btoa(`v1.${id}`).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The position a cursor points after, or null when it is not one of ours. */
export function decodeCursor(cursor: string): number | null {
  let text: string;
  try {
    text = atob(cursor.replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    return null;
  }
  const match = /^v1\.(\d{1,10})$/.exec(text);
  const id = match ? Number(match[1]) : NaN;
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

const notACursor = 'is not a cursor from a previous page';

/**
 * The `cursor` query parameter of a listing, parsed to the position it encodes: its text is
 * checked first (the pattern the OpenAPI document shows), then that it is one of ours.
 */
export const cursorParam = z.pipe(
  z.string().check(z.regex(/^[A-Za-z0-9_-]{1,32}$/, notACursor)),
  z.pipe(
    z.transform((text: string) => decodeCursor(text)),
    z.number(notACursor),
  ),
);
