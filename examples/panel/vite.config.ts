/** `npm run panel` (dev server on http://localhost:3000) and `npm run panel:build` (examples/panel/dist). */
import { defineConfig } from 'vite';
import { panelConfig } from './panel-config.js';

export default defineConfig(panelConfig());
