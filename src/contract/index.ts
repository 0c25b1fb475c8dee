/**
 * The wire contract of vps-sync: what the main site sends, what the panel reads, and every
 * answer and error code. zod only: the Worker, the OpenAPI build and the clients all import it,
 * and a lint rule keeps anything else (Workers code above all) out.
 */
export * as answers from './answers.js';
export type { ErrorAnswer, WireVps } from './answers.js';
export * from './cursor.js';
export * from './digest.js';
export * from './error-codes.js';
export * from './field-errors.js';
export * from './fields.js';
export * from './fingerprint.js';
export * from './idempotency.js';
export * from './outcomes.js';
export * from './signature.js';
export * from './sync-read.js';
export * from './vps.js';
