import { RECONCILE_RUN_TTL_MS, type ReconcileRequest } from '../contract/index.js';
import { ApiError } from '../errors.js';
import type { ReconcilePageResult, ReconcileRunRefusal, VpsStore } from '../store/types.js';

type PagedRequest = ReconcileRequest & { page: NonNullable<ReconcileRequest['page']> };

const TTL_MINUTES = RECONCILE_RUN_TTL_MS / 60_000;

/** The error answer of a page its run does not accept: nothing of the page was applied. */
function refusal(refused: ReconcileRunRefusal, { page, vps }: PagedRequest): ApiError {
  const run = `reconcile "${page.reconcile_id}"`;
  switch (refused.outcome) {
    case 'relisted': {
      // Each VPS is listed once per run: which page's data would be meant is the sender's to say.
      const relisted = new Set(refused.externalIds);
      return new ApiError('validation_failed', 'Validation failed', {
        errors: vps.flatMap(({ external_id }, i) =>
          relisted.has(external_id) ? [{ field: `vps.${i}.external_id`, message: `"${external_id}" is already listed by an earlier page of ${run}` }] : [],
        ),
      });
    }
    case 'not_found':
      return new ApiError('reconcile_not_found', `No ${run} is open: page 1 was never applied, or the run expired; start again with a new reconcile_id`, {
        errors: [{ field: 'page.reconcile_id', message: 'no such reconcile run' }],
      });
    case 'expired':
      return new ApiError('reconcile_expired', `${run} got no page for ${TTL_MINUTES} minutes and was abandoned, deleting nothing; start again with a new reconcile_id`, {
        errors: [{ field: 'page.reconcile_id', message: 'expired' }],
      });
    case 'closed':
      return new ApiError('reconcile_closed', `${run} is already committed: its final page was applied`, {
        errors: [{ field: 'page.reconcile_id', message: 'already committed' }],
      });
    case 'out_of_order':
      return new ApiError('reconcile_page_out_of_order', `${run} expects page ${refused.next} next (or page ${refused.next - 1} again), not page ${page.number}`, {
        errors: [{ field: 'page.number', message: `must be ${refused.next}` }],
      });
    case 'mismatch':
      return new ApiError('reconcile_mismatch', `${run} was started with another ${refused.field}; every page carries the first page's`, {
        errors: [{ field: refused.field, message: 'differs from the first page of this reconcile' }],
      });
  }
}

/**
 * One page of a paged reconcile (a request with `page`): applied by the store, or refused with
 * the code that says why. Returns the store's result (its changes are for the audit trail) and
 * the answer body.
 */
export async function reconcilePage(store: VpsStore, command: PagedRequest) {
  const { user_id, vps, version, page } = command;
  const done: ReconcilePageResult = await store.reconcilePage(user_id, vps, { version, page }, new Date());
  if (done.outcome !== 'applied') throw refusal(done, command);
  const { result, run } = done;
  const message = run.committed
    ? 'VPS reconciled'
    : `Page ${page.number} applied; VPS no page lists are deleted only when the final page arrives`;
  const answer = {
    status: 'success' as const,
    message,
    dry_run: false,
    counts: result.counts,
    skipped: result.skipped,
    page: { reconcile_id: page.reconcile_id, number: page.number, final: page.final, committed: run.committed, expires_at: run.expires_at.toISOString() },
  };
  return { result, answer };
}
