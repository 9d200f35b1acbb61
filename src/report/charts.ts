import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { BUILD_SCENARIOS } from '../measure/build-scenarios.js';
import { figuresOf, type RunResult } from '../types.js';

/** One chart of the HTML report: a Vega-Lite spec over rows taken from the run. */
export interface Chart {
  /** Stable id, also the `id` of the chart's figure in the page. */
  id: 'size' | 'build' | 'pull' | 'startup' | 'memory';
  title: string;
  /** What is plotted and how to read it. */
  caption: string;
  /** The rows plotted; empty when the run has no figures for it. */
  rows: Array<Record<string, string | number>>;
  /** Why there are no rows (the metric did not run, or no variant got that far). */
  missing?: string;
  spec: TopLevelSpec;
}

const MB = 1e6;
const VARIANT_COLOR = { field: 'variant', type: 'nominal', legend: null } as const;

/** A grouped bar chart: one group per variant, one bar per `series`, `value` on a log scale when asked. */
function groupedBars(
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

/** The variants in run order, for every chart's x axis. */
const variantOrder = (run: RunResult) => run.variants.map((v) => v.name);

function sizeChart(run: RunResult): Chart {
  const rows: Chart['rows'] = [];
  for (const v of run.variants) {
    const f = figuresOf(v);
    if (!f.size) continue;
    rows.push({ variant: v.name, kind: 'image (uncompressed)', MB: f.size.sizeBytes / MB });
    if (f.pull)
      rows.push({ variant: v.name, kind: 'pull (compressed)', MB: f.pull.compressedBytes / MB });
    rows.push({ variant: v.name, kind: 'binary', MB: f.size.binary.sizeBytes / MB });
  }
  const order = ['image (uncompressed)', 'pull (compressed)', 'binary'];
  return {
    id: 'size',
    title: 'Image size',
    caption:
      'Uncompressed image size as `docker image inspect` reports it, the bytes a pull transfers (config and compressed layers, from the registry’s manifest; when pull ran), and the service binary. MB = 10^6 bytes; log scale.',
    rows,
    ...(rows.length ? {} : { missing: 'no variant was built' }),
    spec: groupedBars(rows, { series: 'kind', value: 'MB', unit: 'MB (log)', log: true, order }),
  };
}

function buildChart(run: RunResult): Chart {
  const rows: Chart['rows'] = [];
  for (const v of run.variants) {
    const builds = figuresOf(v).builds;
    if (!builds) continue;
    for (const scenario of BUILD_SCENARIOS) {
      rows.push({ variant: v.name, scenario, seconds: builds[scenario].durationMs.p50 / 1000 });
    }
  }
  return {
    id: 'build',
    title: 'Build time by scenario',
    caption:
      'Median build time: cold (no build cache; base images present), warm (after a one-line change to a .go file), no-op (nothing changed).',
    rows,
    ...(rows.length ? {} : { missing: missingMetric(run, 'build') }),
    spec: groupedBars(rows, {
      series: 'scenario',
      value: 'seconds',
      unit: 'seconds (median)',
      order: [...BUILD_SCENARIOS],
    }),
  };
}

function pullChart(run: RunResult): Chart {
  const rows: Chart['rows'] = [];
  const links: string[] = [];
  for (const v of run.variants) {
    for (const link of figuresOf(v).pull?.links ?? []) {
      if (!links.includes(link.link)) links.push(link.link);
      rows.push({ variant: v.name, link: link.link, seconds: link.durationMs.p50 / 1000 });
    }
  }
  return {
    id: 'pull',
    title: 'Cold pull time per link',
    caption:
      'Median cold pull (request → image ready) into an emptied second dockerd, per link: unlimited loopback and any link shaped with tc. Log scale.',
    rows,
    ...(rows.length ? {} : { missing: missingMetric(run, 'pull') }),
    spec: groupedBars(rows, {
      series: 'link',
      value: 'seconds',
      unit: 'seconds (median, log)',
      log: true,
      order: links,
    }),
  };
}

function startupChart(run: RunResult): Chart {
  const rows: Chart['rows'] = [];
  for (const v of run.variants) {
    for (const ms of figuresOf(v).startup?.startToReadyMs.samples ?? []) {
      rows.push({ variant: v.name, ms });
    }
  }
  return {
    id: 'startup',
    title: 'Startup: start → first HTTP 200',
    caption:
      'Every sample of container start → the first 200 from /healthz, polled from the host every few ms: a box (quartiles, whiskers to 1.5 × IQR) over the dots of all samples.',
    rows,
    ...(rows.length ? {} : { missing: missingMetric(run, 'startup') }),
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: 560,
      height: 260,
      data: { values: rows },
      encoding: {
        x: {
          field: 'variant',
          type: 'nominal',
          sort: variantOrder(run),
          title: null,
          axis: { labelAngle: 0 },
        },
        y: { field: 'ms', type: 'quantitative', title: 'ms', scale: { zero: false } },
      },
      layer: [
        {
          mark: { type: 'boxplot', extent: 1.5, opacity: 0.5 },
          encoding: { color: VARIANT_COLOR },
        },
        {
          name: 'data',
          mark: { type: 'point', size: 12, opacity: 0.6, filled: true, tooltip: true },
          encoding: { color: VARIANT_COLOR },
        },
      ],
    },
  };
}

function memoryChart(run: RunResult): Chart {
  const rows: Chart['rows'] = [];
  for (const v of run.variants) {
    const memory = figuresOf(v).memory;
    if (!memory) continue;
    rows.push({ variant: v.name, reading: 'idle RSS', MB: memory.idleRssBytes.p50 / MB });
    rows.push({ variant: v.name, reading: 'RSS after load', MB: memory.loadRssBytes.p50 / MB });
    if (memory.peakBytes)
      rows.push({ variant: v.name, reading: 'peak', MB: memory.peakBytes.p50 / MB });
  }
  return {
    id: 'memory',
    title: 'Memory of the running service',
    caption:
      'Median resident memory (anon RSS from the container’s cgroup, not page cache) idle after settling and after the fixed load, and the cgroup’s recorded peak.',
    rows,
    ...(rows.length ? {} : { missing: missingMetric(run, 'memory') }),
    spec: groupedBars(rows, {
      series: 'reading',
      value: 'MB',
      unit: 'MB (median)',
      order: ['idle RSS', 'RSS after load', 'peak'],
    }),
  };
}

function missingMetric(run: RunResult, metric: string): string {
  return run.metrics.includes(metric as never)
    ? `no variant has ${metric} figures (see the failures below)`
    : `${metric} was not measured in this run (metrics: ${run.metrics.join(', ')})`;
}

/** The report's five charts, in reading order. */
export function chartsOf(run: RunResult): Chart[] {
  return [sizeChart(run), buildChart(run), pullChart(run), startupChart(run), memoryChart(run)];
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
