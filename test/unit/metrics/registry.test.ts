import { describe, expect, it } from 'vitest';
import { figureDefinition } from '../../../src/metrics/figures.js';
import { HEADLINE_FIGURES } from '../../../src/metrics/headlines.js';
import { metricList } from '../../../src/metrics/registry.js';
import { answerLines } from '../../../src/report/answer.js';
import { toDemoMarkdown } from '../../../src/report/demo-table.js';
import { toTrendTable } from '../../../src/report/history.js';
import { runMetric } from './metric-run.js';

describe('the metrics’ headline figures', () => {
  it('each names a figure of its own metric', () => {
    for (const m of metricList()) {
      for (const h of m.headlines ?? []) {
        const definition = figureDefinition(h.figure);
        expect(definition, `${m.name}: ${h.figure}`).toBeDefined();
        expect(m.figures, `${m.name}: ${h.figure}`).toContain(definition);
      }
    }
  });

  it('are the tables of history, the questions of the answer and the columns of the README table', async () => {
    const { run } = await runMetric('size');
    expect(HEADLINE_FIGURES).toContain('image size');
    const trend = toTrendTable([run]);
    for (const figure of HEADLINE_FIGURES) expect(trend).toContain(`${figure} (median)`);
    const questions = metricList().flatMap((m) =>
      (m.headlines ?? []).flatMap((h) => h.question ?? []),
    );
    expect(answerLines(run).map((line) => line.split(':')[0])).toEqual(questions);
    const headers = metricList().flatMap((m) =>
      (m.headlines ?? []).flatMap((h) => (h.column ? [h.column.header] : [])),
    );
    expect(toDemoMarkdown(run).split('\n')).toContain(`| Variant | ${headers.join(' | ')} |`);
  });
});

describe('the recorded settings', () => {
  it('keep, after the samples, each option that records itself: the metrics’, then the run’s', async () => {
    const { run } = await runMetric('pull', {}, { links: ['100mbit'], reference: 'distroless' });
    expect(run.settings).toEqual({
      samples: { build: 2, pull: 2, startup: 2, memory: 2 },
      links: ['unlimited', '100mbit'],
      pullConcurrency: 3,
      pullStorage: 'memory',
      pullImageStore: 'classic',
      budgetMs: 1_200_000,
      needs: ['tls', 'tz', 'nonroot'],
      timeoutsMs: expect.objectContaining({ build: 1_200_000, ready: 30_000 }),
      bail: false,
      variantsDir: expect.stringMatching(/\/variants$/),
      reference: 'distroless',
      go: '1.24',
      decision: { confidencePct: 95, marginPct: 5, looks: { pull: [2] } },
    });
    expect(Object.keys(run.settings ?? {})).toEqual([
      'samples',
      'decision',
      'links',
      'pullConcurrency',
      'pullStorage',
      'pullImageStore',
      'budgetMs',
      'needs',
      'timeoutsMs',
      'bail',
      'variantsDir',
      'reference',
      'go',
    ]);
  });
});
