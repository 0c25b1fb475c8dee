declare module 'vitest' {
  export interface ProvidedContext {
    /** Driver URL of the local PlanetScale-compatible endpoint (test/mysql/global-setup.ts). */
    psUrl: string;
  }
}
export {};
