import { canonicalJson, sha256Hex } from './digest.js';
import type { VpsCreate } from './vps.js';

/**
 * Identifies a create payload, so that a create repeated for the same external_id can be told
 * apart from a different VPS under that id. `version` is ordering metadata, not content: a
 * resend with a newer stamp is still the same create.
 */
export function createFingerprint(input: VpsCreate): Promise<string> {
  const { version: _version, ...content } = input;
  return sha256Hex(canonicalJson(content));
}
