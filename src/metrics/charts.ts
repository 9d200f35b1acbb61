import type { TopLevelSpec } from 'vega-lite';
import type { Chart } from './metric.js';
import type { RunResult } from './run-result.js';

export const MB = 1e6;
export const VARIANT_COLOR = { field: 'variant', type: 'nominal', legend: null } as const;

/** A grouped bar chart: one group per variant, one bar per `series`, `value` on a log scale when asked. */
export function groupedBars(
  rows: Chart['rows'],
  options: { series: string; value: string; unit: string; log?: boolean; order: string[] },
): TopLevelSpec {
  const values = rows.map((r) => Number(r[options.value])).filter((v) => v > 0);
  const floor = 10 ** Math.floor(Math.log10(Math.min(...values, 1)));
  const ceiling = 10 ** Math.ceil(Math.log10(Math.max(...values, 1)));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 560,
    height: 260,
    data: { values: rows },
    // `name` becomes the marks' class in the SVG, so a reader (or a test) can tell data from decoration.
    name: 'data',
    mark: { type: 'bar', tooltip: true },
    encoding: {
      x: { field: 'variant', type: 'nominal', sort: null, title: null, axis: { labelAngle: 0 } },
      xOffset: { field: options.series, type: 'nominal', sort: options.order },
      y: {
        field: options.value,
        type: 'quantitative',
        title: options.unit,
        ...(options.log ? { scale: { type: 'log', domain: [floor, ceiling] } } : {}),
      },
      // A bar on a log scale cannot start at 0: it starts at the decade below the smallest value.
      ...(options.log ? { y2: { datum: floor } } : {}),
      color: {
        field: options.series,
        type: 'nominal',
        sort: options.order,
        title: null,
        legend: { orient: 'top', labelLimit: 240 },
      },
    },
  };
}

/** Why a chart has no rows: the metric did not run, or no variant got that far. */
export function missingMetric(run: RunResult, metric: string): string {
  return (run.metrics as readonly string[]).includes(metric)
    ? `no variant has ${metric} figures (see the failures below)`
    : `${metric} was not measured in this run (metrics: ${run.metrics.join(', ')})`;
}
