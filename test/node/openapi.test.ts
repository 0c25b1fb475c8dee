import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_REFERENCE_MD, generated, OPENAPI_JSON } from '../../scripts/openapi.js';

describe('generated API documents', () => {
  it('are in step with the zod schemas (run `npm run openapi` after changing them)', () => {
    const { json, markdown } = generated();
    expect(readFileSync(OPENAPI_JSON, 'utf8')).toBe(json);
    expect(readFileSync(API_REFERENCE_MD, 'utf8')).toBe(markdown);
  });

  it('document every field of the sync request in the reference page', () => {
    const { markdown } = generated();
    for (const field of ['user_id', 'external_id', 'name', 'status', 'cpu', 'ram', 'disk', 'os', 'hypervisor', 'version']) {
      expect(markdown).toContain(`| \`${field}\` |`);
    }
    expect(markdown).toContain('### POST `/api/vps/sync`');
  });
});
