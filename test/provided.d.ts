declare module 'vitest' {
  export interface ProvidedContext {
    /** Driver URL of the local PlanetScale-compatible endpoint (test/mysql/global-setup.ts). */
    psUrl: string;
    /** The same endpoint's credentials at an endpoint whose MySQL is unreachable (nothing listens at its port). */
    psDownUrl: string;
  }
}
export {};
