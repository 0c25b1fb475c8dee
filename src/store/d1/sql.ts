import type { SqlValue } from '../shared/statement.js';

/** Timestamps are integer milliseconds in D1's tables (the schema's timestamp_ms). */
const encode = (value: SqlValue) => (value instanceof Date ? value.getTime() : value);

/**
 * The hand-written statements of one D1 binding (both stores' SQL is written out: no query
 * builder ships in the Worker). Each SQL text (a bounded number of shapes) is prepared once per
 * isolate; every call binds its own copy. `all`, `run` and a batch are one round trip each.
 */
export function d1Sql(binding: D1Database) {
  const prepared = new Map<string, D1PreparedStatement>();
  const statement = (sql: string, params: SqlValue[] = []): D1PreparedStatement => {
    let template = prepared.get(sql);
    if (!template) prepared.set(sql, (template = binding.prepare(sql)));
    return template.bind(...params.map(encode));
  };
  return {
    statement,
    /** The rows of one statement. */
    all: async <T>(sql: string, params?: SqlValue[]): Promise<T[]> => (await statement(sql, params).all<T>()).results,
    /** Runs one statement for its effect. */
    run: async (sql: string, params?: SqlValue[]): Promise<void> => void (await statement(sql, params).run()),
    /** Statements in one batch, which D1 runs as one transaction: the rows of each, in order. */
    batch: async (statements: D1PreparedStatement[]): Promise<unknown[][]> => (await binding.batch(statements)).map((r) => r.results),
  };
}

export type D1Sql = ReturnType<typeof d1Sql>;
