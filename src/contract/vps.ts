/**
 * The wire contract of POST /api/vps/sync and GET /api/vps: what the main site sends and the
 * panel reads. Field names, enums and bounds are the integration documents'; handlers validate
 * with these schemas and nothing else. zod/mini keeps the Worker bundle small.
 */
import * as z from 'zod/mini';
import { BOUNDS, EXTERNAL_ID, HYPERVISORS, LIST_LIMIT, MAX_LENGTH, MAX_RECONCILE_ITEMS, MAX_RECONCILE_PAGES, VERSION, VPS_STATUSES } from './fields.js';
import { cursorParam } from './cursor.js';

const boundedInt = ({ min, max }: { min: number; max: number }) => {
  const range = `must be an integer between ${min} and ${max}`;
  return z
    .int({
      error: (issue) => (issue.code !== 'invalid_type' ? range : issue.input === undefined ? 'is required' : 'must be an integer'),
    })
    .check(z.gte(min, range), z.lte(max, range));
};

/** Unicode code points, the unit VARCHAR(n) and SQLite's length() count (an emoji is one). */
const codePoints = (s: string) => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/** A UTF-16 surrogate without its pair: not a Unicode character, and no database stores it faithfully. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** C0 controls, DEL and C1 controls (U+0080..U+009F). */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Text the panel shows as it was sent, on every store: well-formed Unicode, no control
 * characters, no U+FEFF (PlanetScale's driver drops it at the start of a value, so it could not
 * be kept exactly), at most `max` code points.
 */
const text = (max: number) =>
  z.string().check(
    z.refine((s) => !LONE_SURROGATE.test(s), 'must be valid Unicode text (it contains a lone surrogate)'),
    z.refine((s) => /\S/.test(s), 'must not be empty'),
    z.refine((s) => codePoints(s) <= max, `must be at most ${max} characters`),
    z.refine((s) => !CONTROL.test(s), 'must not contain control characters'),
    z.refine((s) => !s.includes('\ufeff'), 'must not contain U+FEFF (byte order mark)'),
    // For the JSON Schema (OpenAPI): its maxLength counts code points too, so it says the same.
    z.meta({ minLength: 1, maxLength: max, pattern: '\\S' }),
  );

export const vpsId = boundedInt(BOUNDS.id);
export const userId = boundedInt(BOUNDS.user_id);
export const version = boundedInt(VERSION);
export const externalId = z.string().check(
  z.minLength(1, 'must not be empty'),
  z.maxLength(EXTERNAL_ID.maxLength, `must be at most ${EXTERNAL_ID.maxLength} characters`),
  z.regex(EXTERNAL_ID.pattern, 'must be visible ASCII characters only'),
);
export const vpsStatus = z.enum(VPS_STATUSES);
export const hypervisor = z.enum(HYPERVISORS);

/** The mutable description of a VPS. */
const specShape = {
  name: text(MAX_LENGTH.name),
  status: vpsStatus,
  cpu: boundedInt(BOUNDS.cpu),
  ram: boundedInt(BOUNDS.ram),
  disk: boundedInt(BOUNDS.disk),
  os: text(MAX_LENGTH.os),
  hypervisor,
};

export const vpsCreate = z.strictObject({
  user_id: userId,
  external_id: z.optional(externalId),
  ...specShape,
  status: z._default(vpsStatus, 'creating'),
  version: z.optional(version),
});

const MUTABLE_FIELDS = Object.keys(specShape);

/** A VPS is addressed by the panel's `id` or by the main site's `external_id`: exactly one. */
const oneRef = z.refine<{ id?: number; external_id?: string }>((v) => (v.id === undefined) !== (v.external_id === undefined), {
  message: 'give either id or external_id (exactly one)',
  path: ['id'],
});
/** The same rule for the JSON Schema (OpenAPI). */
const oneRefMeta = z.meta({ oneOf: [{ required: ['id'] }, { required: ['external_id'] }] });

const refShape = { id: z.optional(vpsId), external_id: z.optional(externalId), version: z.optional(version) };

export const vpsUpdate = z
  .strictObject({
    ...refShape,
    name: z.optional(specShape.name),
    status: z.optional(specShape.status),
    cpu: z.optional(specShape.cpu),
    ram: z.optional(specShape.ram),
    disk: z.optional(specShape.disk),
    os: z.optional(specShape.os),
    hypervisor: z.optional(specShape.hypervisor),
  })
  .check(
    oneRef,
    oneRefMeta,
    z.refine((v) => MUTABLE_FIELDS.some((f) => f in v), {
      message: `must change at least one of: ${MUTABLE_FIELDS.join(', ')}`,
    }),
    z.meta({ anyOf: MUTABLE_FIELDS.map((f) => ({ required: [f] })) }),
  );

export const vpsDelete = z.strictObject(refShape).check(oneRef, oneRefMeta);

/**
 * Every listing of an external_id after its first in a reconcile's `vps`: where it is, and where
 * it was listed first. The Worker and the client (across a paged list's pages) name repeats alike.
 */
export function repeatedExternalIds(ids: readonly unknown[]): { index: number; first: number; externalId: string }[] {
  const firsts = new Map<string, number>();
  const repeats: { index: number; first: number; externalId: string }[] = [];
  ids.forEach((id, index) => {
    if (typeof id !== 'string') return; // a missing or malformed one is reported as such
    const first = firsts.get(id);
    if (first === undefined) firsts.set(id, index);
    else repeats.push({ index, first, externalId: id });
  });
  return repeats;
}

/** The field error of a repeated external_id (named at `vps.<index>.external_id`). */
export const alreadyListed = (externalId: string, first: number) => `"${externalId}" is already listed as vps.${first}.external_id`;

/**
 * One VPS of the main site's full set for a user; the owner is the request's `user_id`. Without
 * `status` a VPS the panel has keeps its own and a new one starts as `creating`: a sender that
 * leaves the field out never turns running VPS back to `creating`.
 */
export const reconcileItem = z.strictObject({
  external_id: externalId,
  ...specShape,
  status: z.optional(vpsStatus),
  version: z.optional(version),
});

/**
 * One page of a reconcile too large for one request. Pages 1..N of a `reconcile_id` arrive in
 * order; each applies its creates and updates, and only the `final` one deletes what no page
 * listed. The id is the client's (a UUID fits), in the external_id alphabet: every listed VPS
 * is recorded under it until the run ends.
 */
export const reconcilePage = z.strictObject({
  reconcile_id: z.string().check(
    z.minLength(1, 'must not be empty'),
    z.maxLength(EXTERNAL_ID.maxLength, `must be at most ${EXTERNAL_ID.maxLength} characters`),
    z.regex(EXTERNAL_ID.pattern, 'must be visible ASCII characters only'),
  ),
  number: boundedInt({ min: 1, max: MAX_RECONCILE_PAGES }),
  /** The last page: its write also deletes the user's VPS that no page listed. */
  final: z._default(z.boolean(), false),
});

export const reconcileRequest = z
  .strictObject({
    action: z.literal('reconcile'),
    user_id: userId,
    dry_run: z._default(z.boolean(), false),
    /** The main site's stamp of this list (same scale as the VPS versions): VPS written since are kept. */
    version: z.optional(version),
    vps: z.array(reconcileItem).check(
      z.maxLength(MAX_RECONCILE_ITEMS, `must list at most ${MAX_RECONCILE_ITEMS} VPS per request`),
      // One issue per repeat, at the repeat's own external_id (a refine could name only `vps`).
      z.check((payload) => {
        for (const { index, first, externalId } of repeatedExternalIds(payload.value.map((i) => i.external_id))) {
          payload.issues.push({ code: 'custom', message: alreadyListed(externalId, first), path: [index, 'external_id'], input: externalId });
        }
      }),
    ),
    /** Absent: the request is the whole list (one page). */
    page: z.optional(reconcilePage),
  })
  .check(
    // A dry run writes nothing, so it has no run to record pages in.
    z.refine((r) => !(r.dry_run && r.page), { message: 'a paged reconcile cannot be a dry run', path: ['dry_run'] }),
  );

export const syncRequest = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('create'), vps: vpsCreate }),
  z.strictObject({ action: z.literal('update'), vps: vpsUpdate }),
  z.strictObject({ action: z.literal('delete'), vps: vpsDelete }),
  reconcileRequest,
]);

export type VpsCreate = z.output<typeof vpsCreate>;
export type VpsUpdate = z.output<typeof vpsUpdate>;
export type VpsPatch = Omit<VpsUpdate, 'id' | 'external_id' | 'version'>;
export type VpsRef = { id: number } | { external_id: string };
export type ReconcileItem = z.output<typeof reconcileItem>;
export type ReconcileRequest = z.output<typeof reconcileRequest>;
export type ReconcilePage = z.output<typeof reconcilePage>;
export type SyncRequest = z.output<typeof syncRequest>;

/** A listing filter: one value, or several separated by commas (`status=running,stopped`). */
const filterList = <T extends string>(values: readonly [T, ...T[]]) => {
  const allowed: readonly string[] = values;
  const message = `must be one or more of ${values.join(', ')}, separated by commas`;
  return z.optional(
    z.pipe(
      z.string().check(z.refine((s) => s.split(',').every((v) => allowed.includes(v)), message)),
      z.transform((s) => [...new Set(s.split(','))] as T[]),
    ),
  );
};

/**
 * GET /api/vps query. Any other parameter (a `user_id` above all: the owner is the token's) is
 * refused, as unknown body fields are.
 */
const limitMessage = `must be an integer between 1 and ${LIST_LIMIT.max}`;
export const listQuery = z.strictObject({
  limit: z._default(
    z.pipe(
      z.string().check(z.regex(/^\d{1,4}$/, limitMessage)),
      z.pipe(z.transform(Number), z.int().check(z.gte(1, limitMessage), z.lte(LIST_LIMIT.max, limitMessage))),
    ),
    LIST_LIMIT.default,
  ),
  cursor: z.optional(cursorParam),
  status: filterList(VPS_STATUSES),
  hypervisor: filterList(HYPERVISORS),
});
export type ListQuery = z.output<typeof listQuery>;

/** GET /api/vps/{id} takes no query parameters: any is refused, as on the listing. */
export const oneVpsQuery = z.strictObject({});
