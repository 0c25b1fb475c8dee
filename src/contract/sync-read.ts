/**
 * The main site's reads under /api/vps/sync (X-API-Key, never a user's token): one VPS by the
 * panel's id or the main site's external_id, and one user's VPS page by page, tombstones
 * included, for drift checks. Request and answer schemas, as contract/vps.ts and answers.ts
 * hold them for the other routes.
 */
import * as z from 'zod/mini';
import { vps } from './answers.js';
import { BOUNDS, LIST_LIMIT } from './fields.js';
import { cursorParam } from './cursor.js';
import { externalId } from './vps.js';

/** A path segment or query value that must be a whole number in `bounds`: digits only, no sign or exponent. */
const integerText = ({ min, max }: { min: number; max: number }) => {
  const range = `must be an integer between ${min} and ${max}`;
  return z.pipe(
    z.string().check(z.regex(/^\d{1,16}$/, range)),
    z.pipe(z.transform(Number), z.int().check(z.gte(min, range), z.lte(max, range))),
  );
};

/** `{id}` of GET /api/vps/sync/vps/{id}. */
export const syncReadVpsId = integerText(BOUNDS.id);

/** `{user_id}` of GET /api/vps/sync/users/{user_id}/vps. */
export const syncReadUserId = integerText(BOUNDS.user_id);

/** GET /api/vps/sync/vps/{id} takes no query parameters: any is refused, as unknown fields are. */
export const syncReadNoQuery = z.strictObject({});

/** GET /api/vps/sync/vps?external_id=…: exactly that parameter. */
export const syncReadByExternalIdQuery = z.strictObject({ external_id: externalId });

/**
 * GET /api/vps/sync/users/{user_id}/vps query: the panel listing's `limit` and `cursor`, and
 * `include_deleted` (default true: a drift check must see deletions; false lists live VPS only).
 */
export const syncReadListQuery = z.strictObject({
  limit: z._default(integerText({ min: 1, max: LIST_LIMIT.max }), LIST_LIMIT.default),
  cursor: z.optional(cursorParam),
  include_deleted: z._default(
    z.pipe(
      z.enum(['true', 'false'], 'must be true or false'),
      z.transform((value) => value === 'true'),
    ),
    true,
  ),
});
export type SyncReadListQuery = z.output<typeof syncReadListQuery>;

/**
 * A VPS as the main site reads it: the panel's fields, and whether (and when) it was deleted.
 * Live VPS say `deleted: false, deleted_at: null`, so every item has one shape.
 */
export const syncReadVps = z.extend(vps, {
  deleted: z.boolean(),
  deleted_at: z.nullable(z.iso.datetime()),
});
export type SyncReadVps = z.output<typeof syncReadVps>;

export const syncReadOne = z.strictObject({ status: z.literal('success'), vps: syncReadVps });

export const syncReadList = z.strictObject({
  status: z.literal('success'),
  vps: z.array(syncReadVps),
  next_cursor: z.nullable(z.string()),
});
