import type { TopLevelSpec } from 'vega-lite';
import type { Chart } from './metric.js';
import type { RunResult } from './run-result.js';

export const MB = 1e6;
export const VARIANT_COLOR = { field: 'variant', type: 'nominal', legend: null } as const;

/** Above this ratio of the largest value to the smallest, a second panel zooms on the small ones. */
export const ZOOM_RATIO = 20;

/**
 * A grouped bar chart on a linear axis from zero: one group per variant, one
 * bar per `series`, each bar labelled with its value. Where the values span
 * more than ZOOM_RATIO, a second panel draws the variants whose values are
 * all under a tenth of the largest on an axis of their own, so that a 6 MB
 * image beside a 1 GB one can be read (its marks are named `zoom`, the first
 * panel's `data`: one mark per row in `data`).
 */
export function groupedBars(
  rows: Chart['rows'],
  options: { series: string; value: string; unit: string; order: string[] },
): TopLevelSpec {
  const values = rows.map((r) => Number(r[options.value])).filter((v) => v > 0);
  const largest = Math.max(...values, 0);
  const smallest = Math.min(...values, largest);
  const encoding = {
    x: { field: 'variant', type: 'nominal', sort: null, title: null, axis: { labelAngle: 0 } },
    xOffset: { field: options.series, type: 'nominal', sort: options.order },
    y: { field: options.value, type: 'quantitative', title: options.unit },
  } as const;
  const panel = (name: string, data: Chart['rows'], height: number, title?: string) => ({
    ...(title ? { title: { text: title, fontSize: 11, anchor: 'start' as const } } : {}),
    width: 560,
    height,
    data: { values: data },
    layer: [
      {
        // `name` becomes the marks' class in the SVG, so a reader (or a test) can tell data from decoration.
        name,
        mark: { type: 'bar' as const, tooltip: true },
        encoding: {
          ...encoding,
          color: {
            field: options.series,
            type: 'nominal' as const,
            sort: options.order,
            title: null,
            legend: { orient: 'top' as const, labelLimit: 240 },
          },
        },
      },
      {
        name: `${name}_labels`,
        mark: { type: 'text' as const, dy: -4, fontSize: 9 },
        // As the tables print figures: three significant digits, whole numbers from 1000.
        transform: [
          {
            calculate: `datum['${options.value}'] >= 1000 ? format(datum['${options.value}'], '.0f') : format(datum['${options.value}'], '.3~r')`,
            as: 'label',
          },
        ],
        encoding: { ...encoding, text: { field: 'label', type: 'nominal' as const } },
      },
    ],
  });
  const small = [
    ...new Set(
      rows
        .filter((r) =>
          rows
            .filter((o) => o.variant === r.variant)
            .every((o) => Number(o[options.value]) < largest / 10),
        )
        .map((r) => r.variant),
    ),
  ];
  const zoom =
    smallest > 0 && largest / smallest > ZOOM_RATIO && small.length > 0
      ? rows.filter((r) => small.includes(r.variant as string))
      : [];
  const $schema = 'https://vega.github.io/schema/vega-lite/v6.json';
  if (zoom.length === 0) return { $schema, ...panel('data', rows, 260) } as TopLevelSpec;
  return {
    $schema,
    vconcat: [
      panel('data', rows, 220),
      panel('zoom', zoom, 180, `The same, zoomed on the variants under a tenth of the largest`),
    ],
    resolve: { scale: { y: 'independent' } },
  } as TopLevelSpec;
}

/** `n = 7 per variant`, or `n = 7 to 64 per variant` where some variants stopped sampling early. */
export function samplesPerVariant(counts: ReadonlyArray<number | undefined>): string {
  const ns = counts.filter((n): n is number => n !== undefined && n > 0);
  if (ns.length === 0) return 'no samples';
  const [lo, hi] = [Math.min(...ns), Math.max(...ns)];
  return lo === hi ? `n = ${lo} per variant` : `n = ${lo} to ${hi} per variant`;
}

/** Why a chart has no rows: the metric did not run, or no variant got that far. */
export function missingMetric(run: RunResult, metric: string): string {
  return (run.metrics as readonly string[]).includes(metric)
    ? `no variant has ${metric} figures (see the failures below)`
    : `${metric} was not measured in this run (metrics: ${run.metrics.join(', ')})`;
}
