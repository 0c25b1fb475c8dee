import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
export const DEV_VARS = resolve(root, '.dev.vars');
export const DEV_VARS_EXAMPLE = resolve(root, '.dev.vars.example');
const EXAMPLE = DEV_VARS_EXAMPLE;

/** Creates .dev.vars from the example on first run; an existing file is never touched. */
export function ensureDevVars(): boolean {
  if (existsSync(DEV_VARS)) return false;
  copyFileSync(EXAMPLE, DEV_VARS);
  return true;
}

/** The KEY=value pairs of .dev.vars (or of the example when there is none yet), or of `file`. */
export function readDevVars(file = existsSync(DEV_VARS) ? DEV_VARS : EXAMPLE): Record<string, string> {
  const text = readFileSync(file, 'utf8');
  const vars: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (match) vars[match[1]!] = match[2]!.replace(/^(["'])(.*)\1$/, '$2');
  }
  return vars;
}
