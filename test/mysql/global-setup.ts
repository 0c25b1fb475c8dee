import type { TestProject } from 'vitest/node';
import { connectMysql, migrateMysql } from '../../scripts/mysql.ts';
import { startPsHttpServer } from '../../scripts/ps-http/server.ts';

/**
 * Before the MySQL suite: a fresh `vps_sync_test` database with the MySQL migrations, and the
 * local PlanetScale-compatible endpoint in front of it. The Worker under test reaches it
 * through DATABASE_URL, exactly as it reaches PlanetScale in production.
 */
export default async function setup(project: TestProject) {
  const target = await connectMysql(process.env.MYSQL_TEST_DATABASE ?? 'vps_sync_test');
  await migrateMysql(target, { fresh: true });
  const endpoint = await startPsHttpServer({ mysql: target, port: 0 });
  project.provide('psUrl', endpoint.url);
  return () => endpoint.close();
}
