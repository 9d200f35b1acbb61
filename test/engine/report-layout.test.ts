import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAND_INS_ALL_VARIANTS_RUN } from '../fixtures.js';
import { imgbench } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';

/**
 * report.html as a reader sees it, wide and on a phone: an all-variants run
 * (the recommendation, every chart, 70-odd claims, stand-in notes), rendered
 * by the CLI and opened in headless Chromium. Screenshots are left in the
 * test's folder while it runs.
 */
describe('report.html at 1400 px and 420 px', () => {
  const out = mkdtempSync(join(tmpdir(), 'imgbench-layout-'));
  const report = join(out, 'report.html');
  let browser: Browser;
  beforeAll(async () => {
    const result = await imgbench(['report', STAND_INS_ALL_VARIANTS_RUN, '--format', 'html']);
    expect(result.status, result.stderr).toBe(0);
    writeFileSync(report, result.stdout);
    browser = await chromium.launch({ executablePath: CHROMIUM });
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(out, { recursive: true, force: true });
  });

  it.each([1400, 420])(
    'at %i px: no sideways scroll, no Markdown backtick in the text, the recommendation first',
    async (width) => {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      await page.goto(`file://${report}`);
      // Expressions in the page (the project's types have no DOM).
      const overflow = (await page.evaluate(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      )) as number;
      expect(overflow, 'the page scrolls sideways by this many pixels').toBeLessThanOrEqual(0);
      const text = (await page.evaluate('document.body.innerText')) as string;
      const ticks = text.split('\n').filter((line) => line.includes('`'));
      expect(ticks, 'lines showing a literal backtick').toEqual([]);
      // The first thing after the title: which variant to ship.
      await expect(
        page.locator('h1 + section#recommendation strong').first().textContent(),
      ).resolves.toBe('scratch-certs');
      // Every chart keeps its drawing inside the page.
      const rights = (await page.evaluate(
        "[...document.querySelectorAll('figure svg')].map((s) => s.getBoundingClientRect().right)",
      )) as number[];
      expect(rights.length).toBeGreaterThanOrEqual(5);
      for (const right of rights) expect(right).toBeLessThanOrEqual(width);
      // No chart drawn empty: each has a mark per row it says it has.
      const charts = (await page.evaluate(
        `[...document.querySelectorAll('figure[data-rows]')].map((f) => [f.id, Number(f.dataset.rows), f.querySelectorAll('.role-mark.data_marks [aria-roledescription="bar"], .role-mark.data_marks [aria-roledescription="point"]').length])`,
      )) as Array<[string, number, number]>;
      for (const [id, rows, marks] of charts) {
        if (rows > 0) expect(marks, `${id}: marks drawn`).toBe(rows);
      }
      await page.screenshot({ path: join(out, `report-${width}.png`), fullPage: true });
      await page.close();
    },
  );
});
