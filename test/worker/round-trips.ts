import { env } from 'cloudflare:workers';
import { usesPlanetscale } from '../../src/store/planetscale-client';
import { storeFor } from '../../src/store/select';
import type { VpsStore } from '../../src/store/types';

/** The D1 calls that cross to the database (each a round trip on remote D1). */
const D1_QUERY_METHODS = new Set(['run', 'all', 'first', 'raw']);

function countingD1(db: D1Database, onQuery: () => void): D1Database {
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop === 'prepare') {
        return (query: string) => countingStatement(target.prepare(query), onQuery);
      }
      if (prop === 'batch' || prop === 'exec') {
        return (...args: unknown[]) => {
          onQuery();
          return (Reflect.get(target, prop, target) as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function countingStatement(statement: D1PreparedStatement, onQuery: () => void): D1PreparedStatement {
  return new Proxy(statement, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      if (prop === 'bind') return (...args: unknown[]) => countingStatement(value.apply(target, args), onQuery);
      if (D1_QUERY_METHODS.has(String(prop))) {
        return (...args: unknown[]) => {
          onQuery();
          return value.apply(target, args);
        };
      }
      return value.bind(target);
    },
  });
}

export type StoreKind = 'd1' | 'planetscale';

/**
 * The configured store, with a counter of the database round trips it makes: D1 calls, or
 * HTTP requests to PlanetScale (each one a round trip from the edge to the database).
 */
export function countedStore(): { kind: StoreKind; store: VpsStore; roundTrips: () => number; reset: () => void } {
  let count = 0;
  const counted = () => count++;
  if (usesPlanetscale(env)) {
    const countingFetch: typeof fetch = (input, init) => {
      counted();
      return fetch(input, init);
    };
    return { kind: 'planetscale', store: storeFor(env, countingFetch), roundTrips: () => count, reset: () => (count = 0) };
  }
  const store = storeFor({ ...env, DB: countingD1(env.DB, counted) });
  return { kind: 'd1', store, roundTrips: () => count, reset: () => (count = 0) };
}
