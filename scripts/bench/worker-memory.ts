/**
 * The Worker with the database taken out: the same app as src/index.ts, on stores that keep the
 * data in this isolate's memory (memory-stores.ts). Built by wrangler as `npm run build` builds
 * src/index.ts, so the benchmark compares the same bundling, minification and runtime.
 */
import { createApp } from '../../src/app.js';
import { memoryStores } from './memory-stores.js';
import { dropConsoleLines } from './quiet-console.js';

dropConsoleLines();
const stores = memoryStores();
const app = createApp({ stores: () => stores });

export default { fetch: app.fetch } satisfies ExportedHandler<Env>;
