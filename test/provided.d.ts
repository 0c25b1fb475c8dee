declare module 'vitest' {
  export interface ProvidedContext {
    /** Driver URL of the local PlanetScale-compatible endpoint (test/mysql/global-setup.ts). */
    psUrl: string;
    /** Base URL of the local JWKS endpoint (test/jwks/global-setup.ts). */
    jwksUrl: string;
    /** Origin of the local Worker the node suites share (test/node/global-setup.ts). */
    workerUrl: string;
    /** The same endpoint's credentials at an endpoint whose MySQL is unreachable (nothing listens at its port). */
    psDownUrl: string;
  }
}
export {};
