import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { marked } from 'marked';
import { type Browser, chromium } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMB } from '../../src/format/format.js';
import type { RunResult } from '../../src/metrics/run-result.js';
import { variantsDir } from '../../src/paths.js';
import { readRun } from '../../src/results/read-run.js';
import { HISTORY_FIXTURES_DIR } from '../fixtures.js';
import { okVariant, okVariants, SIX_VARIANTS } from '../variants.js';
import { imgbench } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const HISTORY_RUN = join(HISTORY_FIXTURES_DIR, '20261123-012239-447f.json');

/** A copy of the six variants in which distroless is built on debian-slim instead: a base that is larger on every measure. */
function variantsWithDistrolessOnDebianSlim(parent: string): string {
  const dir = join(parent, 'variants');
  cpSync(variantsDir(), dir, { recursive: true });
  const file = join(dir, 'distroless', 'Dockerfile');
  const text = readFileSync(file, 'utf8')
    .replace(
      'ARG DISTROLESS_IMAGE=gcr.io/distroless/static-debian12:nonroot',
      'ARG DEBIAN_SLIM_IMAGE=debian:bookworm-slim',
    )
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Dockerfile variables, not JavaScript's
    .replace('FROM ${DISTROLESS_IMAGE}', 'FROM ${DEBIAN_SLIM_IMAGE}')
    .replace('USER nonroot:nonroot', 'USER 65532:65532');
  writeFileSync(file, text);
  return dir;
}

/** Runs `imgbench run --metrics size` into `out`; returns the run folder. */
async function sizeRun(out: string, extra: string[] = []): Promise<string> {
  const result = await imgbench([
    'run',
    '--metrics',
    'size',
    '--bases',
    'offline',
    '--out',
    out,
    ...extra,
  ]);
  expect(result.status, result.stderr).toBe(0);
  return join(out, readlinkSync(join(out, 'latest')));
}

describe('reports and compare on real runs', () => {
  const out = mkdtempSync(join(tmpdir(), 'imgbench-reports-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  let first: string;
  let second: string;
  let rebased: string;

  beforeAll(async () => {
    first = await sizeRun(join(out, 'a'));
    second = await sizeRun(join(out, 'b'));
    rebased = await sizeRun(join(out, 'c'), [
      '--variants-dir',
      variantsWithDistrolessOnDebianSlim(out),
    ]);
  });

  it('writes all four files; the CSV parses back to the JSON’s numbers; the Markdown renders as tables', async () => {
    const run = await readRun(first);
    for (const file of ['results.json', 'results.csv', 'summary.md', 'report.html']) {
      expect(existsSync(join(first, file)), file).toBe(true);
    }
    const rows = parse(readFileSync(join(first, 'results.csv'), 'utf8'), {
      columns: true,
    }) as Record<string, string>[];
    for (const v of okVariants(run)) {
      const row = rows.find((r) => r.variant === v.name && r.metric === 'size');
      expect(Number(row?.image_size_bytes), v.name).toBe(v.size.sizeBytes);
      expect(Number(row?.binary_size_bytes), v.name).toBe(v.size.binary.sizeBytes);
      expect(Number(row?.layer_count), v.name).toBe(v.size.layerCount);
    }
    const html = await marked.parse(readFileSync(join(first, 'summary.md'), 'utf8'));
    expect(html.match(/<table>/g)?.length).toBeGreaterThanOrEqual(1);
    for (const name of SIX_VARIANTS) expect(html).toMatch(new RegExp(`<td>${name}</td>`));
  });

  it('compare of two runs of the same code reports no significant change', async () => {
    const result = await imgbench(['compare', first, second]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/\nNo significant change\.$/);
  });

  it('compare flags the variant whose base changed, and only it; a budget on it exits 3 with its name and value', async () => {
    const result = await imgbench(['compare', first, rebased, '--json']);
    expect(result.status).toBe(0);
    const comparison = JSON.parse(result.stdout) as {
      changes: Array<{ variant: string; figure: string; significant: boolean }>;
    };
    const changed = comparison.changes.filter((c) => c.significant);
    expect([...new Set(changed.map((c) => c.variant))]).toEqual(['distroless']);
    expect(changed.map((c) => c.figure)).toContain('image size');

    // A ceiling halfway between what distroless weighed on its own base and on debian-slim's.
    const before = okVariant(await readRun(first), 'distroless').size.sizeBytes;
    const after = okVariant(await readRun(rebased), 'distroless').size.sizeBytes;
    expect(after).toBeGreaterThan(before);
    const max = Math.floor((before + after) / 2);
    const config = join(out, 'budgets.json');
    writeFileSync(
      config,
      JSON.stringify({
        budgets: [
          {
            name: 'distroless stays distroless',
            variant: 'distroless',
            figure: 'image size',
            max,
          },
        ],
      }),
    );
    const breached = await imgbench(['compare', first, rebased, '--config', config]);
    expect(breached.status).toBe(3);
    expect(breached.stderr).toContain(
      `budget "distroless stays distroless": distroless image size is ${formatMB(after)}, over its max of ${formatMB(max)}`,
    );
  });

  describe('the HTML report in headless Chromium', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await chromium.launch({ executablePath: CHROMIUM });
    });
    afterAll(async () => browser?.close());

    /** Pixels of a screenshot that are neither white nor grey: the chart's coloured marks. */
    function colouredPixels(png: Buffer): number {
      const image = PNG.sync.read(png);
      let count = 0;
      for (let i = 0; i < image.data.length; i += 4) {
        const [r = 0, g = 0, b = 0] = image.data.subarray(i, i + 3);
        if (Math.max(r, g, b) - Math.min(r, g, b) > 40) count++;
      }
      return count;
    }

    it('shows every chart with data for all six variants of an all-metric run', async () => {
      const report = join(out, 'all-metrics.html');
      const result = await imgbench(['report', HISTORY_RUN, '--format', 'html']);
      expect(result.status).toBe(0);
      writeFileSync(report, result.stdout);
      const run: RunResult = await readRun(HISTORY_RUN);
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      // Nothing may be fetched: the file stands alone.
      const requests: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith('file:')) requests.push(r.url());
      });
      await page.goto(`file://${report}`);
      for (const id of ['size', 'build', 'pull', 'startup', 'memory']) {
        const figure = page.locator(`#chart-${id}`);
        const axisLabels = await figure.locator('.role-axis-label text').allTextContents();
        for (const name of SIX_VARIANTS) expect(axisLabels, `${id}: ${name}`).toContain(name);
        // The marks of the data (bars, or one dot per sample), not the box plot's outlier dots.
        const marks = await figure
          .locator(
            '.role-mark.data_marks [aria-roledescription="bar"], .role-mark.data_marks [aria-roledescription="point"]',
          )
          .count();
        expect(marks, id).toBe(Number(await figure.getAttribute('data-rows')));
        const shot = await figure.screenshot({ path: join(out, `chart-${id}.png`) });
        // A chart of six variants paints thousands of coloured pixels; an empty one none.
        expect(colouredPixels(shot), id).toBeGreaterThan(2_000);
      }
      expect(run.variants.map((v) => v.name)).toEqual(SIX_VARIANTS);
      expect(requests).toEqual([]);
      await page.close();
    });

    it('shows a size-only run’s size chart and says why the others are missing', async () => {
      const page = await browser.newPage();
      await page.goto(`file://${join(first, 'report.html')}`);
      expect(colouredPixels(await page.locator('#chart-size').screenshot())).toBeGreaterThan(2_000);
      await expect(page.locator('#chart-startup .missing').textContent()).resolves.toBe(
        'Not shown: startup was not measured in this run (metrics: size).',
      );
      await page.close();
    });
  });
});
