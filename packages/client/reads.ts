/**
 * The main site's reads of what the panel holds (GET under /api/vps/sync): one VPS by id or
 * externalId, deleted ones included, and one user's VPS page by page for drift checks. The query
 * is checked locally with the Worker's own schemas, as the writes are.
 */
import * as z from 'zod/mini';
import {
  parseFields,
  syncReadByExternalIdQuery,
  syncReadListQuery,
  syncReadUserId,
  syncReadVpsId,
} from '../../src/contract/index.js';
import type { Answer } from './answer.js';
import { VpsSyncError, VpsSyncNotFoundError, VpsSyncValidationError, type FieldError } from './errors.js';
import { fromWire, parse, wireVps } from './result.js';
import { get, type Transport } from './transport.js';
import type { ReadOptions, UserVpsOptions, UserVpsPageOptions, VpsPage, VpsRecord, VpsRef } from './types.js';

// Loose, as the writes' answers: fields a newer server adds must not break a deployed client.
const wireRecord = z.extend(wireVps, { deleted: z.boolean(), deleted_at: z.nullable(z.string()) });
const oneAnswer = z.object({ status: z.literal('success'), vps: wireRecord });
const pageAnswer = z.object({ status: z.literal('success'), vps: z.array(wireRecord), next_cursor: z.nullable(z.string()) });

const toRecord = ({ deleted, deleted_at, ...vps }: z.output<typeof wireRecord>): VpsRecord => ({
  ...fromWire(vps),
  deleted,
  deletedAt: deleted_at,
});

function problems(schema: z.ZodMiniType, value: unknown, prefix: string[] = []): FieldError[] {
  const result = parseFields(schema, value, prefix);
  return result.success ? [] : result.errors;
}

function refuseIf(errors: FieldError[]): void {
  if (errors.length) throw new VpsSyncValidationError('Validation failed', errors, true);
}

/** A whole number sent as path text: checked as the Worker checks the text it receives. */
const numberProblems = (schema: z.ZodMiniType, value: unknown, field: string): FieldError[] =>
  typeof value === 'number' ? problems(schema, String(value), [field]) : [{ field, message: 'must be an integer' }];

/** `/vps/{id}` or `/vps?external_id=…`, and what the Worker would refuse in it. */
function vpsPath(ref: VpsRef): { path: string; errors: FieldError[] } {
  const { id, externalId, ...rest } = ref as { id?: unknown; externalId?: unknown };
  const errors: FieldError[] = Object.keys(rest).map((field) => ({ field, message: 'is not a known field' }));
  if ((id === undefined) === (externalId === undefined)) errors.push({ field: 'id', message: 'give either id or external_id (exactly one)' });
  if (id !== undefined) return { path: `/vps/${encodeURIComponent(String(id))}`, errors: [...errors, ...numberProblems(syncReadVpsId, id, 'id')] };
  if (externalId === undefined) return { path: '/vps', errors };
  const query = { external_id: externalId };
  return { path: `/vps?${new URLSearchParams({ external_id: String(externalId) })}`, errors: [...errors, ...problems(syncReadByExternalIdQuery, query)] };
}

/** `/users/{user_id}/vps?…`, and what the Worker would refuse in it. */
function userVpsPath(userId: number, { cursor, limit, includeDeleted }: UserVpsPageOptions): { path: string; errors: FieldError[] } {
  const query: Record<string, string> = {};
  if (limit !== undefined) query.limit = String(limit);
  if (cursor !== undefined) query.cursor = cursor;
  if (includeDeleted !== undefined) query.include_deleted = String(includeDeleted);
  const errors = [...numberProblems(syncReadUserId, userId, 'user_id'), ...problems(syncReadListQuery, query)];
  const search = new URLSearchParams(query).toString();
  return { path: `/users/${encodeURIComponent(String(userId))}/vps${search ? `?${search}` : ''}`, errors };
}

/** A 404 for the VPS itself names its reference; any other 404 (a wrong baseUrl, an older panel) stays an error. */
const isMissingVps = (err: unknown) =>
  err instanceof VpsSyncNotFoundError &&
  Array.isArray((err.body as { errors?: unknown } | undefined)?.errors) &&
  (err.body as { errors: FieldError[] }).errors.some((e) => e.field === 'id' || e.field === 'external_id');

export interface VpsReads {
  /** The panel's record of the VPS, deleted ones included (`deleted: true`); null when the panel never had it. */
  getVps(ref: VpsRef, options?: ReadOptions): Promise<VpsRecord | null>;
  /** One page of the user's VPS, newest first; deleted ones included unless `includeDeleted: false`. */
  listUserVps(userId: number, options?: UserVpsPageOptions): Promise<VpsPage>;
  /** Every VPS of the user, page after page: `for await (const vps of client.userVps(5))`. */
  userVps(userId: number, options?: UserVpsOptions): AsyncIterable<VpsRecord>;
}

export function vpsReads(transport: Transport, validate: boolean): VpsReads {
  async function read(path: string, errors: FieldError[], signal: AbortSignal | undefined): Promise<Answer> {
    if (validate) refuseIf(errors);
    return get(transport, path, signal);
  }

  async function listUserVps(userId: number, options: UserVpsPageOptions = {}): Promise<VpsPage> {
    const { path, errors } = userVpsPath(userId, options);
    const { vps, next_cursor } = parse(pageAnswer, await read(path, errors, options.signal));
    return { vps: vps.map(toRecord), nextCursor: next_cursor };
  }

  return {
    async getVps(ref, options = {}) {
      const { path, errors } = vpsPath(ref);
      try {
        return toRecord(parse(oneAnswer, await read(path, errors, options.signal)).vps);
      } catch (err) {
        if (isMissingVps(err)) return null;
        throw err;
      }
    },

    listUserVps,

    async *userVps(userId, options = {}) {
      let cursor: string | undefined;
      const seen = new Set<string>();
      do {
        const page = await listUserVps(userId, { ...options, cursor });
        yield* page.vps;
        cursor = page.nextCursor ?? undefined;
        // A cursor that comes back again would loop for ever: the panel's answer is wrong.
        if (cursor !== undefined && seen.has(cursor)) throw new VpsSyncError(`The panel answered the same next_cursor twice: ${cursor}`);
        if (cursor !== undefined) seen.add(cursor);
      } while (cursor !== undefined);
    },
  };
}
