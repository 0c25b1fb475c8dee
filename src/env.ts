import type { IdempotencyStore, VpsStore } from './store/types';

/**
 * The Worker's bindings. `Env` (worker-configuration.d.ts, from `wrangler types`) has the
 * bindings declared in wrangler.toml; secrets are added here and are optional on purpose: a
 * missing secret must fail closed at request time with a clear log, not crash the isolate.
 */
export interface Bindings extends Env {
  /** Shared secret of the main site, sent as X-API-Key on sync. >= 32 characters. */
  VPS_SYNC_API_KEY?: string;
  /** The key being rotated out: accepted too while set, so the main site can switch without 401s. */
  VPS_SYNC_API_KEY_PREVIOUS?: string;
  /** HMAC secret of the panel's user JWTs. >= 32 characters. */
  JWT_SECRET?: string;
  /** Expected `iss` of user JWTs; unchecked when empty. */
  JWT_ISSUER?: string;
  /** Expected `aud` of user JWTs; unchecked when empty. */
  JWT_AUDIENCE?: string;
  /** Accepted JWT algorithms, comma-separated (HS256, HS384, HS512). Default HS256. */
  JWT_ALGORITHMS?: string;
  /** PlanetScale connection (mysql://user:password@host/db); when set, PlanetScale replaces D1. */
  DATABASE_URL?: string;
  /** PlanetScale connection in parts, used when DATABASE_URL is empty. */
  DATABASE_HOST?: string;
  DATABASE_USERNAME?: string;
  DATABASE_PASSWORD?: string;
  /** Per-query timeout towards PlanetScale in milliseconds (default 5000). */
  DATABASE_TIMEOUT_MS?: string;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: {
    requestId: string;
    /** The verified token's owner (bearer routes only). */
    userId: number;
    store: VpsStore;
    idempotency: IdempotencyStore;
    /** The parsed JSON body (routes behind jsonBody()). */
    body: unknown;
  };
}

/** Minimum length of the shared secrets; the integration documents require 32. */
export const MIN_SECRET_LENGTH = 32;
