/**
 * The real Worker as `wrangler dev` runs it (wrangler's own startWorker: the same bundling,
 * workerd and local D1), for Node tests that need it over HTTP: the client's integration test,
 * the examples' tests and the docs' shell examples. Each instance gets its own database in its own
 * temporary directory, migrated as `npm run db:migrate:local` would, and the bindings it is given
 * (the test secrets of test/bindings.ts by default); it listens on loopback only.
 *
 * Starting one costs seconds (bundling, two workerd processes), so the Node suites share one:
 * test/node/global-setup.ts starts it and provides its URL (`inject('workerUrl')`).
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { unstable_splitSqlQuery, unstable_startWorker } from 'wrangler';
import { TEST_BINDINGS } from '../bindings.js';

const root = resolve(import.meta.dirname, '../..');
/** `migrations_dir` of the DB binding in wrangler.jsonc. */
const MIGRATIONS = resolve(root, 'drizzle/sqlite');
/** wrangler's bookkeeping table for `d1 migrations apply`: the same name and shape here. */
const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS d1_migrations(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT UNIQUE,
  applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
)`;

export interface LocalWorker {
  /** Origin of the Worker, e.g. http://127.0.0.1:40123 (no trailing slash). */
  url: string;
  /**
   * Empties the database as a fresh instance would have it: drops every table (so AUTOINCREMENT
   * ids start at 1 again) and applies the migrations anew. The Worker keeps running.
   */
  resetDatabase(): Promise<void>;
  /** Stops workerd (killed by pid, awaited) and removes the database. Safe to call twice. */
  stop(): Promise<void>;
}

/** What this harness uses of the D1 binding Miniflare hands out in Node. */
interface D1Statement {
  bind(...values: unknown[]): D1Statement;
  all<T>(): Promise<{ results: T[] }>;
}
interface D1 {
  prepare(sql: string): D1Statement;
  batch(statements: D1Statement[]): Promise<unknown>;
}

/**
 * `bindings`: the Worker's vars and secrets; the test secrets by default. `logLevel`: wrangler's,
 * which also decides whether the Worker's own console output is shown ('none' hides it).
 */
export async function startLocalWorker(
  bindings: Record<string, string> = TEST_BINDINGS,
  { logLevel = 'error' }: { logLevel?: 'none' | 'error' } = {},
): Promise<LocalWorker> {
  const dir = await mkdtemp(join(tmpdir(), 'vps-sync-worker-'));
  let worker: Awaited<ReturnType<typeof unstable_startWorker>> | undefined;
  const stop = once(async () => {
    try {
      await worker?.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  try {
    // Giving wrangler an env file is also what keeps it from reading the developer's .dev.vars.
    const envFile = join(dir, 'test.env');
    await writeFile(envFile, Object.entries(bindings).map(([k, v]) => `${k}=${JSON.stringify(v)}\n`).join(''));

    worker = await unstable_startWorker({
      config: resolve(root, 'wrangler.jsonc'),
      envFiles: [envFile],
      sendMetrics: false,
      dev: {
        remote: false,
        persist: dir,
        server: { hostname: '127.0.0.1', port: 0 },
        inspector: false,
        watch: false,
        logLevel,
        // Its own registry: parallel instances of the same Worker name must not see each other.
        registry: join(dir, 'registry'),
      },
    });
    await worker.ready;
    const url = (await worker.url).origin;
    // `ready` is wrangler's proxy; the first request is held until workerd has loaded the Worker.
    const first = await fetch(`${url}/health`);
    if (!first.ok) throw new Error(`the local Worker answered GET /health with ${first.status}: ${await first.text()}`);

    // The Worker's own D1 binding, from the Miniflare instance wrangler runs it in.
    const started = worker;
    const database = async (): Promise<D1> => {
      const mf = started.raw.runtimes.find((runtime) => runtime.mf)?.mf;
      if (!mf) throw new Error('the local runtime has no Miniflare instance');
      return (await mf.getD1Database('DB', started.config.name)) as D1;
    };
    await migrate(await database());

    const resetDatabase = async () => {
      const db = await database();
      const tables = await db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\'")
        .all<{ name: string }>();
      if (tables.results.length) await db.batch(tables.results.map(({ name }) => db.prepare(`DROP TABLE "${name.replaceAll('"', '""')}"`)));
      await migrate(db);
    };
    return { url, resetDatabase, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Applies the migrations not applied yet, as `wrangler d1 migrations apply DB --local` does
 * (its file order, its statement splitter, its d1_migrations table), without starting another
 * wrangler and workerd for it.
 */
async function migrate(db: D1): Promise<void> {
  await db.batch([db.prepare(MIGRATIONS_TABLE)]);
  const applied = new Set((await db.prepare('SELECT name FROM d1_migrations').all<{ name: string }>()).results.map((r) => r.name));
  const files = (await readdir(MIGRATIONS)).filter((f) => f.endsWith('.sql')).sort();
  for (const file of files.filter((f) => !applied.has(f))) {
    const statements = unstable_splitSqlQuery(await readFile(join(MIGRATIONS, file), 'utf8'));
    await db.batch([...statements.map((sql) => db.prepare(sql)), db.prepare('INSERT INTO d1_migrations (name) VALUES (?)').bind(file)]);
  }
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}
