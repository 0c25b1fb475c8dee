import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_VARS_EXAMPLE, readDevVars } from '../../scripts/dev-vars.js';
import { startLocalWorker, type LocalWorker } from './local-worker.js';

/**
 * Every shell example of the documentation runs here, against a local Worker with the development
 * secrets of .dev.vars.example (the ones the docs' curl commands use) and, for each document, a
 * database of its own, in the order a reader would type them. Each block must succeed, and where
 * the docs show the answer, the answers must agree on success or error, so no example can rot
 * unnoticed. One Worker serves all documents; its database is reset in between, then holds one
 * VPS of another user, as a server someone has used does: the document's examples must leave it
 * as it was, so one that counts on ids starting at 1 (`status 1`, `delete 1`) fails here.
 */
const root = resolve(import.meta.dirname, '../..');
const DOCUMENTS = ['README.md', 'examples/README.md', ...readdirSync(join(root, 'docs')).map((f) => `docs/${f}`)].filter(
  (f) => f.endsWith('.md') && f !== 'docs/API_REFERENCE.md',
);

interface Example {
  line: number;
  script: string;
  /** The next ```json block before the next example: the answer the docs show. */
  shownAnswer?: string;
}

/** The ```sh blocks that call the service (others install packages or start servers). */
function examplesOf(markdown: string): Example[] {
  const blocks = [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```/gm)].map((m) => ({
    lang: m[1],
    body: m[2]!,
    line: markdown.slice(0, m.index).split('\n').length,
  }));
  const examples: Example[] = [];
  for (const block of blocks) {
    if (block.lang === 'sh' && /\bcurl\b|examples\/(python|curl)\//.test(block.body)) examples.push({ line: block.line, script: block.body });
    else if (block.lang === 'json' && examples.length && examples.at(-1)!.shownAnswer === undefined) examples.at(-1)!.shownAnswer = block.body;
  }
  return examples;
}

/** "success"/"error" of every answer in a text, in order. */
const statuses = (text: string) => [...text.matchAll(/"status":\s*"(success|error)"/g)].map((m) => m[1]);

const dev = readDevVars(DEV_VARS_EXAMPLE);

let worker: LocalWorker;
beforeAll(async () => {
  worker = await startLocalWorker({
    VPS_SYNC_API_KEY: dev.VPS_SYNC_API_KEY!,
    // Signing optional, as in development: unsigned examples pass, a signed one must verify.
    VPS_SYNC_SIGNING_SECRET: dev.VPS_SYNC_SIGNING_SECRET!,
    JWT_SECRET: dev.JWT_SECRET!,
    CORS_ORIGINS: 'http://localhost:3000',
  });
}, 120_000);
afterAll(() => worker?.stop());

/**
 * Another user's VPS, in every document's database before its examples run: ids do not start at 1,
 * as on any server that has been used, and no example may change it.
 */
const SOMEONE_ELSE = {
  user_id: 4_294_967_295,
  external_id: 'docs-examples-someone-else',
  name: 'someone-else',
  status: 'stopped',
  cpu: 1,
  ram: 1024,
  disk: 10,
  os: 'Debian 12',
  hypervisor: 'kvm',
};

/** POST /api/vps/sync or GET /api/vps/sync/vps as the main site; the answer's `vps`. */
async function mainSite(method: 'GET' | 'POST', path: string, body?: object): Promise<Record<string, unknown>> {
  const response = await fetch(`${worker.url}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', 'X-API-Key': dev.VPS_SYNC_API_KEY! },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const answer = (await response.json()) as { vps: Record<string, unknown> };
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(answer)}`);
  return answer.vps;
}

describe.each(DOCUMENTS)('the shell examples of %s', (document) => {
  const examples = examplesOf(readFileSync(join(root, document), 'utf8'));

  it.runIf(examples.length > 0)(
    `run against a local Worker (${examples.length} blocks)`,
    async () => {
      await worker.resetDatabase();
      const someoneElse = await mainSite('POST', '/api/vps/sync', { action: 'create', vps: SOMEONE_ELSE });
      for (const example of examples) {
        const script = example.script.replaceAll('http://localhost:5050', worker.url);
        const { stdout } = await promisify(execFile)('bash', ['-e', '-o', 'pipefail', '-c', script], {
          cwd: root,
          env: { ...process.env, VPS_SYNC_URL: worker.url, VPS_SYNC_API_KEY: dev.VPS_SYNC_API_KEY, VPS_SYNC_SIGNING_SECRET: dev.VPS_SYNC_SIGNING_SECRET, JWT_SECRET: dev.JWT_SECRET },
          timeout: 60_000,
        }).catch((err: { stderr?: string; message: string }) => {
          throw new Error(`${document}:${example.line} failed: ${err.stderr || err.message}`);
        });
        expect(stdout.trim(), `${document}:${example.line} printed nothing`).not.toBe('');
        if (example.shownAnswer !== undefined && statuses(example.shownAnswer).length) {
          expect(statuses(stdout), `${document}:${example.line}: answers differ from the docs`).toEqual(statuses(example.shownAnswer));
        }
      }
      const after = await mainSite('GET', `/api/vps/sync/vps?external_id=${SOMEONE_ELSE.external_id}`);
      expect(after, `${document}'s examples changed another user's VPS`).toEqual({ ...someoneElse, deleted: false, deleted_at: null });
    },
    180_000,
  );
});
