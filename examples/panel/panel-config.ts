/**
 * The page's Vite configuration, shared by `npm run panel` (vite.config.ts) and the browser tests,
 * which start the same dev server on a free port against their own Worker.
 */
import { fileURLToPath } from 'node:url';
import type { InlineConfig } from 'vite';
import type { DevSigning } from '../../scripts/dev-token.js';
import { devSignIn } from './dev-sign-in.js';

export interface PanelConfigOptions {
  /** The Worker's origin; VITE_VPS_SYNC_URL or VPS_SYNC_URL from the environment, else http://localhost:5050. */
  workerUrl?: string;
  host?: string;
  port?: number;
  /** Dev token signing; .dev.vars by default. */
  signing?: DevSigning;
}

export function panelConfig({
  workerUrl = process.env.VITE_VPS_SYNC_URL || process.env.VPS_SYNC_URL || 'http://localhost:5050',
  host = 'localhost',
  port = 3000,
  signing,
}: PanelConfigOptions = {}): InlineConfig {
  return {
    root: fileURLToPath(new URL('.', import.meta.url)),
    configFile: false,
    clearScreen: false,
    define: { 'import.meta.env.VITE_VPS_SYNC_URL': JSON.stringify(workerUrl) },
    plugins: [devSignIn(signing)],
    // The Worker's CORS allowlist names this origin (http://localhost:3000): another port would be refused.
    server: { host, port, strictPort: true },
    preview: { host, port, strictPort: true },
    build: { outDir: 'dist', emptyOutDir: true },
  };
}
