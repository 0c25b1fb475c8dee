/**
 * `npm run db:migrate:mysql`: applies drizzle/mysql to the local MySQL/MariaDB database
 * MYSQL_DATABASE (default vps_sync), creating it when missing. For PlanetScale itself, use
 * drizzle-kit with drizzle.mysql.config.ts and MYSQL_URL pointing at a branch.
 */
import { connectMysql, migrateMysql, MysqlSetupError } from './mysql.js';

try {
  const target = await connectMysql(process.env.MYSQL_DATABASE ?? 'vps_sync');
  await migrateMysql(target);
  console.log(`MySQL migrations applied to ${target.database} on ${target.host}:${target.port} (as ${target.user})`);
} catch (err) {
  if (!(err instanceof MysqlSetupError)) throw err;
  console.error(err.message);
  process.exit(1);
}
