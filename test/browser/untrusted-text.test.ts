/**
 * Text the page did not write (names and OS from the API) cannot disturb the page around it:
 * bidi controls and right-to-left letters stay inside their own isolate, so a name cannot fake
 * how its "#id" label reads; a 100-character name or OS wraps instead of pushing the other
 * columns off-screen, at a desktop width and at a phone's.
 * Screenshots (taken before the assertions, so a failure leaves one to look at): test/browser/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TEST_BINDINGS } from '../bindings.js';
import { startLocalWorker, type LocalWorker } from '../node/local-worker.js';
import { chromiumInstalled, launchChromium, type Chromium } from './chromium.js';
import { freePort, startPanel, type PanelServer } from './panel-server.js';
import { createVps, type NewVps } from './sync.js';

const SCREENSHOTS = resolve(import.meta.dirname, 'screenshots');

const vps = (user_id: number, name: string, os = 'Debian 12'): NewVps => ({
  user_id,
  name,
  status: 'running',
  cpu: 2,
  ram: 2048,
  disk: 50,
  os,
  hypervisor: 'kvm',
});

/**
 * Names the sync API accepts (it refuses C0, DEL, C1 and U+FEFF only): the report's right-to-left
 * override with no closing U+202C, an Arabic name (right-to-left, no control at all), and a
 * right-to-left isolate opened and never closed, before a Hebrew letter.
 */
const BIDI_USER = 11;
const BIDI_NAMES = ['ab\u202ecd\u200b', 'خادم', 'v\u2067ש'];
const BIDI_OS = 'Debian\u202e 12';

/** The longest name and OS the API takes, each one unbroken word, between ordinary rows. */
const LONG_USER = 12;
const LONG_NAME = 'a'.repeat(100);
const LONG_OS = 'o'.repeat(100);

const browserInstalled = chromiumInstalled();

describe.skipIf(!browserInstalled)('untrusted text on the "My servers" page', () => {
  let worker: LocalWorker;
  let panel: PanelServer;
  let browser: Chromium;
  let bidiIds: number[];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const port = await freePort();
    worker = await startLocalWorker({ ...TEST_BINDINGS, CORS_ORIGINS: `${TEST_BINDINGS.CORS_ORIGINS},http://127.0.0.1:${port}` });
    panel = await startPanel(worker.url, port);
    bidiIds = await createVps(worker.url, [
      vps(BIDI_USER, 'web-01'),
      ...BIDI_NAMES.map((name) => vps(BIDI_USER, name, BIDI_OS)),
      vps(BIDI_USER, 'db-01'),
    ]);
    await createVps(worker.url, [vps(LONG_USER, 'web-01'), vps(LONG_USER, LONG_NAME, LONG_OS), vps(LONG_USER, 'db-01')]);
    browser = await launchChromium();
  }, 180_000);

  afterEach(async () => {
    await Promise.all(browser?.context.pages().map((page) => page.close()) ?? []);
  });

  afterAll(async () => {
    await browser?.close();
    await panel?.close();
    await worker?.stop();
  });

  it('keeps bidi controls and right-to-left names from reordering the "#id" beside them', async () => {
    const page = await open(BIDI_USER, 1200);
    await shot(page, 'bidi-names');
    const labels = await idLabels(page);

    // Every row, newest first: the name exactly as sent, then its label reading "#<id>" to its right
    // (give or take half a pixel: glyph boxes meet at fractional positions).
    expect(labels.map((l) => l.name)).toEqual(['db-01', ...[...BIDI_NAMES].reverse(), 'web-01']);
    for (const [i, label] of labels.entries()) {
      const id = [...bidiIds].reverse()[i];
      expect(label.text, label.name).toBe(`#${id}`);
      expect(label.labelLeft, `the label of ${JSON.stringify(label.name)} starts after the name ends`).toBeGreaterThanOrEqual(label.nameRight);
      expect(label.hashRight, `"#" is left of the digits for ${JSON.stringify(label.name)}`).toBeLessThanOrEqual(label.digitsLeft + 0.5);
    }
    // The OS is as untrusted as the name: displayed as a bidi isolate of its own.
    const os = await page.locator('tbody [data-field="os"]').evaluateAll((cells) =>
      cells.map((cell) => {
        const holder = Array.from(cell.querySelectorAll('*')).find((e) => e.textContent === cell.textContent) ?? cell;
        return { text: cell.textContent, unicodeBidi: getComputedStyle(holder).unicodeBidi };
      }),
    );
    expect(os).toEqual([
      { text: 'Debian 12', unicodeBidi: 'isolate' },
      ...BIDI_NAMES.map(() => ({ text: BIDI_OS, unicodeBidi: 'isolate' })),
      { text: 'Debian 12', unicodeBidi: 'isolate' },
    ]);
  });

  it('wraps a 100-character name and OS, and keeps every column in view at 1200 px', async () => {
    const page = await open(LONG_USER, 1200);
    await shot(page, 'long-name-1200');
    const layout = await tableLayout(page);

    expect(layout.names).toEqual(['db-01', LONG_NAME, 'web-01']);
    // Not one word of it cut: the long row's text is all there, on several lines.
    expect(layout.long).toMatchObject({ os: LONG_OS });
    expect(layout.long.nameLines).toBeGreaterThan(1);
    expect(layout.long.osLines).toBeGreaterThan(1);
    // No sideways scrolling: the table fits its box and the window, every cell of every row inside them.
    expect(layout.scrollWidth).toBeLessThanOrEqual(layout.clientWidth);
    expect(layout.pageScrollWidth).toBeLessThanOrEqual(1200);
    expect(layout.boxRight).toBeLessThanOrEqual(1200);
    for (const cell of layout.cells) {
      expect(cell.right, `${cell.field} of row ${cell.row} ends inside the table's box`).toBeLessThanOrEqual(layout.boxRight + 0.5);
    }
  });

  it('keeps name and status in view at 400 px, a phone; the other columns a sideways scroll of the table away', async () => {
    const page = await open(LONG_USER, 400);
    await shot(page, 'long-name-400');
    const layout = await tableLayout(page);

    expect(layout.long.nameLines).toBeGreaterThan(1);
    // The page itself does not scroll sideways; the table scrolls inside its box.
    expect(layout.pageScrollWidth).toBeLessThanOrEqual(400);
    expect(layout.boxRight).toBeLessThanOrEqual(400);
    for (const cell of layout.cells.filter((c) => c.field === 'name' || c.field === 'status')) {
      expect(cell.right, `${cell.field} of row ${cell.row} ends inside the table's box`).toBeLessThanOrEqual(layout.boxRight + 0.5);
    }
    // Scrolled to its end, the table shows the last column, of the long row too.
    await page.locator('.table-wrap').evaluate((box) => box.scrollTo({ left: box.scrollWidth, behavior: 'instant' }));
    const scrolled = await tableLayout(page);
    for (const cell of scrolled.cells.filter((c) => c.field === 'hypervisor')) {
      expect(cell.left, `hypervisor of row ${cell.row} starts inside the table's box`).toBeGreaterThanOrEqual(scrolled.boxLeft - 0.5);
      expect(cell.right, `hypervisor of row ${cell.row} ends inside the table's box`).toBeLessThanOrEqual(scrolled.boxRight + 0.5);
    }
    await shot(page, 'long-name-400-scrolled');
  });

  async function open(user: number, width: number): Promise<Page> {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width, height: 800 });
    await page.goto(`${panel.origin}/?user=${user}`);
    await page.locator('tbody tr').first().waitFor();
    return page;
  }
});

/** Where each row's name and "#id" label are painted, down to the "#" and the digits of the label. */
function idLabels(page: Page) {
  return page.locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) => {
      const name = tr.querySelector('.vps-name')!;
      const label = tr.querySelector('.vps-id')!;
      const text = label.firstChild!;
      const part = (start: number, end: number) => {
        const range = document.createRange();
        range.setStart(text, start);
        range.setEnd(text, end);
        return range.getBoundingClientRect();
      };
      return {
        name: name.textContent,
        text: label.textContent,
        nameRight: name.getBoundingClientRect().right,
        labelLeft: label.getBoundingClientRect().left,
        hashRight: part(0, 1).right,
        digitsLeft: part(1, text.textContent!.length).left,
      };
    }),
  );
}

/** The table's scroll box, the page's width, where every cell lies, and on how many lines the long row's name and OS run. */
function tableLayout(page: Page) {
  return page.locator('.table-wrap').evaluate((box) => {
    const rows = Array.from(box.querySelectorAll('tbody tr'));
    const longRow = rows.find((tr) => tr.querySelector('.vps-name')!.textContent!.length === 100)!;
    const os = longRow.querySelector('[data-field="os"] bdi')!;
    const { left: boxLeft, right: boxRight } = box.getBoundingClientRect();
    return {
      names: rows.map((tr) => tr.querySelector('.vps-name')!.textContent),
      long: {
        os: os.textContent,
        // An inline element has one client rect per line it runs on.
        nameLines: longRow.querySelector('.vps-name')!.getClientRects().length,
        osLines: os.getClientRects().length,
      },
      scrollWidth: box.scrollWidth,
      clientWidth: box.clientWidth,
      pageScrollWidth: document.scrollingElement!.scrollWidth,
      boxLeft,
      boxRight,
      cells: rows.flatMap((tr, row) =>
        Array.from(tr.querySelectorAll('td')).map((td) => {
          const { left, right } = td.getBoundingClientRect();
          return { row, field: td.getAttribute('data-field'), left, right };
        }),
      ),
    };
  });
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: resolve(SCREENSHOTS, `${name}.png`), fullPage: true });
}
