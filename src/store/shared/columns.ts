/** The columns the API shows: all but the tombstone and the create fingerprint. */
const VISIBLE = ['id', 'user_id', 'external_id', 'name', 'status', 'cpu', 'ram', 'disk', 'os', 'hypervisor', 'version', 'created_at', 'updated_at'] as const;
/** What write decisions need besides: the tombstone and the create fingerprint. */
const STORED = [...VISIBLE, 'deleted_at', 'create_hash'] as const;

function pick<T, K extends keyof T>(table: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, table[k]])) as Pick<T, K>;
}

/** The select lists of a dialect's VPS table (the same names on SQLite and MySQL). */
export function vpsColumns<T extends Record<(typeof STORED)[number], unknown>>(table: T) {
  return { visible: pick(table, VISIBLE), stored: pick(table, STORED) };
}
