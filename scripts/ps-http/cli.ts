// Standalone local PlanetScale HTTP endpoint:  npx tsx scripts/ps-http/cli.ts
// Prints the driver URL as the only line on stdout so scripts can capture it.
import { startPsHttpServer } from './server.js';

function envPort(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${name} must be a port number, got ${raw}`);
  return port;
}

function env(name: string, fallback: string): string {
  return process.env[name] ?? fallback;
}

async function main(): Promise<void> {
  const server = await startPsHttpServer({
    mysql: {
      host: env('MYSQL_HOST', '127.0.0.1'),
      port: envPort('MYSQL_PORT', 3306),
      user: env('MYSQL_USER', 'root'),
      password: env('MYSQL_PASSWORD', ''),
      database: env('MYSQL_DATABASE', 'test'),
    },
    port: envPort('PS_HTTP_PORT', 3900),
    username: env('PS_HTTP_USERNAME', 'root'),
    password: env('PS_HTTP_PASSWORD', 'local'),
  });
  process.stdout.write(`${server.url}\n`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`ps-http: ${signal}, shutting down\n`);
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`ps-http: shutdown failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`ps-http: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
