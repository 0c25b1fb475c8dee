import { defineConfig } from 'drizzle-kit';

/** MySQL / PlanetScale migrations: `npm run db:generate`; `npm run db:migrate:mysql` applies them. */
export default defineConfig({
  dialect: 'mysql',
  schema: './src/db/schema.mysql.ts',
  out: './drizzle/mysql',
  dbCredentials: { url: process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test' },
});
