import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { Chart } from '../metrics/metric.js';
import { metricList } from '../metrics/registry.js';
import type { RunResult } from '../metrics/run-result.js';
import { decisionChart } from './decision-chart.js';

export type { Chart } from '../metrics/metric.js';

/** The report's charts: how the answer was decided, then one per metric that has one, in registry order. */
export function chartsOf(run: RunResult): Chart[] {
  return [decisionChart(run), ...metricList().flatMap((m) => (m.chart ? [m.chart(run)] : []))];
}

/**
 * The chart as an SVG document, rendered by Vega without a browser or a
 * canvas (text widths are estimated), so the page needs no script.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
