import { describe, expect, it } from 'vitest';
import { chartsOf } from '../../src/report/charts.js';
import { toHtml } from '../../src/report/html.js';
import { historyRun } from '../fixtures.js';
import { SIX_VARIANTS } from '../variants.js';
import { sampleRun } from './sample-run.js';

describe('HTML report', () => {
  it('has all seven charts, with rows for all six variants of a real all-metric run', async () => {
    const run = await historyRun('20261123-092013-7f74');
    const charts = chartsOf(run);
    expect(charts.map((c) => c.id)).toEqual([
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
      expect([...new Set(chart.rows.map((r) => r.variant))]).toEqual(
        chart.id === 'flags' ? ['no flags', '-w', '-s', '-s -w', '-trimpath -s -w'] : SIX_VARIANTS,
      );
    }
    // Startup plots every sample, not a summary.
    const startup = charts.find((c) => c.id === 'startup');
    expect(startup?.rows).toHaveLength(6 * 50);
    const html = await toHtml(run);
    expect(html.match(/<svg/g)).toHaveLength(7);
    // Self-contained: nothing is fetched, no script runs.
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
  });

  it('says which charts a run has no figures for, and why', async () => {
    const html = await toHtml(sampleRun());
    expect(html.match(/<svg/g)).toHaveLength(1);
    expect(html).toContain('Not shown: build was not measured in this run (metrics: size).');
    expect(html).toContain('Not shown: flags was not measured in this run (metrics: size).');
    expect(html).toContain('Not shown: gaps was not measured in this run (metrics: size).');
    expect(html).toContain('<h3>broken: build failed</h3>');
    expect(html).toContain('syntax error: non-declaration statement outside function body');
  });
});
