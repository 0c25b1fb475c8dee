/**
 * `npm run openapi`: regenerates src/openapi/openapi.json (served at GET /openapi.json) and
 * docs/API_REFERENCE.md from the zod schemas. A test fails when either is out of date.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildOpenApiDocument } from './openapi/document.js';
import { renderApiReference } from './openapi/reference.js';

export const OPENAPI_JSON = resolve(import.meta.dirname, '../src/openapi/openapi.json');
export const API_REFERENCE_MD = resolve(import.meta.dirname, '../docs/API_REFERENCE.md');

/** The two generated files' contents, exactly as written. */
export function generated(): { json: string; markdown: string } {
  const doc = buildOpenApiDocument();
  return { json: `${JSON.stringify(doc, null, 2)}\n`, markdown: `${renderApiReference(doc).trimEnd()}\n` };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const { json, markdown } = generated();
  writeFileSync(OPENAPI_JSON, json);
  writeFileSync(API_REFERENCE_MD, markdown);
  console.log(`wrote ${OPENAPI_JSON} and ${API_REFERENCE_MD}`);
}
