/**
 * `npm run dev:mysql`: the service on http://localhost:5050 on the production data path: the
 * PlanetScale driver, through the local PlanetScale-compatible endpoint, to a local
 * MySQL/MariaDB (MYSQL_HOST/PORT/USER/PASSWORD, database MYSQL_DATABASE, default vps_sync).
 * Applies the MySQL migrations, starts the endpoint (PS_HTTP_PORT, default 3900), then
 * `wrangler dev` with DATABASE_URL pointing at it. Ctrl-C stops both.
 */
import { ensureDevVars } from './dev-vars.ts';
import { migrateMysql, mysqlTarget } from './mysql.ts';
import { startPsHttpServer } from './ps-http/server.ts';
import { serve } from './run.ts';

if (ensureDevVars()) console.log('Created .dev.vars from .dev.vars.example (development secrets).');

const target = mysqlTarget(process.env.MYSQL_DATABASE ?? 'vps_sync');
try {
  await migrateMysql(target);
} catch (err) {
  console.error(`Cannot prepare MySQL database ${target.database} on ${target.host}:${target.port}: ${String(err)}`);
  console.error('Start MariaDB/MySQL first (see README, "Production data path").');
  process.exit(1);
}
const endpoint = await startPsHttpServer({ mysql: target, port: Number(process.env.PS_HTTP_PORT ?? 3900) });
console.log(`PlanetScale-compatible endpoint on ${new URL(endpoint.url).host} -> MySQL ${target.host}:${target.port}/${target.database}`);

const code = await serve('wrangler', ['dev', '--var', `DATABASE_URL:${endpoint.url}`, ...process.argv.slice(2)]);
await endpoint.close();
process.exit(code);
