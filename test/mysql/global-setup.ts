import type { TestProject } from 'vitest/node';
import { connectMysql, migrateMysql } from '../../scripts/mysql.js';
import { startPsHttpServer } from '../../scripts/ps-http/server.js';
import { unusedLoopbackPort } from './free-port.js';

/**
 * Before the MySQL suite: a fresh `vps_sync_test` database with the MySQL migrations, and the
 * local PlanetScale-compatible endpoint in front of it. The Worker under test reaches it
 * through DATABASE_URL, exactly as it reaches PlanetScale in production. A second endpoint
 * fronts a MySQL address where nothing listens (the database host down behind PlanetScale).
 */
export default async function setup(project: TestProject) {
  const target = await connectMysql(process.env.MYSQL_TEST_DATABASE ?? 'vps_sync_test');
  await migrateMysql(target, { fresh: true });
  const endpoint = await startPsHttpServer({ mysql: target, port: 0 });
  // An endpoint that is up while the MySQL behind it is not: nothing listens at that port.
  const down = await startPsHttpServer({ mysql: { ...target, port: await unusedLoopbackPort() }, port: 0 });
  project.provide('psUrl', endpoint.url);
  project.provide('psDownUrl', down.url);
  return async () => {
    await endpoint.close();
    await down.close();
  };
}
