/**
 * The local MySQL/MariaDB that `npm run dev:mysql` and `npm run test:mysql` use, from
 * MYSQL_HOST / MYSQL_PORT / MYSQL_USER / MYSQL_PASSWORD (defaults: root@127.0.0.1:3306, no
 * password), and the migrations of drizzle/mysql applied to it.
 */
import { resolve } from 'node:path';
import { drizzle } from 'drizzle-orm/mysql2';
import { migrate } from 'drizzle-orm/mysql2/migrator';
import mysql from 'mysql2/promise';
import type { MysqlTarget } from './ps-http/mysql-backend.ts';

export type { MysqlTarget };

export function mysqlTarget(database: string): MysqlTarget {
  return {
    host: process.env.MYSQL_HOST ?? '127.0.0.1',
    port: Number(process.env.MYSQL_PORT ?? 3306),
    user: process.env.MYSQL_USER ?? 'root',
    password: process.env.MYSQL_PASSWORD ?? '',
    database,
  };
}

/** Creates the database when missing (recreates it when `fresh`) and applies drizzle/mysql. */
export async function migrateMysql(target: MysqlTarget, { fresh = false } = {}): Promise<void> {
  if (!/^\w+$/.test(target.database)) throw new Error(`unsafe database name: ${target.database}`);
  const { database, ...server } = target;
  const admin = await mysql.createConnection(server);
  try {
    if (fresh) await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await admin.query(`CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.end();
  }
  const connection = await mysql.createConnection({ ...target, charset: 'utf8mb4', timezone: 'Z' });
  try {
    await migrate(drizzle(connection), { migrationsFolder: resolve(import.meta.dirname, '../drizzle/mysql') });
  } finally {
    await connection.end();
  }
}
