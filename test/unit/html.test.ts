import { describe, expect, it } from 'vitest';
import { judgeClaims } from '../../src/claims/claims.js';
import { chartsOf } from '../../src/report/charts.js';
import { toHtml } from '../../src/report/html.js';
import { readRun } from '../../src/results/read-run.js';
import { DEFAULT_RUN, historyRun, STAND_INS_ALL_VARIANTS_RUN } from '../fixtures.js';
import { SIX_VARIANTS } from '../variants.js';
import { sampleRun } from './sample-run.js';

describe('HTML report', () => {
  it('has all eight charts, with rows for all six variants of a real all-metric run', async () => {
    const run = await historyRun('20261123-092013-7f74');
    const charts = chartsOf(run);
    expect(charts.map((c) => c.id)).toEqual([
      'decisions',
      'size',
      'capability',
      'flags',
      'build',
      'pull',
      'startup',
      'memory',
    ]);
    for (const chart of charts) {
      expect(chart.missing).toBeUndefined();
      if (chart.id === 'decisions') continue;
      expect([...new Set(chart.rows.map((r) => r.variant))]).toEqual(
        chart.id === 'flags' ? ['no flags', '-w', '-s', '-s -w', '-trimpath -s -w'] : SIX_VARIANTS,
      );
    }
    // Startup plots every sample, not a summary.
    const startup = charts.find((c) => c.id === 'startup');
    expect(startup?.rows).toHaveLength(6 * 50);
    const html = await toHtml(run);
    expect(html.match(/<svg/g)).toHaveLength(8);
    // Self-contained: nothing is fetched, no script runs.
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
  });

  it('says which charts a run has no figures for, and why', async () => {
    const html = await toHtml(sampleRun());
    expect(html.match(/<svg/g)).toHaveLength(1);
    expect(html).toContain(
      'Not shown: no question on a repeated figure (pull, startup, memory) was asked of this run.',
    );
    expect(html).toContain('Not shown: build was not measured in this run (metrics: size).');
    expect(html).toContain('Not shown: flags was not measured in this run (metrics: size).');
    expect(html).toContain('Not shown: gaps was not measured in this run (metrics: size).');
    expect(html).toContain('<h3>broken: build failed</h3>');
    expect(html).toContain('syntax error: non-declaration statement outside function body');
  });

  it('draws each question as the rule decided it: the ratio to the best, its interval, the margin', async () => {
    const run = await readRun(DEFAULT_RUN);
    const chart = chartsOf(run).find((c) => c.id === 'decisions');
    const rows = chart?.rows ?? [];
    // The kept run: pull and start decided, memory open (distroless not told apart from scratch).
    const of = (q: string) => rows.filter((r) => String(r.question).startsWith(q));
    const pull = of('Fastest cold pull');
    expect(pull).toHaveLength(5);
    for (const r of pull) {
      expect(r.standing).toBe('decided higher');
      expect(Number(r.low)).toBeGreaterThan(1.05);
    }
    for (const r of of('Fastest start')) {
      expect(r.standing).toBe('equal within ±5 %');
      expect(Number(r.low)).toBeGreaterThanOrEqual(0.95);
      expect(Number(r.high)).toBeLessThanOrEqual(1.05);
    }
    const memory = of('Least memory');
    expect(memory.map((r) => r.standing)).toContain('not told apart yet');
    for (const r of memory) {
      expect(Number(r.low)).toBeLessThanOrEqual(Number(r.ratio));
      expect(Number(r.high)).toBeGreaterThanOrEqual(Number(r.ratio));
    }
    const html = await toHtml(run);
    expect(html).toContain('<figure id="chart-decisions" data-rows="15">');
  });

  it('links each claim to the figures its evidence read, on the page', async () => {
    const run = await readRun(STAND_INS_ALL_VARIANTS_RUN);
    const verdicts = judgeClaims(run);
    const byId = new Map(verdicts.map((v) => [v.id, v]));
    expect(byId.get('000-single-stage-gigabyte')?.metrics).toEqual(['size']);
    const html = await toHtml(run);
    const hrefs = [...html.matchAll(/<a href="#([a-z0-9-]+)">/g)].map((m) => m[1]);
    expect(hrefs.length).toBeGreaterThan(verdicts.length / 2);
    // Every link lands on an element of the page.
    for (const id of new Set(hrefs)) expect(html).toContain(`id="${id}"`);
    expect(hrefs).toContain('figures-size');
    expect(hrefs).toContain('figures-pull');
  });
});
