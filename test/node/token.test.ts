/**
 * `npm run token -- <user_id> [ttl_seconds]` (scripts/token.ts): a token for a user the Worker
 * accepts, or an error saying what is wrong with the arguments, and no token.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { DEV_TOKEN_TTL, tokenArgs } from '../../scripts/dev-token.js';
import { BOUNDS } from '../../src/contract/index.js';

const root = resolve(import.meta.dirname, '../..');

/** Runs the script as `npm run token` does; its exit code, stdout and stderr. */
async function token(...args: string[]) {
  return promisify(execFile)(resolve(root, 'node_modules/.bin/tsx'), ['scripts/token.ts', ...args], { cwd: root }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
  );
}

describe('npm run token arguments', () => {
  it('takes a user id within the Worker\'s bounds and a ttl, one hour by default', () => {
    expect(tokenArgs(['5'])).toEqual({ userId: 5, ttlSeconds: 3600 });
    expect(tokenArgs([String(BOUNDS.user_id.max), '60'])).toEqual({ userId: BOUNDS.user_id.max, ttlSeconds: 60 });
    expect(tokenArgs(['1', String(DEV_TOKEN_TTL.max)])).toEqual({ userId: 1, ttlSeconds: DEV_TOKEN_TTL.max });
  });

  it.each([
    [[], 'give the user id: user_id is required'],
    [['0'], 'user_id must be an integer between 1 and 4294967295 (got "0")'],
    [['abc'], 'user_id must be an integer between 1 and 4294967295 (got "abc")'],
    [['-5'], 'user_id must be an integer between 1 and 4294967295 (got "-5")'],
    [['5.0'], 'user_id must be an integer between 1 and 4294967295 (got "5.0")'],
    [['1e3'], 'user_id must be an integer between 1 and 4294967295 (got "1e3")'],
    [['4294967296'], 'user_id must be an integer between 1 and 4294967295 (got "4294967296")'],
    [['5', '0'], 'ttl_seconds must be a whole number of seconds between 1 and 31536000 (got "0")'],
    [['5', '-60'], 'ttl_seconds must be a whole number of seconds between 1 and 31536000 (got "-60")'],
    [['5', 'soon'], 'ttl_seconds must be a whole number of seconds between 1 and 31536000 (got "soon")'],
    [['5', '31536001'], 'ttl_seconds must be a whole number of seconds between 1 and 31536000 (got "31536001")'],
    [['5', '60', 'extra'], 'expected at most two arguments, got 3'],
  ])('refuses %j: %s', (args, message) => {
    expect(tokenArgs(args)).toBe(message);
  });
});

describe('npm run token', () => {
  it('prints what is wrong and the usage, signs nothing and exits 2', async () => {
    const { code, stdout, stderr } = await token('4294967296');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe('user_id must be an integer between 1 and 4294967295 (got "4294967296")\nusage: npm run token -- <user_id> [ttl_seconds]\n');
  });

  it('prints a token for the user, valid for the ttl', async () => {
    const { code, stdout } = await token('4294967295', '120');
    expect(code).toBe(0);
    const claims = decodeJwt(stdout.trim());
    expect(claims).toMatchObject({ user_id: 4294967295, sub: '4294967295' });
    expect(claims.exp! - claims.iat!).toBe(120);
  });
});
