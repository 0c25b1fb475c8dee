/**
 * The slice of `fetch` the client uses, typed here rather than taken from a platform's lib so the
 * client compiles and runs the same on Node, Bun and Workers, and a test can pass a plain function.
 * The global `fetch` of each of them satisfies it.
 */
export interface FetchInit {
  /** POST for sync events, GET for the main site's reads. */
  method: 'POST' | 'GET';
  headers: Record<string, string>;
  /** The JSON of a POST; a GET has none. */
  body?: string;
  signal: AbortSignal;
  /** A redirect of an API POST means a wrong baseUrl; following it would silently turn it into a GET. */
  redirect: 'manual';
}

export interface FetchResponse {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}

export type FetchLike = (url: string, init: FetchInit) => Promise<FetchResponse>;

/** Calls the global fetch at call time (Workers refuse a fetch detached from globalThis). */
export const globalFetch: FetchLike = (url, init) => globalThis.fetch(url, init);
