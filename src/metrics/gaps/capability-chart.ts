import { missingMetric, VARIANT_COLOR } from '../charts.js';
import type { Chart } from '../metric.js';
import { meets, NEED_WORDS, NEEDS } from '../needs.js';
import { figuresOf, type RunResult } from '../run-result.js';

/**
 * What each variant's bytes buy: the bytes a pull transfers (the image's
 * own size when pulls were not timed) against how many of the needs a
 * service may have (a CA bundle, time zones, a non-root user, a shell) the
 * image meets. The variants worth weighing sit up and to the left.
 */
export function capabilityChart(run: RunResult): Chart {
  const pulled = run.variants.some((v) => figuresOf(v).pull);
  const rows: Chart['rows'] = [];
  for (const v of run.variants) {
    const { gaps, size, pull } = figuresOf(v);
    if (!gaps || !size) continue;
    const bytes = pulled ? pull?.compressedBytes : size.sizeBytes;
    if (bytes === undefined) continue;
    const met = NEEDS.filter((n) => meets(gaps, n));
    rows.push({
      variant: v.name,
      MB: bytes / 1e6,
      needs: met.length,
      has: met.length ? met.map((n) => NEED_WORDS[n].has).join(', ') : 'none of them',
    });
  }
  // Points on one level, left to right, take turns above and below.
  for (const level of new Set(rows.map((r) => r.needs))) {
    rows
      .filter((r) => r.needs === level)
      .sort((a, b) => Number(a.MB) - Number(b.MB))
      .forEach((r, i) => {
        r.slot = i % 2;
      });
  }
  const what = pulled ? 'compressed (pull) size' : 'image size';
  return {
    id: 'capability',
    title: 'What the bytes buy',
    caption: `Each variant's ${what} against how many of ${NEEDS.map((n) => NEED_WORDS[n].has).join(', ')} its image has (measured in the image by the gaps metric). Size on a log axis, since the variants span orders of magnitude: read the figure beside each point, not the distance between points.`,
    rows,
    ...(rows.length ? {} : { missing: missingMetric(run, 'gaps') }),
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: 560,
      height: 220,
      data: { values: rows },
      encoding: {
        x: { field: 'MB', type: 'quantitative', scale: { type: 'log' }, title: `MB, ${what}` },
        y: {
          field: 'needs',
          type: 'quantitative',
          scale: { domain: [0, NEEDS.length] },
          axis: { tickMinStep: 1 },
          title: `needs met (of ${NEEDS.length})`,
        },
      },
      layer: [
        {
          name: 'data',
          mark: { type: 'point', size: 80, filled: true, tooltip: { content: 'data' } },
          encoding: { color: VARIANT_COLOR },
        },
        // Names above the point, or below it for every second point of a level, so that two close points stay readable.
        ...[0, 1].map((slot) => ({
          mark: {
            type: 'text' as const,
            dx: 6,
            dy: slot ? 14 : -8,
            align: 'left' as const,
            fontSize: 10,
          },
          transform: [
            { filter: `datum.slot === ${slot}` },
            { calculate: "datum.variant + ' ' + format(datum.MB, '.3~r') + ' MB'", as: 'label' },
          ],
          encoding: { text: { field: 'label', type: 'nominal' as const } },
        })),
      ],
    },
  };
}
