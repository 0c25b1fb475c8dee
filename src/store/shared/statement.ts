/** A parameter as the stores pass it; each dialect encodes Dates as its schema stores timestamps. */
export type SqlValue = string | number | null | Date;

/** SQL with `?` placeholders (both dialects take them) and their values, in order. */
export interface Statement {
  sql: string;
  params: SqlValue[];
}

/** `n` placeholders, comma-separated: the inside of an IN list or a VALUES tuple. */
export const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');
