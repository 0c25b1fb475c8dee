import type { Hypervisor, VpsStatus } from '../vps/fields';
import type { VpsCreate, VpsPatch } from '../vps/schema';

/** A VPS as the API shows it (timestamps serialise to ISO 8601 in JSON). */
export interface Vps {
  id: number;
  user_id: number;
  name: string;
  status: VpsStatus;
  cpu: number;
  ram: number;
  disk: number;
  os: string;
  hypervisor: Hypervisor;
  created_at: Date;
  updated_at: Date;
}

export type DeleteOutcome = 'deleted' | 'already_deleted' | 'not_found';

export interface ListPage {
  items: Vps[];
  /** Id of the last item when more follow; pass it back as `before` for the next page. */
  next: number | null;
}

/**
 * Where VPS live. The handlers depend on this alone; one implementation per database
 * (store/d1.ts, store/planetscale.ts). Deleted VPS are tombstoned: invisible to get/list/update.
 * Implementations throw StoreUnavailableError when the database cannot answer.
 */
export interface VpsStore {
  create(input: VpsCreate): Promise<Vps>;
  /** The updated VPS, or null when no live VPS has that id. */
  update(id: number, patch: VpsPatch): Promise<Vps | null>;
  delete(id: number): Promise<DeleteOutcome>;
  /** The owner's live VPS with that id; null for a missing, deleted or someone else's VPS. */
  get(userId: number, id: number): Promise<Vps | null>;
  /** The owner's live VPS, newest first, `limit` at most, strictly older than `before` when given. */
  listForUser(userId: number, page: { limit: number; before?: number }): Promise<ListPage>;
}
