/**
 * A reconcile longer than one request carries (MAX_RECONCILE_ITEMS VPS) as the pages of one
 * paged reconcile: the same user, dry run flag and version on every page, pages 1..N in order,
 * the last one `final` (only it deletes what no page listed).
 */
import { alreadyListed, MAX_RECONCILE_ITEMS, repeatedExternalIds, sha256Hex } from '../../src/contract/index.js';
import { VpsSyncValidationError, type FieldError } from './errors.js';
import { reconcileBody, type RequestBody } from './request-body.js';
import type { ReconcileInput, ReconcileResult } from './types.js';

export interface ReconcilePage extends RequestBody {
  /** The page's Idempotency-Key: the same on every retry, and on a repeated call with the caller's key. */
  idempotencyKey: string;
}

/** Moves a page's field names (`vps.3.cpu`) to the whole list's (`vps.203.cpu`). */
const shift = (errors: FieldError[], offset: number) =>
  errors.map(({ field, message }) => ({ field: field.replace(/^vps\.(\d+)/, (_, i: string) => `vps.${Number(i) + offset}`), message }));

/**
 * The pages of `input`, or undefined when it fits one request. The run's id comes from the
 * caller's Idempotency-Key when one is given (so calling again with that key resumes the same
 * run, replaying the pages already applied), else is random.
 */
export async function reconcilePages(input: ReconcileInput, idempotencyKey: string | undefined): Promise<ReconcilePage[] | undefined> {
  if (!Array.isArray(input.vps) || input.vps.length <= MAX_RECONCILE_ITEMS) return undefined;
  const reconcileId = idempotencyKey === undefined ? crypto.randomUUID() : await sha256Hex(`reconcile:${idempotencyKey}`);
  const count = Math.ceil(input.vps.length / MAX_RECONCILE_ITEMS);
  return Array.from({ length: count }, (_, i) => {
    const offset = i * MAX_RECONCILE_ITEMS;
    const { body, problems } = reconcileBody({ ...input, vps: input.vps.slice(offset, offset + MAX_RECONCILE_ITEMS) });
    return {
      body: { ...body, page: { reconcile_id: reconcileId, number: i + 1, final: i === count - 1 } },
      problems: shift(problems, offset),
      idempotencyKey: `${reconcileId}:${i + 1}`,
    };
  });
}

/**
 * Runs `check` on every page before any is sent, so a bad item on the last page cannot leave
 * a run half sent; throws one error naming every problem in the whole list's field names, and
 * every repeat of an external_id (even on another page) as the Worker names one in a request.
 */
export function checkPages(input: ReconcileInput, pages: ReconcilePage[], check: (page: ReconcilePage) => void): void {
  const errors: FieldError[] = [];
  pages.forEach((page, i) => {
    try {
      check(page);
    } catch (err) {
      if (!(err instanceof VpsSyncValidationError)) throw err;
      errors.push(...shift(err.errors, i * MAX_RECONCILE_ITEMS));
    }
  });
  // After the pages' own: for a repeat within a page, the whole list's entry (naming the first
  // by its place in the whole list) replaces the page's.
  for (const { index, first, externalId } of repeatedExternalIds(input.vps.map((v) => v.externalId))) {
    errors.push({ field: `vps.${index}.external_id`, message: alreadyListed(externalId, first) });
  }
  const unique = [...new Map(errors.map((e) => [e.field, e])).values()];
  if (unique.length) throw new VpsSyncValidationError('Validation failed', unique, true);
}

/** The run's result: the sum of its pages' (each counts its own items; the final one the deletes). */
export function sumPages(results: ReconcileResult[]): ReconcileResult {
  const counts = { created: 0, updated: 0, deleted: 0, unchanged: 0, skipped: 0, untracked: 0 };
  for (const r of results) for (const k of Object.keys(counts) as (keyof typeof counts)[]) counts[k] += r.counts[k];
  return { dryRun: false, counts, skipped: results.flatMap((r) => r.skipped), pages: results.length };
}
