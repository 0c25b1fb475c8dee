import type { Client, ExecutedQuery, Transaction } from '@planetscale/database';
import type { SqlValue } from '../shared/statement.js';

/** DATETIME(3) as the tables store it: UTC, `YYYY-MM-DD HH:MM:SS.mmm` (the driver hands it over the same way). */
export const toDatetime = (date: Date) => date.toISOString().replace('T', ' ').replace('Z', '');
/** DATETIME(3) text as Date#toISOString() writes the same instant. */
export const isoFromDatetime = (datetime: string) => `${datetime.replace(' ', 'T')}Z`;
export const fromDatetime = (datetime: string) => new Date(isoFromDatetime(datetime));

/** The client, or one of its transactions: either executes statements. */
export type Executor = Client | Transaction;

/**
 * One statement of the hand-written SQL (no query builder ships in the Worker): one HTTP round
 * trip. Dates are sent as DATETIME(3) text; the driver fills the `?` placeholders in.
 */
export function execute<T = Record<string, unknown>>(db: Executor, sql: string, params: SqlValue[] = []): Promise<ExecutedQuery<T>> {
  return db.execute<T>(
    sql,
    params.map((value) => (value instanceof Date ? toDatetime(value) : value)),
  );
}
