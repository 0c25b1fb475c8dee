import type { PsRow } from './protocol.js';

/** A row exactly as MySQL's text protocol sent it: one byte string per column, null for SQL NULL. */
export type RawRow = ReadonlyArray<Buffer | null>;

/**
 * Encodes a row the way Vitess does: lengths are byte counts (not characters) and
 * -1 marks NULL, because the driver slices the atob()'d binary string by them.
 */
export function encodeRow(row: RawRow): PsRow {
  const lengths: string[] = [];
  const chunks: Buffer[] = [];
  for (const value of row) {
    if (value === null) {
      lengths.push('-1');
    } else {
      lengths.push(String(value.length));
      chunks.push(value);
    }
  }
  const bytes = Buffer.concat(chunks);
  // protojson drops empty bytes fields; the driver copes with a missing `values`.
  return bytes.length > 0 ? { lengths, values: bytes.toString('base64') } : { lengths };
}

/**
 * mysql2's typeCast hook is where raw column bytes are still available; anything
 * else (a driver change, an unexpected parser path) is normalised to bytes here
 * rather than trusted.
 */
export function toRawRow(values: readonly unknown[]): RawRow {
  return values.map((value) => {
    if (value === null || value === undefined) return null;
    if (Buffer.isBuffer(value)) return value;
    if (value instanceof Uint8Array) return Buffer.from(value);
    return Buffer.from(String(value), 'utf8');
  });
}
