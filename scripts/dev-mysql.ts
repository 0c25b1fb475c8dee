/**
 * `npm run dev:mysql`: the service on http://localhost:5050 on the production data path: the
 * PlanetScale driver, through the local PlanetScale-compatible endpoint, to a local
 * MySQL/MariaDB (see scripts/mysql.ts for the login; database MYSQL_DATABASE, default vps_sync).
 * Applies the MySQL migrations, starts the endpoint (PS_HTTP_PORT, default 3900), then
 * `wrangler dev` with DATABASE_URL pointing at it. Ctrl-C stops both.
 */
import { ensureDevVars } from './dev-vars.js';
import { connectMysql, migrateMysql, MysqlSetupError, type MysqlTarget } from './mysql.js';
import { startPsHttpServer } from './ps-http/server.js';
import { serve } from './run.js';

if (ensureDevVars()) console.log('Created .dev.vars from .dev.vars.example (development secrets).');

let target: MysqlTarget;
try {
  target = await connectMysql(process.env.MYSQL_DATABASE ?? 'vps_sync');
  await migrateMysql(target);
} catch (err) {
  // A setup error says what to run; anything else (a failed migration) is shown as it is.
  console.error(err instanceof MysqlSetupError ? err.message : `Cannot prepare the MySQL database: ${String(err)}`);
  process.exit(1);
}
const endpoint = await startPsHttpServer({ mysql: target, port: Number(process.env.PS_HTTP_PORT ?? 3900) });
console.log(`PlanetScale-compatible endpoint on ${new URL(endpoint.url).host} -> MySQL ${target.host}:${target.port}/${target.database}`);

const code = await serve('wrangler', ['dev', '--var', `DATABASE_URL:${endpoint.url}`, ...process.argv.slice(2)]);
await endpoint.close();
process.exit(code);
