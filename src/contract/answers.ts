/**
 * The API's answers as zod/mini schemas, next to the request schemas of contract/vps.ts:
 * together they are the contract the OpenAPI document is generated from (scripts/openapi/).
 */
import * as z from 'zod/mini';
import { ERROR_CODE_LIST } from './error-codes.js';
import { BOUNDS, VERSION } from './fields.js';
import { RECONCILE_SKIP_REASONS, SYNC_OUTCOMES } from './outcomes.js';
import { externalId, hypervisor, reconcilePage, userId, vpsId, vpsStatus } from './vps.js';

const timestamp = z.iso.datetime();
const count = z.int().check(z.gte(0));

export const vps = z.strictObject({
  id: vpsId,
  user_id: userId,
  external_id: z.nullable(externalId),
  name: z.string(),
  status: vpsStatus,
  cpu: z.int().check(z.gte(BOUNDS.cpu.min), z.lte(BOUNDS.cpu.max)),
  ram: z.int().check(z.gte(BOUNDS.ram.min), z.lte(BOUNDS.ram.max)),
  disk: z.int().check(z.gte(BOUNDS.disk.min), z.lte(BOUNDS.disk.max)),
  os: z.string(),
  hypervisor,
  version: z.int().check(z.gte(0), z.lte(VERSION.max)),
  created_at: timestamp,
  updated_at: timestamp,
});

/** What a successful delete echoes: the reference it was sent with. */
export const vpsRef = z.union([z.strictObject({ id: vpsId }), z.strictObject({ external_id: externalId })]);

export const syncResult = z.strictObject({
  status: z.literal('success'),
  message: z.string(),
  /** Whether the event changed the panel. */
  applied: z.boolean(),
  outcome: z.enum(SYNC_OUTCOMES),
  vps: z.union([vps, vpsRef]),
});

export const reconcileResult = z.strictObject({
  status: z.literal('success'),
  message: z.string(),
  dry_run: z.boolean(),
  counts: z.strictObject({
    created: count,
    updated: count,
    deleted: count,
    unchanged: count,
    skipped: count,
    untracked: count,
  }),
  skipped: z.array(z.strictObject({ external_id: externalId, reason: z.enum(RECONCILE_SKIP_REASONS) })),
  /**
   * Paged reconciles only: the page this answer is for. `counts` and `skipped` are this page's
   * (deletes only on the final page): a run's totals are the sum over its pages.
   */
  page: z.optional(
    z.strictObject({
      reconcile_id: reconcilePage.shape.reconcile_id,
      number: reconcilePage.shape.number,
      final: z.boolean(),
      /** The final page was applied: the run's deletes are done. */
      committed: z.boolean(),
      /** An open run is dropped, deleting nothing, if its next page has not arrived by then. */
      expires_at: timestamp,
    }),
  ),
});

export const vpsList = z.strictObject({
  status: z.literal('success'),
  vps: z.array(vps),
  next_cursor: z.nullable(z.string()),
});

export const vpsOne = z.strictObject({ status: z.literal('success'), vps });

export const health = z.strictObject({ status: z.literal('success'), message: z.string() });

export const ready = z.strictObject({
  status: z.literal('success'),
  message: z.literal('ready'),
  environment: z.enum(['development', 'test', 'staging', 'production']),
  checks: z.record(z.string(), z.literal('ok')),
});

export const fieldError = z.strictObject({ field: z.string(), message: z.string() });

/** The one error envelope of every failure. */
export const error = z.strictObject({
  status: z.literal('error'),
  code: z.enum(ERROR_CODE_LIST),
  message: z.string(),
  errors: z.array(fieldError),
  request_id: z.string(),
});

export type WireVps = z.output<typeof vps>;
export type ErrorAnswer = z.output<typeof error>;
