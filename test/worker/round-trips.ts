import { env } from 'cloudflare:workers';
import { configOf, type DatabaseConfig } from '../../src/config.js';
import { storesFor } from '../../src/store/select.js';
import type { Stores } from '../../src/store/select.js';
import type { VpsStore } from '../../src/store/types.js';

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

/** The database the suite is configured with (D1 in `npm test`, PlanetScale in `npm run test:mysql`). */
export function configuredDatabase(): DatabaseConfig {
  const database = configOf(env).database;
  if (!database.ok) throw new Error(`test bindings misconfigured: ${database.problem}`);
  return database.value;
}

/**
 * The configured stores, with a counter of the database round trips they make: D1 calls, or
 * HTTP requests to PlanetScale (each one a round trip from the edge to the database).
 */
export function countedStores(): { kind: StoreKind; stores: Stores; roundTrips: () => number; reset: () => void } {
  let count = 0;
  const counted = () => count++;
  const database = configuredDatabase();
  if (database.kind === 'planetscale') {
    const countingFetch: typeof fetch = (input, init) => {
      counted();
      return fetch(input, init);
    };
    return { kind: 'planetscale', stores: storesFor(database, countingFetch), roundTrips: () => count, reset: () => (count = 0) };
  }
  const stores = storesFor({ kind: 'd1', binding: countingD1(database.binding, counted) });
  return { kind: 'd1', stores, roundTrips: () => count, reset: () => (count = 0) };
}

/** The configured VPS store with its round-trip counter. */
export function countedStore(): { kind: StoreKind; store: VpsStore; roundTrips: () => number; reset: () => void } {
  const { stores, ...rest } = countedStores();
  return { store: stores.vps, ...rest };
}

/**
 * The configured VPS store, with `between` run by another connection at the one moment a
 * reconcile has read what it plans from and not yet written: just before D1's batch, or just
 * after PlanetScale's locking read (where `between` then waits for the reconcile's locks).
 * Resolves `settled` with what `between` returned once it has finished.
 */
export function storeWithWriteBetweenReadAndWrite<T>(between: () => Promise<T>): { store: VpsStore; settled: () => Promise<T> } {
  const database = configuredDatabase();
  let injected: Promise<T> | undefined;
  const inject = () => (injected ??= between());
  const settled = () => {
    if (!injected) throw new Error('the reconcile never reached its write');
    return injected;
  };
  if (database.kind === 'planetscale') {
    const hookedFetch: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (typeof init?.body === 'string' && /for update/i.test(init.body)) void inject().catch(() => {});
      return res;
    };
    return { store: storesFor(database, hookedFetch).vps, settled };
  }
  const binding = new Proxy(database.binding, {
    get(target, prop) {
      if (prop === 'batch') {
        return async (statements: D1PreparedStatement[]) => {
          await inject();
          return target.batch(statements);
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store: storesFor({ kind: 'd1', binding }).vps, settled };
}
