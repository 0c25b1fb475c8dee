/** The columns the API shows: all but the tombstone and the create fingerprint. */
const VISIBLE = ['id', 'user_id', 'external_id', 'name', 'status', 'cpu', 'ram', 'disk', 'os', 'hypervisor', 'version', 'created_at', 'updated_at'] as const;

/**
 * The VPS table's select lists, the same names on SQLite and MySQL, in the order the API's
 * JSON shows them (rows keep their columns' order, and so do the answers built from them).
 */
export const VISIBLE_COLUMNS = VISIBLE.join(', ');
/** What write decisions need besides: the tombstone and the create fingerprint. */
export const STORED_COLUMNS = [...VISIBLE, 'deleted_at', 'create_hash'].join(', ');
/** What each write of a reconcile reports: the row as it left it. */
export const CHANGED_COLUMNS = 'id, external_id, version';

/** The columns of a new row (newRow() has a value for each), as INSERTs name them. */
export const NEW_ROW_COLUMNS = [
  'external_id',
  'user_id',
  'name',
  'status',
  'cpu',
  'ram',
  'disk',
  'os',
  'hypervisor',
  'created_at',
  'updated_at',
  'version',
  'create_hash',
] as const;

/** The described columns: what a VPS is, as the main site sets it (an update or a reconcile rewrites only these). */
export const DESCRIBED_COLUMNS = ['name', 'status', 'cpu', 'ram', 'disk', 'os', 'hypervisor'] as const;
