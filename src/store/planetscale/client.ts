import { Client } from '@planetscale/database';
import type { DatabaseConfig } from '../../config.js';
import { StoreUnavailableError } from '../../errors.js';

type PlanetscaleConfig = Extract<DatabaseConfig, { kind: 'planetscale' }>;

/** Per isolate: the client of each parsed configuration (the driver keeps no connection). */
const clients = new WeakMap<PlanetscaleConfig, Client>();

/**
 * The PlanetScale client of the configuration: every request it makes is bounded by the
 * configured timeout. A `fetchImpl` (tests) gets a client of its own, never cached.
 */
export function planetscaleClient(config: PlanetscaleConfig, fetchImpl?: typeof fetch): Client {
  const cached = fetchImpl ? undefined : clients.get(config);
  if (cached) return cached;
  const send = fetchImpl ?? fetch;

  // Failures of the request itself (refused, reset, timed out) are marked here, where they are
  // known to be the network's; the driver would pass them on as bare TypeErrors.
  const timedFetch: typeof fetch = async (input, init) => {
    try {
      return await send(input, { ...init, signal: AbortSignal.timeout(config.timeoutMs) });
    } catch (err) {
      throw new StoreUnavailableError('PlanetScale did not answer', { cause: err });
    }
  };
  const client = new Client({ ...config.connection, fetch: timedFetch });
  if (!fetchImpl) clients.set(config, client);
  return client;
}
