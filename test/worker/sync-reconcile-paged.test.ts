import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { RECONCILE_RUN_TTL_MS, type ReconcileItem } from '../../src/contract/index.js';
import { StoreUnavailableError } from '../../src/errors.js';
import { purgeExpiredReconciles } from '../../src/maintenance.js';
import { storesFor } from '../../src/store/select.js';
import type { VpsStore } from '../../src/store/types.js';
import { errorBody, freshUser, sync, validVps } from './helpers.js';
import { configuredDatabase, countedStore } from './round-trips.js';

/**
 * Paged reconcile (a reconcile with `page`), on whichever store the suite runs on: pages apply
 * their creates and updates as they arrive; only the final page deletes, and only when every
 * page arrived; an abandoned run deletes nothing.
 */
const store = storesFor(configuredDatabase()).vps;

let lastPrefix = 0;
const freshPrefix = () => `rp-${Date.now()}-${++lastPrefix}`;

const item = (external_id: string, overrides: Record<string, unknown> = {}): ReconcileItem => {
  const { user_id: _owner, ...spec } = validVps(0, overrides);
  return { ...spec, external_id } as ReconcileItem;
};

interface PageAnswer {
  status: 'success';
  message: string;
  dry_run: boolean;
  counts: Record<'created' | 'updated' | 'deleted' | 'unchanged' | 'skipped' | 'untracked', number>;
  skipped: { external_id: string; reason: string }[];
  page: { reconcile_id: string; number: number; final: boolean; committed: boolean; expires_at: string };
}

const page = (user_id: number, vps: unknown[], p: { reconcile_id: string; number: number; final?: boolean }, version?: number) =>
  sync({ action: 'reconcile', user_id, vps, page: p, ...(version === undefined ? {} : { version }) });

async function applied(res: Response): Promise<PageAnswer> {
  if (res.status !== 200) throw new Error(`page refused: ${res.status} ${await res.text()}`);
  return res.json<PageAnswer>();
}

/** The user's live VPS by external_id, read from the store (no listing page limit). */
async function live(user: number) {
  const { items } = await store.listForUser(user, { limit: 100_000 });
  return new Map(items.map((v) => [v.external_id, v]));
}

const sum = (answers: PageAnswer[]) => {
  const total = { created: 0, updated: 0, deleted: 0, unchanged: 0, skipped: 0, untracked: 0 };
  for (const a of answers) for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += a.counts[k];
  return total;
};

const pagesOf = <T>(items: T[], size: number) => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

describe('paged reconcile', () => {
  it('reconciles 1,000 VPS in pages: creates first, then updates, deleting only at the final page and keeping a newer write', { timeout: 120_000 }, async () => {
    const user = freshUser();
    const p = freshPrefix();
    const all = Array.from({ length: 1000 }, (_, i) => item(`${p}-${i}`, { name: `vps-${i}`, version: 100 }));

    // A first run creates them all, page by page.
    const first: PageAnswer[] = [];
    for (const [i, vps] of pagesOf(all, 200).entries()) {
      first.push(await applied(await page(user, vps, { reconcile_id: `${p}-run1`, number: i + 1, final: i === 4 }, 1_000)));
    }
    expect(sum(first)).toEqual({ created: 1000, updated: 0, deleted: 0, unchanged: 0, skipped: 0, untracked: 0 });
    expect(first.map((a) => [a.page.number, a.page.committed])).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [4, false],
      [5, true],
    ]);
    expect(first[4]!.message).toBe('VPS reconciled');
    expect((await live(user)).size).toBe(1000);

    // The second run: 900 listed (50 of them changed), 100 gone from the main site (900..999).
    const listed = all.slice(0, 900).map((v, i) => (i % 18 === 0 ? { ...v, status: 'running', version: 2_000 } : v));
    const run = `${p}-run2`;
    const second: PageAnswer[] = [];
    const pages = pagesOf(listed, 180);
    for (const [i, vps] of pages.slice(0, 4).entries()) {
      second.push(await applied(await page(user, vps, { reconcile_id: run, number: i + 1 }, 3_000)));
    }
    // After page 4 of 5 the updates so far are applied, and nothing is deleted yet.
    let now = await live(user);
    expect(now.size).toBe(1000);
    expect(now.get(`${p}-0`)).toMatchObject({ status: 'running', version: 2_000 });
    expect(second.every((a) => a.counts.deleted === 0 && !a.page.committed)).toBe(true);

    // Meanwhile the main site updates one of the omitted VPS after taking its list (version 3000).
    const newer = await sync({ action: 'update', vps: { external_id: `${p}-950`, version: 3_500, status: 'stopped' } });
    expect(newer.status).toBe(200);

    second.push(await applied(await page(user, pages[4]!, { reconcile_id: run, number: 5, final: true }, 3_000)));
    expect(sum(second)).toEqual({ created: 0, updated: 50, deleted: 99, unchanged: 850, skipped: 1, untracked: 0 });
    expect(second[4]!.skipped).toEqual([{ external_id: `${p}-950`, reason: 'newer_than_snapshot' }]);
    expect(second[4]!.page).toMatchObject({ number: 5, final: true, committed: true });

    now = await live(user);
    expect(now.size).toBe(901);
    expect(now.get(`${p}-950`)).toMatchObject({ status: 'stopped', version: 3_500 });
    expect(now.has(`${p}-949`)).toBe(false);
    expect(now.has(`${p}-899`)).toBe(true);
  });

  it('refuses pages out of order, from another user or version, after the final page, and for unknown runs, changing nothing', async () => {
    const user = freshUser();
    const p = freshPrefix();
    const run = `${p}-run`;
    await applied(await page(user, [item(`${p}-a`)], { reconcile_id: run, number: 1 }, 10));

    const gap = await page(user, [item(`${p}-c`)], { reconcile_id: run, number: 3 }, 10);
    expect(gap.status).toBe(409);
    expect(await errorBody(gap)).toMatchObject({
      code: 'reconcile_page_out_of_order',
      message: `reconcile "${run}" expects page 2 next (or page 1 again), not page 3`,
      errors: [{ field: 'page.number', message: 'must be 2' }],
    });

    const otherVersion = await page(user, [item(`${p}-b`)], { reconcile_id: run, number: 2 }, 11);
    expect(otherVersion.status).toBe(422);
    expect(await errorBody(otherVersion)).toMatchObject({ code: 'reconcile_mismatch', errors: [{ field: 'version', message: 'differs from the first page of this reconcile' }] });
    const noVersion = await page(user, [item(`${p}-b`)], { reconcile_id: run, number: 2 });
    expect((await errorBody(noVersion)).code).toBe('reconcile_mismatch');
    const otherUser = await page(freshUser(), [item(`${p}-b2`)], { reconcile_id: run, number: 2 }, 10);
    expect(await errorBody(otherUser)).toMatchObject({ code: 'reconcile_mismatch', errors: [{ field: 'user_id' }] });

    const unknown = await page(user, [item(`${p}-x`)], { reconcile_id: `${p}-never`, number: 2 });
    expect(unknown.status).toBe(404);
    expect((await errorBody(unknown)).code).toBe('reconcile_not_found');

    // None of the refused pages wrote anything.
    expect([...(await live(user)).keys()]).toEqual([`${p}-a`]);

    const final = await applied(await page(user, [item(`${p}-b`)], { reconcile_id: run, number: 2, final: true }, 10));
    expect(final.counts).toMatchObject({ created: 1, deleted: 0 });
    const late = await page(user, [item(`${p}-z`)], { reconcile_id: run, number: 3 }, 10);
    expect(late.status).toBe(409);
    expect((await errorBody(late)).code).toBe('reconcile_closed');
    const finalAgain = await page(user, [item(`${p}-b`)], { reconcile_id: run, number: 2, final: true }, 10);
    expect((await errorBody(finalAgain)).code).toBe('reconcile_closed');
    expect([...(await live(user)).keys()].sort()).toEqual([`${p}-a`, `${p}-b`]);
  });

  it('applies a repeated page again harmlessly, without advancing the run', async () => {
    const user = freshUser();
    const p = freshPrefix();
    const run = `${p}-run`;
    const items = [item(`${p}-a`), item(`${p}-b`)];
    const once = await applied(await page(user, items, { reconcile_id: run, number: 1 }));
    expect(once.counts.created).toBe(2);
    const again = await applied(await page(user, items, { reconcile_id: run, number: 1 }));
    expect(again.counts).toMatchObject({ created: 0, unchanged: 2 });
    // Page 2 is still the next one.
    const next = await applied(await page(user, [item(`${p}-c`)], { reconcile_id: run, number: 2, final: true }));
    expect(next.page.committed).toBe(true);
    expect((await live(user)).size).toBe(3);
  });

  it('refuses a page listing an external_id an earlier page listed, applying nothing of it; the page corrected then applies', async () => {
    const user = freshUser();
    const p = freshPrefix();
    const run = `${p}-run`;
    await applied(await page(user, [item(`${p}-a`), item(`${p}-b`)], { reconcile_id: run, number: 1 }));

    const relisting = [item(`${p}-c`), item(`${p}-b`, { cpu: 8 }), item(`${p}-a`, { name: 'again' })];
    const res = await page(user, relisting, { reconcile_id: run, number: 2, final: true });
    expect(res.status).toBe(400);
    expect(await errorBody(res)).toMatchObject({
      code: 'validation_failed',
      errors: [
        { field: 'vps.1.external_id', message: `"${p}-b" is already listed by an earlier page of reconcile "${run}"` },
        { field: 'vps.2.external_id', message: `"${p}-a" is already listed by an earlier page of reconcile "${run}"` },
      ],
    });
    // Nothing of it applied: no create, no update, no delete, and the run still waits for page 2.
    const now = await live(user);
    expect([...now.keys()].sort()).toEqual([`${p}-a`, `${p}-b`]);
    expect(now.get(`${p}-b`)).toMatchObject({ cpu: 2 });
    expect(now.get(`${p}-a`)).toMatchObject({ name: 'test-vps-01' });

    const corrected = await applied(await page(user, [item(`${p}-c`)], { reconcile_id: run, number: 2, final: true }));
    expect(corrected.page).toMatchObject({ number: 2, committed: true });
    expect(corrected.counts).toMatchObject({ created: 1, deleted: 0 });
    // The final page again (its answer lost): a repeat lists its own ids again, and is no relisting.
    expect((await page(user, [item(`${p}-c`)], { reconcile_id: run, number: 2, final: true })).status).toBe(409);
  });

  it('takes a next page sent twice at once as the page and its repeat, not as a relisting', async () => {
    const user = freshUser();
    const p = freshPrefix();
    const first = { reconcile_id: `${p}-run`, number: 1, final: false };
    await store.reconcilePage(user, [item(`${p}-a`)], { page: first }, new Date());
    const second = { ...first, number: 2 };
    const both = await Promise.allSettled([0, 1].map(() => store.reconcilePage(user, [item(`${p}-b`), item(`${p}-c`)], { page: second }, new Date())));
    for (const r of both) {
      if (r.status === 'fulfilled') expect(r.value).toMatchObject({ outcome: 'applied', run: { pages: 2 } });
      else expect(r.reason).toBeInstanceOf(StoreUnavailableError);
    }
    expect(both.some((r) => r.status === 'fulfilled')).toBe(true);
    expect((await live(user)).size).toBe(3);
  });

  it('takes two copies of a first page sent at once as the page and its repeat', async () => {
    const user = freshUser();
    const p = freshPrefix();
    const first = { reconcile_id: `${p}-run`, number: 1, final: false };
    const items = [item(`${p}-a`), item(`${p}-b`)];
    const both = await Promise.allSettled([0, 1].map(() => store.reconcilePage(user, items, { page: first }, new Date())));
    // Each is applied, or (PlanetScale: the two locking reads deadlock) refused as unavailable, to be retried.
    for (const r of both) {
      if (r.status === 'fulfilled') expect(r.value).toMatchObject({ outcome: 'applied', run: { pages: 1 } });
      else expect(r.reason).toBeInstanceOf(StoreUnavailableError);
    }
    expect(both.some((r) => r.status === 'fulfilled')).toBe(true);
    expect((await live(user)).size).toBe(2);
    expect(await store.reconcilePage(user, [item(`${p}-c`)], { page: { ...first, number: 2, final: true } }, new Date())).toMatchObject({
      outcome: 'applied',
      run: { pages: 2, committed: true },
    });
  });

  it('is a whole reconcile in one final page 1, deleting what it does not list', async () => {
    const user = freshUser();
    const p = freshPrefix();
    await sync({ action: 'create', vps: validVps(user, { external_id: `${p}-old` }) });
    await sync({ action: 'create', vps: validVps(user, { name: 'no external id' }) });
    const res = await applied(await page(user, [item(`${p}-new`)], { reconcile_id: `${p}-run`, number: 1, final: true }));
    expect(res.counts).toEqual({ created: 1, updated: 0, deleted: 1, unchanged: 0, skipped: 0, untracked: 1 });
    expect([...(await live(user)).keys()].sort()).toEqual([null, `${p}-new`].sort());
  });

  it('refuses a dry run with pages, and a page number beyond the cap', async () => {
    const user = freshUser();
    const res = await sync({ action: 'reconcile', user_id: user, dry_run: true, vps: [], page: { reconcile_id: 'r', number: 1 } });
    expect(res.status).toBe(400);
    expect((await errorBody(res)).errors).toEqual([{ field: 'dry_run', message: 'a paged reconcile cannot be a dry run' }]);
    const tooFar = await sync({ action: 'reconcile', user_id: user, vps: [], page: { reconcile_id: 'r', number: 501 } });
    expect((await errorBody(tooFar)).errors).toEqual([{ field: 'page.number', message: 'must be an integer between 1 and 500' }]);
  });
});

describe('an interrupted paged reconcile deletes nothing', () => {
  it('leaves every VPS when the final page never comes, and after the run expires', async () => {
    const user = freshUser();
    const p = freshPrefix();
    const run = `${p}-run`;
    for (let i = 0; i < 3; i++) await sync({ action: 'create', vps: validVps(user, { external_id: `${p}-kept-${i}` }) });
    await applied(await page(user, [item(`${p}-a`)], { reconcile_id: run, number: 1 }));
    await applied(await page(user, [item(`${p}-b`)], { reconcile_id: run, number: 2 }));
    expect((await live(user)).size).toBe(5);

    // An hour after page 2: the run is expired, its final page refused.
    const later = new Date(Date.now() + RECONCILE_RUN_TTL_MS + 1_000);
    const refused = await store.reconcilePage(user, [item(`${p}-c`)], { page: { reconcile_id: run, number: 3, final: true } }, later);
    expect(refused).toEqual({ outcome: 'expired' });
    expect((await live(user)).size).toBe(5);

    // The hourly cron drops it, deleting no VPS.
    expect(await purgeExpiredReconciles(env, later)).toBeGreaterThanOrEqual(1);
    const gone = await page(user, [item(`${p}-c`)], { reconcile_id: run, number: 3, final: true });
    expect(gone.status).toBe(404);
    expect((await errorBody(gone)).code).toBe('reconcile_not_found');
    expect([...(await live(user)).keys()].sort()).toEqual([`${p}-a`, `${p}-b`, `${p}-kept-0`, `${p}-kept-1`, `${p}-kept-2`]);
  });

  it('answers an expired run as expired until the purge drops it', async () => {
    const user = freshUser();
    const p = freshPrefix();
    const run = `${p}-run`;
    await applied(await page(user, [item(`${p}-a`)], { reconcile_id: run, number: 1 }));
    const later = new Date(Date.now() + RECONCILE_RUN_TTL_MS + 1_000);
    expect(await store.reconcilePage(user, [item(`${p}-b`)], { page: { reconcile_id: run, number: 2, final: false } }, later)).toEqual({ outcome: 'expired' });
    // Before that hour the same page is accepted.
    const inTime = await store.reconcilePage(user, [item(`${p}-b`)], { page: { reconcile_id: run, number: 2, final: false } }, new Date());
    expect(inTime).toMatchObject({ outcome: 'applied', run: { pages: 2, committed: false } });
  });

  it('applies nothing of a page that fails mid-way, and the page can be sent again', async () => {
    const user = freshUser();
    const p = freshPrefix();
    const run = `${p}-run`;
    await sync({ action: 'create', vps: validVps(user, { external_id: `${p}-1`, status: 'creating' }) });
    await applied(await page(user, [item(`${p}-a`)], { reconcile_id: run, number: 1 }));

    const page2 = [item(`${p}-1`, { status: 'running' }), item(`${p}-b`), item(`${p}-c`)];
    await expect(failingStore().reconcilePage(user, page2, { page: { reconcile_id: run, number: 2, final: false } }, new Date())).rejects.toThrow();
    const after = await live(user);
    expect([...after.keys()].sort()).toEqual([`${p}-1`, `${p}-a`]);
    expect(after.get(`${p}-1`)).toMatchObject({ status: 'creating' });

    // The run is still at page 1: page 2 is the next, and applies whole.
    const retried = await applied(await page(user, page2, { reconcile_id: run, number: 2, final: true }));
    expect(retried.counts).toMatchObject({ created: 2, updated: 1, deleted: 0 });
    expect((await live(user)).get(`${p}-1`)).toMatchObject({ status: 'running' });
  });
});

describe('paged reconcile round trips', () => {
  it('takes a bounded number of round trips per page, whatever its size', async () => {
    const { kind, store: counted, roundTrips, reset } = countedStore();
    const user = freshUser();
    const p = freshPrefix();
    const run = { reconcile_id: `${p}-run`, number: 1, final: false };
    const items = Array.from({ length: 200 }, (_, i) => item(`${p}-${i}`));
    // 100 VPS the final page will list, changed, and 100 no page will list.
    const kept = Array.from({ length: 100 }, (_, i) => item(`${p}-kept-${i}`));
    await store.reconcile(user, [...kept, ...Array.from({ length: 100 }, (_, i) => item(`${p}-gone-${i}`))], { dryRun: false });
    reset();
    expect(await counted.reconcilePage(user, items, { page: run }, new Date())).toMatchObject({ outcome: 'applied' });
    // D1: one read batch, one write batch. PlanetScale: BEGIN, run, rows, upsert, the created ids
    // read back (for the audit lines), listed ids, run, COMMIT.
    expect(roundTrips()).toBe(kind === 'd1' ? 2 : 8);
    reset();
    const changed = kept.map((v) => ({ ...v, status: 'running' as const }));
    expect(await counted.reconcilePage(user, changed, { page: { ...run, number: 2, final: true } }, new Date())).toMatchObject({
      outcome: 'applied',
      result: { counts: { updated: 100, deleted: 100 } },
    });
    // PlanetScale's final page adds a locking read of the unlisted VPS and their delete.
    expect(roundTrips()).toBe(kind === 'd1' ? 2 : 9);
  });
});

describe.runIf(configuredDatabase().kind === 'd1')('a paged reconcile on D1, whose read is outside its batch', () => {
  /** The D1 store, with `between` run after a page's read and before its write. */
  function storeWithChangeBetween(between: () => Promise<unknown>): VpsStore {
    const database = configuredDatabase();
    if (database.kind !== 'd1') throw new Error('D1 only');
    let batches = 0;
    const binding = new Proxy(database.binding, {
      get(target, prop) {
        if (prop === 'batch') {
          return async (statements: D1PreparedStatement[]) => {
            if (++batches === 2) await between();
            return target.batch(statements);
          };
        }
        const value = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    return storesFor({ kind: 'd1', binding }).vps;
  }

  it('applies nothing of a page whose run was purged after the page read it', async () => {
    const user = freshUser();
    const p = freshPrefix();
    const run = `${p}-run`;
    await applied(await page(user, [item(`${p}-a`)], { reconcile_id: run, number: 1 }));
    const later = new Date(Date.now() + RECONCILE_RUN_TTL_MS + 1_000);
    const racing = storeWithChangeBetween(() => store.purgeExpiredReconciles(later));
    const result = await racing.reconcilePage(user, [item(`${p}-b`)], { page: { reconcile_id: run, number: 2, final: true } }, new Date());
    expect(result).toEqual({ outcome: 'not_found' });
    expect([...(await live(user)).keys()]).toEqual([`${p}-a`]);
  });

  it('applies nothing of a page whose run was committed after the page read it', async () => {
    const user = freshUser();
    const p = freshPrefix();
    const run = `${p}-run`;
    await applied(await page(user, [item(`${p}-a`)], { reconcile_id: run, number: 1 }));
    const racing = storeWithChangeBetween(async () => applied(await page(user, [item(`${p}-d`)], { reconcile_id: run, number: 2, final: true })));
    const result = await racing.reconcilePage(user, [item(`${p}-b`), item(`${p}-c`)], { page: { reconcile_id: run, number: 2, final: false } }, new Date());
    expect(result).toEqual({ outcome: 'closed' });
    expect([...(await live(user)).keys()].sort()).toEqual([`${p}-a`, `${p}-d`]);
  });
});

/**
 * The configured store, failing inside a page's write: on D1 the batch runs every statement of
 * the page and then one that fails; on PlanetScale the transaction's insert of the listed
 * external_ids fails after the upsert of the page's VPS.
 */
function failingStore(): VpsStore {
  const database = configuredDatabase();
  if (database.kind === 'planetscale') {
    const failing: typeof fetch = async (input, init) => {
      if (typeof init?.body === 'string' && /insert into reconcile_listed_ids /i.test(init.body)) throw new Error('injected failure');
      return fetch(input, init);
    };
    return storesFor(database, failing).vps;
  }
  let batches = 0;
  const binding = new Proxy(database.binding, {
    get(target, prop) {
      // The page's first batch is its read, the second its write.
      if (prop === 'batch') {
        return (statements: D1PreparedStatement[]) =>
          target.batch(++batches === 2 ? [...statements, target.prepare("SELECT json('injected failure')")] : statements);
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return storesFor({ kind: 'd1', binding }).vps;
}
