/**
 * Every secret value this repository ships: the integration documents' example API key, the
 * development secrets of .dev.vars.example and the test suites' secrets. They are public, so
 * outside local development the configuration refuses them (test/node/shipped-secrets.test.ts
 * keeps this list complete by scanning the repository).
 */
export const SHIPPED_SECRETS: ReadonlySet<string> = new Set([
  // The integration documents' curl example and .dev.vars.example.
  'your_secret_api_key_here_min_32_chars_change_this',
  'dev_only_jwt_secret_change_me_0123456789abcdef',
  // test/bindings.ts and the tests' rotation and wrong-key values.
  'test-api-key-0123456789abcdef0123456789abcdef',
  'test-jwt-secret-0123456789abcdef0123456789abcdef',
  'previous-key-0123456789abcdef0123456789abcdef',
  // Wrong or other keys the tests and documents present.
  'wrong_key_wrong_key_wrong_key_wrong_key',
  'wrong-key-wrong-key-wrong-key-wrong',
  'wrong-key-0123456789abcdef0123456789abcdef',
  'not-the-key-0123456789abcdef0123456789',
  'another-secret-another-secret-another-secret',
  'another-secret-0123456789abcdef0123456789',
  'another-key-0123456789abcdef0123456789ab',
  // .dev.vars.example's signing secret, the tests' (test/bindings.ts) and the Standard Webhooks specification's test vector.
  'whsec_ZGV2LW9ubHktc2lnbmluZy1zZWNyZXQtY2hhbmdlLW1l',
  'whsec_dGVzdC1zaWduaW5nLXNlY3JldC0wMTIzNDU2Nzg5YWI=',
  'whsec_cHJldmlvdXMtc2lnbmluZy1zZWNyZXQtMDEyMzQ1Njc=',
  'whsec_d3Jvbmctc2lnbmluZy1zZWNyZXQtMDEyMzQ1Njc4OWE=',
  'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
]);
