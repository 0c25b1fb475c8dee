/**
 * The main site's inputs as wire bodies of POST /api/vps/sync, following the integration
 * documents' field mapping (userId -> user_id, RAM GB x 1024 -> MB, ...). Nothing is checked
 * here beyond the mapping itself: the Worker's own schemas judge the result (validate.ts).
 */
import type { FieldError } from './errors.js';
import type { CreateVpsInput, ReconcileInput, VpsChanges, VpsRef } from './types.js';

/** A wire body, with what the mapping itself found wrong (unknown input names, RAM given twice). */
export interface RequestBody {
  body: Record<string, unknown>;
  problems: FieldError[];
}

const SPEC = { name: 'name', status: 'status', cpu: 'cpu', diskGb: 'disk', os: 'os', hypervisor: 'hypervisor' };
const REF = { id: 'id', externalId: 'external_id' };
const CREATE = { ...SPEC, userId: 'user_id', externalId: 'external_id', version: 'version' };
const RECONCILE_ITEM = { ...SPEC, externalId: 'external_id', version: 'version' };

export function createBody(input: CreateVpsInput): RequestBody {
  const problems: FieldError[] = [];
  return { body: { action: 'create', vps: toWire(input, CREATE, 'vps', problems) }, problems };
}

export function updateBody(ref: VpsRef, changes: VpsChanges, version: number | undefined): RequestBody {
  const problems: FieldError[] = [];
  const vps = { ...toWire(ref, REF, 'vps', problems), ...toWire(changes, SPEC, 'vps', problems) };
  return { body: { action: 'update', vps: withVersion(vps, version) }, problems };
}

export function deleteBody(ref: VpsRef, version: number | undefined): RequestBody {
  const problems: FieldError[] = [];
  return { body: { action: 'delete', vps: withVersion(toWire(ref, REF, 'vps', problems), version) }, problems };
}

export function reconcileBody(input: ReconcileInput): RequestBody {
  const problems: FieldError[] = [];
  const { userId, dryRun = false, vps, version, ...rest } = input;
  const items = Array.isArray(vps) ? vps.map((item, i) => toWire(item, RECONCILE_ITEM, `vps.${i}`, problems)) : vps;
  const body = withVersion({ action: 'reconcile', user_id: userId, dry_run: dryRun, vps: items }, version);
  return { body: { ...body, ...toWire(rest, {}, '', problems) }, problems };
}

/**
 * Renames `input`'s keys by `names` and converts RAM. A key with no wire name is kept as it is
 * (so an unchecked call still shows it to the server) and reported: the server refuses unknown
 * fields, and silently dropping a misspelt one would write something the caller did not mean.
 */
function toWire(input: object, names: Record<string, string>, path: string, problems: FieldError[]) {
  const wire: Record<string, unknown> = {};
  const at = (name: string) => (path ? `${path}.${name}` : name);
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined || key === 'ramGb' || key === 'ramMb') continue;
    const name = names[key];
    if (name === undefined) problems.push({ field: at(key), message: 'is not a known field' });
    wire[name ?? key] = value;
  }
  const { ramGb, ramMb } = input as { ramGb?: unknown; ramMb?: unknown };
  if (ramGb !== undefined && ramMb !== undefined) problems.push({ field: at('ram'), message: 'give ramGb or ramMb, not both' });
  // A non-number is passed on unconverted, for the schema to refuse rather than `*` to coerce.
  const ram = ramGb === undefined ? ramMb : typeof ramGb === 'number' ? ramGb * 1024 : ramGb;
  if (ram !== undefined) wire.ram = ram;
  return wire;
}

const withVersion = (vps: Record<string, unknown>, version: number | undefined) =>
  version === undefined ? vps : { ...vps, version };
