/**
 * GET /dev/token?user=5[&ttl=3600] on the Vite dev server: a token for that user from the signer
 * of `npm run token` (.dev.vars' JWT_SECRET). `apply: 'serve'` keeps it out of builds, and it
 * answers loopback clients only, so `vite --host` cannot hand tokens to the network.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Plugin } from 'vite';
import { devSigning, signDevToken, type DevSigning } from '../../scripts/dev-token.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const DEFAULT_TTL_SECONDS = 3600;
const MAX_TTL_SECONDS = 86_400;
const MAX_USER_ID = 4_294_967_295;

/**
 * The development sign-in: `import.meta.env.DEV_SIGN_IN` is true under `vite` (serve) and false in
 * every `vite build`, whatever NODE_ENV or --mode say (a build's `import.meta.env.DEV` follows
 * NODE_ENV, so it cannot be trusted to drop dev code); plus the /dev/token endpoint, serve only.
 * `signing`: fixed signing settings (tests); by default read from .dev.vars on every request.
 */
export function devSignIn(signing?: DevSigning): Plugin[] {
  return [
    {
      name: 'vps-sync:dev-sign-in-flag',
      config: (_config, { command }) => ({ define: { 'import.meta.env.DEV_SIGN_IN': JSON.stringify(command === 'serve') } }),
    },
    {
      name: 'vps-sync:dev-token',
      apply: 'serve',
      configureServer(server) {
        server.middlewares.use('/dev/token', (req, res) => {
          void answer(req, res, signing).catch((err: unknown) => send(res, 500, { error: (err as Error).message }));
        });
      },
    },
  ];
}

async function answer(req: IncomingMessage, res: ServerResponse, signing: DevSigning | undefined): Promise<void> {
  if (!LOOPBACK.has(req.socket.remoteAddress ?? '')) return send(res, 403, { error: 'dev tokens are for loopback clients only' });
  if (req.method !== 'GET') return send(res, 405, { error: 'use GET' });

  const query = new URL(req.url ?? '/', 'http://dev.invalid').searchParams;
  const userId = Number(query.get('user'));
  const ttl = Number(query.get('ttl') ?? DEFAULT_TTL_SECONDS);
  if (!/^\d{1,10}$/.test(query.get('user') ?? '') || userId < 1 || userId > MAX_USER_ID) {
    return send(res, 400, { error: 'user must be a user id (1..4294967295)' });
  }
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TTL_SECONDS) return send(res, 400, { error: `ttl must be 1..${MAX_TTL_SECONDS} seconds` });

  const token = await signDevToken(userId, ttl, signing ?? devSigning());
  send(res, 200, { token, user_id: userId, expires_at: new Date(Date.now() + ttl * 1000).toISOString() });
}

function send(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}
