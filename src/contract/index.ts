/**
 * The wire contract of vps-sync: what the main site sends, what the panel reads, and every
 * answer and error code. zod only: the Worker, the OpenAPI build and the clients all import it,
 * and a lint rule keeps anything else (Workers code above all) out.
 */
export * as answers from './answers';
export type { ErrorAnswer, WireVps } from './answers';
export * from './cursor';
export * from './digest';
export * from './error-codes';
export * from './field-errors';
export * from './fields';
export * from './fingerprint';
export * from './idempotency';
export * from './outcomes';
export * from './vps';
