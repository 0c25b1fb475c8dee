/**
 * Under `wrangler dev` (the same local proxy and workerd as startLocalWorker), a body the Worker
 * refuses must not poison the keep-alive connection it came on: the next request on that
 * connection is answered normally, with its own X-Request-Id and envelope.
 */
import { connect } from 'node:net';
import { describe, expect, inject, it } from 'vitest';
import { TEST_BINDINGS } from '../bindings.js';

/** The local Worker the node suites share (test/node/global-setup.ts). */
const worker = { url: inject('workerUrl') };

const HEALTH = 'GET /health HTTP/1.1\r\nHost: vps-sync.test\r\n\r\n';
const sync = (headers: string) =>
  `POST /api/vps/sync HTTP/1.1\r\nHost: vps-sync.test\r\nContent-Type: application/json\r\nX-API-Key: ${TEST_BINDINGS.VPS_SYNC_API_KEY}\r\n${headers}\r\n`;

/** Writes `first`, then a GET /health on the same connection, and reads until both answers came. */
async function twoOnOneConnection(first: Buffer): Promise<string> {
  const { port, hostname } = new URL(worker.url);
  const socket = connect(Number(port), hostname);
  socket.setNoDelay(true);
  let text = '';
  socket.on('data', (chunk) => (text += chunk.toString('latin1')));
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.write(first);
  for (let i = 0; i < 100 && !/HTTP\/1\.1 \d{3}/.test(text); i++) await new Promise((r) => setTimeout(r, 50));
  socket.write(HEALTH);
  for (let i = 0; i < 100 && (text.match(/HTTP\/1\.1 \d{3}/g) ?? []).length < 2; i++) await new Promise((r) => setTimeout(r, 50));
  socket.destroy();
  return text;
}

const oversize = Buffer.alloc(100_000, 'x');

describe('a refused body on a keep-alive connection', () => {
  it('answers 413 to a chunked upload over the limit, then the next request normally', async () => {
    const chunked = Buffer.concat([
      Buffer.from(sync('Transfer-Encoding: chunked\r\n')),
      Buffer.from(`${oversize.length.toString(16)}\r\n`),
      oversize,
      Buffer.from('\r\n0\r\n\r\n'),
    ]);
    const text = await twoOnOneConnection(chunked);
    const answers = text.match(/HTTP\/1\.1 \d{3}/g);
    expect(answers).toEqual(['HTTP/1.1 413', 'HTTP/1.1 200']);
    expect(text).toContain('"code":"payload_too_large"');
    expect(text).toContain('{"status":"success","message":"ok"}');
    expect(text.match(/x-request-id: \S+/gi)).toHaveLength(2);
    expect(text).not.toContain('restarted mid-request');
  }, 60_000);

  it('answers 413 to a declared Content-Length over the limit, then the next request normally', async () => {
    const text = await twoOnOneConnection(Buffer.concat([Buffer.from(sync(`Content-Length: ${oversize.length}\r\n`)), oversize]));
    expect(text.match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 413', 'HTTP/1.1 200']);
    expect(text.match(/x-request-id: \S+/gi)).toHaveLength(2);
  }, 60_000);
});
