/**
 * The VPS vocabulary shared by the wire schemas (contract/vps.ts) and both database schemas
 * (db/schema.*.ts): enum values and bounds live here once, so validation can never accept
 * what a column would reject or truncate.
 */

export const VPS_STATUSES = ['creating', 'running', 'stopped', 'suspended'] as const;
export type VpsStatus = (typeof VPS_STATUSES)[number];

export const HYPERVISORS = ['proxmox', 'vmware', 'hyperv', 'kvm', 'xen'] as const;
export type Hypervisor = (typeof HYPERVISORS)[number];

/** Largest value of an unsigned 32-bit column (MySQL INT UNSIGNED). */
export const UINT32_MAX = 4_294_967_295;

/** Inclusive bounds of the numeric fields; the columns are sized to hold them. */
export const BOUNDS = {
  id: { min: 1, max: UINT32_MAX },
  user_id: { min: 1, max: UINT32_MAX },
  /** cores; SMALLINT UNSIGNED column */
  cpu: { min: 1, max: 1024 },
  /** MB (the main site converts its GB x1024); 4 TiB */
  ram: { min: 1, max: 4_194_304 },
  /** GB; 1 PiB */
  disk: { min: 1, max: 1_048_576 },
} as const;

/** Maximum lengths of the text fields, in characters (Unicode code points, as VARCHAR counts). */
export const MAX_LENGTH = {
  name: 100,
  os: 100,
} as const;

/**
 * The main site's own id of a VPS: 1..64 visible ASCII characters, compared case-sensitively
 * (the MySQL column is utf8mb4_bin, SQLite compares bytes).
 */
export const EXTERNAL_ID = { maxLength: 64, pattern: /^[\x21-\x7e]+$/ } as const;

/** Ordering stamp from the main site (e.g. its updated-at in ms); BIGINT UNSIGNED column. */
export const VERSION = { min: 1, max: Number.MAX_SAFE_INTEGER } as const;

/** Largest `vps` list one reconcile request may carry (it must also fit the 64 KiB body). */
export const MAX_RECONCILE_ITEMS = 200;

/**
 * A paged reconcile (the `page` object): at most this many pages of MAX_RECONCILE_ITEMS, so a
 * run lists at most 100,000 VPS.
 */
export const MAX_RECONCILE_PAGES = 500;

/** An open paged reconcile is dropped (deleting nothing) this long after its last page; a committed one is remembered as long. */
export const RECONCILE_RUN_TTL_MS = 60 * 60 * 1000;

/** GET /api/vps page size. */
export const LIST_LIMIT = { default: 50, max: 100 } as const;

/** Documented request body limit of POST /api/vps/sync. */
export const MAX_SYNC_BODY_BYTES = 64 * 1024;
