import { Client } from '@planetscale/database';
import type { Bindings } from '../env';
import { StoreUnavailableError } from '../errors';

/** Default per-query timeout: the driver has none, and a hung database must not hang the Worker. */
const DEFAULT_DATABASE_TIMEOUT_MS = 5000;

/** Whether this deployment is configured for PlanetScale (otherwise the embedded D1 is used). */
export const usesPlanetscale = (env: Bindings) => Boolean(env.DATABASE_URL || env.DATABASE_HOST);

/** Per-isolate: the client for the configured database, rebuilt only if the configuration changes. */
let cached: { key: string; client: Client } | undefined;

/**
 * The PlanetScale client from the bindings: DATABASE_URL, or DATABASE_HOST/USERNAME/PASSWORD.
 * Every request it makes is bounded by DATABASE_TIMEOUT_MS.
 */
export function planetscaleClient(env: Bindings, fetchImpl: typeof fetch = fetch): Client {
  const timeoutMs = Number(env.DATABASE_TIMEOUT_MS) || DEFAULT_DATABASE_TIMEOUT_MS;
  const key = [env.DATABASE_URL, env.DATABASE_HOST, env.DATABASE_USERNAME, env.DATABASE_PASSWORD, timeoutMs].join('\n');
  if (fetchImpl === fetch && cached?.key === key) return cached.client;

  // Failures of the request itself (refused, reset, timed out) are marked here, where they are
  // known to be the network's; the driver would pass them on as bare TypeErrors.
  const timedFetch: typeof fetch = async (input, init) => {
    try {
      return await fetchImpl(input, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      throw new StoreUnavailableError('PlanetScale did not answer', { cause: err });
    }
  };
  const connection = env.DATABASE_URL
    ? { url: env.DATABASE_URL }
    : { host: env.DATABASE_HOST, username: env.DATABASE_USERNAME, password: env.DATABASE_PASSWORD };
  const client = new Client({ ...connection, fetch: timedFetch });
  if (fetchImpl === fetch) cached = { key, client };
  return client;
}
