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
 * fresh database, as a reader who starts the service to follow that document has (the examples
 * count on it: `status 1`, `delete 1`), in the order a reader would type them. Each block must
 * succeed, and where the docs show the answer, the answers must agree on success or error, so no
 * example can rot unnoticed. One Worker serves all documents; its database is reset in between.
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

describe.each(DOCUMENTS)('the shell examples of %s', (document) => {
  const examples = examplesOf(readFileSync(join(root, document), 'utf8'));

  it.runIf(examples.length > 0)(
    `run against a local Worker (${examples.length} blocks)`,
    async () => {
      await worker.resetDatabase();
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
    },
    180_000,
  );
});
