/**
 * Real HMAC JWTs, signed as the panel's SSO would sign them, for the tests in workerd and in
 * Node alike. The secret is the test binding's unless a test means to get it wrong.
 */
import { SignJWT, type JWTPayload } from 'jose';
import { TEST_BINDINGS } from './bindings.js';

export interface TokenOptions {
  secret?: string;
  alg?: string;
  /** Seconds from now; null for no exp claim. */
  expiresIn?: number | null;
  issuer?: string;
  audience?: string;
}

export async function signToken(claims: JWTPayload, options: TokenOptions = {}): Promise<string> {
  const { secret = TEST_BINDINGS.JWT_SECRET, alg = 'HS256', expiresIn = 300 } = options;
  let jwt = new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT' }).setIssuedAt();
  if (expiresIn !== null) jwt = jwt.setExpirationTime(Math.floor(Date.now() / 1000) + expiresIn);
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}

export const tokenFor = (userId: number, options?: TokenOptions) => signToken({ user_id: userId }, options);

/** A VPS as the API answers it (wire names, ISO timestamps). */
export interface WireVps {
  id: number;
  user_id: number;
  external_id: string | null;
  name: string;
  status: string;
  cpu: number;
  ram: number;
  disk: number;
  os: string;
  hypervisor: string;
  version: number;
  created_at: string;
  updated_at: string;
}
