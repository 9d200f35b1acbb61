import { confidenceWords } from '../measure/decision.js';
import type { Chart } from '../metrics/metric.js';
import { answerQuestions, type Contender } from '../metrics/questions.js';
import type { RunResult } from '../metrics/run-result.js';

/** A row per variant; the band and the line at 1 span every row. */
const VARIANT_ROW = { field: 'variant', type: 'nominal', sort: null, title: null } as const;

/** How a comparison with the best reads on the chart. */
function standing(c: Contender, marginPct: number): string {
  switch (c.against?.verdict) {
    case 'lower':
      return 'decided higher';
    case 'equivalent':
      return `equal within ±${marginPct} %`;
    default:
      return 'not told apart yet';
  }
}

/**
 * How the answer's questions on repeated figures were decided, drawn as the
 * rule sees them: each variant's figure over the best's (the median of the
 * per-round ratios) with the interval the decision used, against the band
 * of 1 ± the margin. A point whose interval clears the band is decided
 * higher, one whose interval lies inside it equal, one that crosses an edge
 * undecided.
 */
export function decisionChart(run: RunResult): Chart {
  const questions = answerQuestions(run).filter(
    (q) => q.ranked.length > 1 && q.ranked[0]?.figure.samples !== undefined,
  );
  const rows: Chart['rows'] = questions.flatMap((q) => {
    const best = q.ranked[0] as Contender;
    return q.ranked.slice(1).flatMap((c) => {
      const d = c.against;
      if (!d || !(d.p50 > 0)) return [];
      // The rule decides best ÷ this one; the chart reads this one ÷ best.
      return [
        {
          question: `${q.question}: over ${best.variant.name}, at ${confidenceWords(q.rule)}`,
          variant: c.variant.name,
          ratio: 1 / d.p50,
          ...(d.ci && d.ci[0] > 0 ? { low: 1 / d.ci[1], high: 1 / d.ci[0] } : {}),
          rounds: d.n,
          standing: standing(c, q.rule.marginPct),
        },
      ];
    });
  });
  const margin = (questions[0]?.rule.marginPct ?? 5) / 100;
  return {
    id: 'decisions',
    title: 'How the answer was decided',
    caption: `For each question on a repeated figure, each variant's figure over the best's: the median of the per-round ratios (a point, labelled) and the interval the decision used (a line; its confidence in each panel's title), on n rounds shared with the best. The grey band is 1 ± ${margin * 100} %: an interval wholly right of it is decided higher, one wholly inside it equal, one that crosses an edge is not told apart yet. Log axis, so that 2× and ½× lie equally far from 1.`,
    rows,
    ...(rows.length
      ? {}
      : {
          missing: 'no question on a repeated figure (pull, startup, memory) was asked of this run',
        }),
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      data: { values: rows },
      facet: {
        row: {
          field: 'question',
          type: 'nominal',
          sort: null,
          header: {
            labelAngle: 0,
            labelOrient: 'top',
            labelAlign: 'left',
            labelAnchor: 'start',
            labelFontSize: 11,
            title: null,
          },
        },
      },
      // Each question its own axes: a pull's 40× and a start's 1.02× cannot share one.
      resolve: { scale: { x: 'independent', y: 'independent' } },
      spec: {
        width: 480,
        height: { step: 22 },
        layer: [
          {
            mark: { type: 'rect', color: '#d0d7de', opacity: 0.6 },
            encoding: { x: { datum: 1 - margin }, x2: { datum: 1 + margin } },
          },
          {
            mark: { type: 'rule', color: '#57606a' },
            encoding: { x: { datum: 1 } },
          },
          {
            mark: { type: 'rule', strokeWidth: 2 },
            transform: [{ filter: 'isValid(datum.low)' }],
            encoding: {
              y: VARIANT_ROW,
              x: { field: 'low', type: 'quantitative' },
              x2: { field: 'high' },
              color: { field: 'standing', type: 'nominal', title: null },
            },
          },
          {
            // `data` becomes the marks' class in the SVG: a point per row.
            name: 'data',
            mark: { type: 'point', filled: true, size: 60, tooltip: { content: 'data' } },
            encoding: {
              y: VARIANT_ROW,
              x: {
                field: 'ratio',
                type: 'quantitative',
                scale: { type: 'log', nice: false, padding: 12 },
                title: "figure ÷ the best's (median of per-round ratios)",
              },
              color: {
                field: 'standing',
                type: 'nominal',
                title: null,
                legend: { orient: 'bottom' },
              },
            },
          },
          {
            mark: { type: 'text', align: 'left', dx: 6, dy: -8, fontSize: 10 },
            transform: [
              {
                calculate: "format(datum.ratio, '.3~r') + '×, n ' + datum.rounds",
                as: 'label',
              },
            ],
            encoding: {
              y: VARIANT_ROW,
              x: { field: 'ratio', type: 'quantitative' },
              text: { field: 'label', type: 'nominal' },
            },
          },
        ],
      },
    },
  };
}
