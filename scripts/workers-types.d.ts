/**
 * The Workers types src/config.ts names, for the Node programs that run its parser (the deploy
 * checks and their tests). worker-configuration.d.ts holds the real ones, but it also retypes
 * Node's own globals (process.env, URL, RequestInit), so Node code cannot include it: these say
 * only what config.ts uses of them.
 */
interface D1Database {
  prepare(query: string): unknown;
}
interface RateLimit {
  limit(options: { key: string }): Promise<{ success: boolean }>;
}
interface Env {
  DB: D1Database;
}
