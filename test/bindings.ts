/**
 * Secrets the test Worker runs with. Tests sign and present these; they never read .dev.vars,
 * so a developer's local secrets cannot change what the suite proves.
 */
export const TEST_BINDINGS = {
  VPS_SYNC_API_KEY: 'test-api-key-0123456789abcdef0123456789abcdef',
  JWT_SECRET: 'test-jwt-secret-0123456789abcdef0123456789abcdef',
  JWT_ISSUER: '',
  JWT_AUDIENCE: '',
  CORS_ORIGINS: 'https://panel.example.test',
} as const;
