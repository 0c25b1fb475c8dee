/**
 * The control API of the local JWKS endpoint (server.ts), shared by the server (Node) and the
 * tests that drive it (workerd). Each test uses its own named set, so tests never see each
 * other's keys or fetch counts.
 *
 *   PUT  /sets/<name>            body SetControl: replaces the keys and/or the mode  -> 204
 *   GET  /sets/<name>/jwks.json  the set, as an identity provider serves it (counted)
 *   GET  /sets/<name>/stats      SetStats                                           -> 200
 */

/** How `jwks.json` answers. */
export type JwksMode =
  | 'serve' // 200 {"keys":[...]}
  | 'status-500' // 500 with a JSON body
  | 'invalid-json' // 200, a body that is not JSON
  | 'not-a-key-set' // 200 JSON without a keys array
  | 'hang' // never answers (until the server stops)
  | 'reset'; // drops the connection without an answer

export interface SetControl {
  /** Public JWKs (kid, kty, alg, ...) to serve. */
  keys?: object[];
  mode?: JwksMode;
}

export interface SetStats {
  /** Requests to jwks.json so far, answered or not. */
  fetches: number;
}

export const JWKS_MODES: readonly JwksMode[] = ['serve', 'status-500', 'invalid-json', 'not-a-key-set', 'hang', 'reset'];
