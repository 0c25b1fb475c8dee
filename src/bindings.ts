/** The names of the string bindings (vars and secrets) the Worker reads; src/config.ts parses them. */
export const BINDING_NAMES = [
  'ENVIRONMENT',
  'VPS_SYNC_API_KEY',
  'VPS_SYNC_API_KEY_PREVIOUS',
  'JWT_SECRET',
  'JWT_JWKS_URL',
  'JWT_ISSUER',
  'JWT_AUDIENCE',
  'JWT_ALGORITHMS',
  'JWT_USER_ID_CLAIM',
  'DATABASE_URL',
  'DATABASE_HOST',
  'DATABASE_USERNAME',
  'DATABASE_PASSWORD',
  'DATABASE_TIMEOUT_MS',
  'CORS_ORIGINS',
] as const;
export type BindingName = (typeof BINDING_NAMES)[number];
