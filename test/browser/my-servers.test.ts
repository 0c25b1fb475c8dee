/**
 * The panel's "My servers" page (examples/panel) in a real Chromium, against a real local Worker:
 * VPS created through sync appear with the right fields, filter and paginate; a load logs no error
 * (no /favicon.ico 404); a disallowed origin is refused by CORS; an expired token asks to sign in
 * again; a 503 is retried.
 * Screenshots: test/browser/screenshots/ (see its README).
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TEST_BINDINGS } from '../bindings.js';
import { startLocalWorker, type LocalWorker } from '../node/local-worker.js';
import { tokenFor } from '../tokens.js';
import { chromiumInstalled, launchChromium, type Chromium } from './chromium.js';
import { freePort, startPanel, type PanelServer } from './panel-server.js';
import { createVps, type NewVps } from './sync.js';

const SCREENSHOTS = resolve(import.meta.dirname, 'screenshots');

/** The integration docs' user 5, with one VPS of every status (the docs' test-vps-01 first). */
const USER = 5;
const USER_VPS: NewVps[] = [
  { user_id: USER, name: 'test-vps-01', status: 'creating', cpu: 2, ram: 2048, disk: 50, os: 'Ubuntu 22.04 LTS', hypervisor: 'proxmox' },
  { user_id: USER, name: 'web-01', status: 'running', cpu: 4, ram: 8192, disk: 160, os: 'Debian 12', hypervisor: 'kvm' },
  { user_id: USER, name: 'db-01', status: 'running', cpu: 8, ram: 16384, disk: 320, os: 'Ubuntu 24.04 LTS', hypervisor: 'vmware' },
  { user_id: USER, name: 'staging', status: 'stopped', cpu: 2, ram: 1536, disk: 40, os: 'AlmaLinux 9', hypervisor: 'xen' },
  { user_id: USER, name: 'win-build', status: 'suspended', cpu: 4, ram: 6144, disk: 1200, os: 'Windows Server 2022', hypervisor: 'hyperv' },
  { user_id: USER, name: 'mail-01', status: 'running', cpu: 1, ram: 512, disk: 20, os: 'CentOS 7', hypervisor: 'proxmox' },
];
/** What the page must show for each, newest first, as a person reads it. */
const EXPECTED_ROWS = [
  { name: 'mail-01', status: 'Running', cpu: '1 vCPU', ram: '0.5 GB', disk: '20 GB', os: 'CentOS 7', hypervisor: 'Proxmox' },
  { name: 'win-build', status: 'Suspended', cpu: '4 vCPU', ram: '6 GB', disk: '1,200 GB', os: 'Windows Server 2022', hypervisor: 'Hyper-V' },
  { name: 'staging', status: 'Stopped', cpu: '2 vCPU', ram: '1.5 GB', disk: '40 GB', os: 'AlmaLinux 9', hypervisor: 'Xen' },
  { name: 'db-01', status: 'Running', cpu: '8 vCPU', ram: '16 GB', disk: '320 GB', os: 'Ubuntu 24.04 LTS', hypervisor: 'VMware' },
  { name: 'web-01', status: 'Running', cpu: '4 vCPU', ram: '8 GB', disk: '160 GB', os: 'Debian 12', hypervisor: 'KVM' },
  { name: 'test-vps-01', status: 'Creating', cpu: '2 vCPU', ram: '2 GB', disk: '50 GB', os: 'Ubuntu 22.04 LTS', hypervisor: 'Proxmox' },
];

/** More than one page (the page asks for 20). */
const MANY_USER = 7;
const MANY = 23;
const EMPTY_USER = 9;

const browserInstalled = chromiumInstalled();

describe.skipIf(!browserInstalled)('"My servers" page in Chromium', () => {
  let worker: LocalWorker;
  let allowed: PanelServer;
  let disallowed: PanelServer;
  let browser: Chromium;
  let userIds: number[];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    // The Worker's allowlist names the allowed page's origin, and the pages need the Worker's URL:
    // take the allowed page's port first, start the Worker, then both pages (the other on any port).
    const allowedPort = await freePort();
    worker = await startLocalWorker({ ...TEST_BINDINGS, CORS_ORIGINS: `${TEST_BINDINGS.CORS_ORIGINS},http://127.0.0.1:${allowedPort}` });
    allowed = await startPanel(worker.url, allowedPort);
    disallowed = await startPanel(worker.url);
    userIds = await createVps(worker.url, USER_VPS);
    await createVps(
      worker.url,
      Array.from({ length: MANY }, (_, i) => ({
        user_id: MANY_USER,
        name: `node-${String(i + 1).padStart(2, '0')}`,
        status: 'running' as const,
        cpu: 1,
        ram: 1024,
        disk: 25,
        os: 'Debian 12',
        hypervisor: 'kvm',
      })),
    );
    browser = await launchChromium();
  }, 180_000);

  afterEach(async () => {
    await Promise.all(browser?.context.pages().map((page) => page.close()) ?? []);
  });

  afterAll(async () => {
    await browser?.close();
    await allowed?.close();
    await disallowed?.close();
    await worker?.stop();
  });

  it("lists the user's VPS created through sync, newest first, RAM in GB", async () => {
    const page = await open(allowed, { user: USER });
    await page.locator('table.servers tbody tr').first().waitFor();

    expect(await rows(page)).toEqual(EXPECTED_ROWS);
    expect(await page.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-vps-id'))))).toEqual(
      [...userIds].reverse(),
    );
    expect(await page.locator('.count').textContent()).toBe('6 servers');
    expect(await page.locator('.more button').count()).toBe(0);
    await shot(page, 'my-servers');
  });

  it('loads without a console error or a failed request, its favicon included', async () => {
    const page = await browser.context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('requestfailed', (request) => problems.push(`failed: ${request.url()} ${request.failure()?.errorText}`));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`${response.status()}: ${response.url()}`);
    });
    await page.goto(`${allowed.origin}/?user=${USER}`);
    await page.locator('tbody tr').first().waitFor();
    // The browser asks for /favicon.ico after the load event when the page names no icon.
    await page.waitForLoadState('networkidle');

    expect(problems).toEqual([]);
    // The page names its icon, one the browser can draw.
    const icon = await page.locator('link[rel="icon"]').evaluate(async (link: HTMLLinkElement) => {
      const image = new Image();
      image.src = link.href;
      await image.decode();
      return { scheme: new URL(link.href).protocol, width: image.naturalWidth, height: image.naturalHeight };
    });
    expect(icon).toEqual({ scheme: 'data:', width: 32, height: 32 });
  });

  it('filters by status through the API: only matching rows, kept in the URL', async (ctx) => {
    // A Worker that ignores unknown query parameters predates the listing filters (issue 10):
    // it would list every status, so there is nothing to assert against it yet.
    const probe = await fetch(`${worker.url}/api/vps?no_such_parameter=1`, { headers: await bearer(USER) });
    if (probe.status === 200) ctx.skip('this Worker does not filter GET /api/vps by status yet (it ignores unknown parameters)');

    const page = await open(allowed, { user: USER });
    await page.locator('tbody tr').first().waitFor();
    const listed = waitForList(page);
    await page.getByRole('button', { name: 'Running' }).click();
    expect(new URL((await listed).url()).searchParams.get('status')).toBe('running');
    await expect.poll(() => statuses(page)).toEqual(['running', 'running', 'running']);
    expect((await rows(page)).map((r) => r.name)).toEqual(['mail-01', 'db-01', 'web-01']);
    expect(new URL(page.url()).searchParams.get('status')).toBe('running');
    expect(await page.getByRole('button', { name: 'Running' }).getAttribute('aria-pressed')).toBe('true');

    const both = waitForList(page);
    await page.getByRole('button', { name: 'Stopped' }).click();
    expect(new URL((await both).url()).searchParams.get('status')).toBe('running,stopped');
    await expect.poll(() => statuses(page)).toEqual(['running', 'stopped', 'running', 'running']);
    await shot(page, 'filtered');

    // A reload keeps the filter; a filter no server matches says so.
    await page.goto(`${allowed.origin}/?user=${EMPTY_USER}&status=suspended`);
    await page.locator('[data-state="empty-filtered"]').waitFor();
    expect(await page.locator('[data-state="empty-filtered"] h2').textContent()).toBe('No servers match this filter');
  });

  it('pages through next_cursor with "Load more"', async () => {
    const page = await open(allowed, { user: MANY_USER });
    await page.locator('tbody tr').first().waitFor();
    expect(await page.locator('tbody tr').count()).toBe(20);
    expect(await page.locator('.count').textContent()).toBe('20 servers shown, more available');

    const next = waitForList(page);
    await page.getByRole('button', { name: 'Load more' }).click();
    expect(new URL((await next).url()).searchParams.get('cursor')).toMatch(/^[A-Za-z0-9_-]+$/);
    await expect.poll(() => page.locator('tbody tr').count()).toBe(MANY);
    const names = (await rows(page)).map((r) => r.name);
    expect(names).toEqual(Array.from({ length: MANY }, (_, i) => `node-${String(MANY - i).padStart(2, '0')}`));
    expect(await page.locator('.more button').count()).toBe(0);
    expect(await page.locator('.count').textContent()).toBe(`${MANY} servers`);
    await shot(page, 'load-more');
  });

  it('says so when the user has no servers', async () => {
    const page = await open(allowed, { user: EMPTY_USER });
    await page.locator('[data-state="empty"]').waitFor();
    expect(await page.locator('[data-state="empty"] h2').textContent()).toBe('You have no servers yet');
    expect(await page.locator('table').count()).toBe(0);
    await shot(page, 'empty');
  });

  it('shows the network error state when CORS refuses the page\'s origin', async () => {
    const page = await open(disallowed, { user: USER });
    const corsMessages: string[] = [];
    page.on('console', (message) => {
      if (/CORS policy/.test(message.text())) corsMessages.push(message.text());
    });
    await page.reload();
    await page.locator('[data-state="network"]').waitFor();

    expect(await page.locator('[data-state="network"] h2').textContent()).toBe("Can't reach the server list");
    expect(await page.locator('[data-state="network"] p').first().textContent()).toContain(disallowed.origin);
    expect(await page.locator('table').count()).toBe(0);
    // Chromium itself says why: the Worker answered, without this origin in its allowlist.
    expect(corsMessages.join('\n')).toContain(`from origin '${disallowed.origin}' has been blocked by CORS policy`);
    await shot(page, 'cors-refused');
  });

  it('asks to sign in again when the token has expired', async () => {
    const page = await browser.context.newPage();
    // The SSO's token, expired a minute ago (the dev server would sign a fresh one).
    const expired = await tokenFor(USER, { expiresIn: -60 });
    await page.route('**/dev/token?*', (route) =>
      route.fulfill({ json: { token: expired, user_id: USER, expires_at: new Date(Date.now() - 60_000).toISOString() } }),
    );
    const answer = page.waitForResponse((r) => r.url().startsWith(`${worker.url}/api/vps`) && r.request().method() === 'GET');
    await page.goto(`${allowed.origin}/?user=${USER}`);
    expect((await answer).status()).toBe(401);

    await page.locator('[data-state="signed-out"]').waitFor();
    expect(await page.locator('[data-state="signed-out"] h2').textContent()).toBe('Your session has ended');
    expect(await page.getByRole('button', { name: 'Sign in again' }).isVisible()).toBe(true);
    // The Worker's own reason reached the page: the 401 was read, not lost to CORS.
    expect(await page.locator('[data-state="signed-out"] .reference').textContent()).toBe('Token expired');
    await shot(page, 'signed-out');
  });

  it('retries a 503 after Retry-After and then shows the list', async () => {
    const page = await browser.context.newPage();
    let answered503At = 0;
    let retriedAt = 0;
    await page.route(`${worker.url}/api/vps?*`, async (route) => {
      if (route.request().method() !== 'GET') return route.fallback();
      if (answered503At) {
        retriedAt ||= Date.now();
        return route.fallback();
      }
      answered503At = Date.now();
      await route.fulfill({
        status: 503,
        headers: {
          'Access-Control-Allow-Origin': allowed.origin,
          'Access-Control-Expose-Headers': 'X-Request-Id, Retry-After',
          'Retry-After': '2',
          'X-Request-Id': 'req-503-test',
        },
        json: {
          status: 'error',
          code: 'database_unavailable',
          message: 'Database temporarily unavailable, retry later',
          errors: [],
          request_id: 'req-503-test',
        },
      });
    });
    await page.goto(`${allowed.origin}/?user=${USER}`);
    await page.locator('[data-state="unavailable"]').waitFor();
    expect(await page.locator('[data-state="unavailable"] h2').textContent()).toBe('Server list temporarily unavailable');
    expect(await page.locator('.retry-in').textContent()).toMatch(/^Retrying automatically in [1-3] s…$/);
    expect(await page.locator('[data-state="unavailable"] .reference').textContent()).toBe('Reference: req-503-test');
    await shot(page, 'unavailable');

    await page.locator('tbody tr').first().waitFor({ timeout: 10_000 });
    // Not before the server's Retry-After.
    expect(retriedAt - answered503At).toBeGreaterThanOrEqual(2_000);
    expect((await rows(page)).map((r) => r.name)).toEqual(EXPECTED_ROWS.map((r) => r.name));
  });

  async function open(panel: PanelServer, { user }: { user: number }): Promise<Page> {
    const page = await browser.context.newPage();
    await page.goto(`${panel.origin}/?user=${user}`);
    return page;
  }

  const waitForList = (page: Page) =>
    page.waitForResponse((r) => r.url().startsWith(`${worker.url}/api/vps?`) && r.request().method() === 'GET' && r.status() === 200);

  const bearer = async (user: number) => ({ Authorization: `Bearer ${await tokenFor(user)}` });
});

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: resolve(SCREENSHOTS, `${name}.png`), fullPage: true });
}

async function rows(page: Page) {
  return page.locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) => {
      const text = (field: string) => tr.querySelector(`[data-field="${field}"]`)?.textContent?.trim() ?? null;
      return {
        name: tr.querySelector('.vps-name')?.textContent ?? null,
        status: text('status'),
        cpu: text('cpu'),
        ram: text('ram'),
        disk: text('disk'),
        os: text('os'),
        hypervisor: text('hypervisor'),
      };
    }),
  );
}

const statuses = (page: Page) => page.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-status')));
