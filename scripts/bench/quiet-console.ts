/**
 * The Worker's log lines (src/log.ts: one per request, one per applied change) are built as in
 * production, then not written. Under Miniflare every line would go through workerd's stdout to
 * the benchmark's own Node process, which parses it as JSON on the same cores that autocannon and
 * workerd need; production ships them off the request path. Warnings and errors are kept.
 */
export function dropConsoleLines(): void {
  console.log = () => {};
}
