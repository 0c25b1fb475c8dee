import type { ListPage } from '../types.js';

/** Cuts the one-extra-row probe off a listing and derives the next position from it. */
export function pageOf<T extends { id: number }>(rows: T[], limit: number): ListPage<T> {
  const items = rows.slice(0, limit);
  return { items, next: rows.length > limit ? items[items.length - 1]!.id : null };
}
