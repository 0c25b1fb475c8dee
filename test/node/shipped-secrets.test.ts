import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHIPPED_SECRETS } from '../../src/shipped-secrets.js';

const root = resolve(import.meta.dirname, '../..');
/** A value of 32+ characters given to a key or secret in any file, on the same line: `X=…`, `key: '…'`, `${X:-…}`, `X-API-Key: …`. */
const ASSIGNED = /(?:VPS_SYNC_API_KEY(?:_PREVIOUS)?|JWT_SECRET|apiKey|secret|X-API-Key)["']?\s*[=:,][ \t]*(?::?-)?["']?([A-Za-z0-9_][A-Za-z0-9_.~+/-]{31,})/g;
/** A Standard Webhooks signing secret wherever it appears: `whsec_` and its base64. */
const SIGNING_SECRET = /(whsec_[A-Za-z0-9+/]{16,}={0,2})/g;

describe('SHIPPED_SECRETS', () => {
  it('lists every secret value the repository contains, so none can guard a deployment', () => {
    const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter((f) => f && !/(^|\/)(package-lock\.json|node_modules\/)|\.(png|jpg|tgz)$/.test(f));
    const found = new Map<string, string>();
    for (const file of files) {
      let text: string;
      try {
        text = readFileSync(resolve(root, file), 'utf8');
      } catch {
        continue;
      }
      for (const [, value] of [...text.matchAll(ASSIGNED), ...text.matchAll(SIGNING_SECRET)]) if (!found.has(value!)) found.set(value!, file);
    }
    expect(found.size).toBeGreaterThan(3);
    const unlisted = [...found].filter(([value]) => !SHIPPED_SECRETS.has(value)).map(([value, file]) => `${value} (${file})`);
    expect(unlisted).toEqual([]);
  });
});
