import { defineConfig } from 'drizzle-kit';

/** D1 (SQLite) migrations: `npm run db:generate`; applied by wrangler (`npm run db:migrate:local`). */
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/db/schema.sqlite.ts',
  out: './drizzle/sqlite',
});
