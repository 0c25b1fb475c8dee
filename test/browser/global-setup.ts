import { CHROMIUM_PATH, chromiumInstalled } from './chromium.js';

/**
 * Without Chromium the browser tests are skipped, and this says so; REQUIRE_BROWSER=1 (set by
 * .ci/run, which installs Chromium) turns that skip into a failure.
 */
export default function setup(): void {
  if (chromiumInstalled()) return;
  const missing = `No Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`;
  if (process.env.REQUIRE_BROWSER === '1') throw new Error(`${missing}, and REQUIRE_BROWSER=1: the browser tests (test/browser) must run.`);
  console.warn(`\n⚠ ${missing}: the browser tests (test/browser) are skipped.\n`);
}
