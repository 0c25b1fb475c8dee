import { inArray, sql } from 'drizzle-orm';
import type { PlanetScaleDatabase } from 'drizzle-orm/planetscale-serverless';
import { vps } from '../../db/schema.mysql';
import { newRow } from '../shared/outcomes';
import type { AppliedRow, AppliedWrites, ReconcilePlan } from '../shared/reconcile-plan';

/** A transaction of the PlanetScale store. */
export type Transaction = Parameters<Parameters<PlanetScaleDatabase['transaction']>[0]>[0];

/**
 * A plan's creates and updates as one upsert (one round trip), inside a transaction whose
 * locking read the plan was made from.
 */
export async function upsertPlan(tx: Transaction, plan: ReconcilePlan, now: Date): Promise<void> {
  const upserts = [
    ...(await Promise.all(plan.creates.map((c) => newRow(c, now)))),
    // Existing rows keep their owner, creation time and fingerprint: the upsert below
    // only rewrites the described columns of the rows it finds by external_id.
    ...plan.updates.map(({ row, patch, version }) => ({ ...row, ...patch, version, updated_at: now })),
  ];
  if (!upserts.length) return;
  await tx
    .insert(vps)
    .values(upserts)
    .onDuplicateKeyUpdate({
      set: {
        name: sql`values(${vps.name})`,
        status: sql`values(${vps.status})`,
        cpu: sql`values(${vps.cpu})`,
        ram: sql`values(${vps.ram})`,
        disk: sql`values(${vps.disk})`,
        os: sql`values(${vps.os})`,
        hypervisor: sql`values(${vps.hypervisor})`,
        version: sql`values(${vps.version})`,
        updated_at: sql`values(${vps.updated_at})`,
      },
    });
}

/**
 * What a plan applied under its transaction's locks: all of it, as the locking read keeps every
 * planned write true until COMMIT. The created rows' ids are read back (MySQL returns no rows
 * from an insert): one more round trip, only when the plan creates.
 */
export async function appliedPlan(tx: Transaction, plan: ReconcilePlan): Promise<AppliedWrites> {
  const createdIds = plan.creates.flatMap((c) => (c.external_id ? [c.external_id] : []));
  const created = createdIds.length
    ? await tx.select({ id: vps.id, external_id: vps.external_id, version: vps.version }).from(vps).where(inArray(vps.external_id, createdIds))
    : [];
  const byExternalId = (rows: { id: number; external_id: string | null; version: number }[]) =>
    new Map<string, AppliedRow>(rows.flatMap(({ id, external_id, version }) => (external_id ? [[external_id, { id, version }]] : [])));
  return {
    created: byExternalId(created),
    updated: byExternalId(plan.updates.map(({ row, version }) => ({ id: row.id, external_id: row.external_id, version }))),
    deleted: byExternalId(plan.deletes),
  };
}
