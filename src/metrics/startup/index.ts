import { PROBE_INTERVAL_MS } from '../../measure/http-probe.js';
import type { Sample } from '../../measure/sampler.js';
import type { SampleStatistics } from '../../measure/statistics.js';
import {
  present,
  RATIO_CSV_COLUMNS,
  ratioCell,
  ratioCells,
  ratioNote,
  timeCells,
  timed,
} from '../cells.js';
import { missingMetric, samplesPerVariant, VARIANT_COLOR } from '../charts.js';
import type {
  Chart,
  Column,
  FigureDefinition,
  Metric,
  VariantPart,
  VariantRow,
} from '../metric.js';
import { stats } from '../repeated.js';
import { figuresOf, type RunResult } from '../run-result.js';
import { type StartupDetail, startupSample } from './measure-startup.js';
import { type StartupResult, startupSchema } from './schema.js';

const START_TO_READY: FigureDefinition = {
  name: 'startup start→ready',
  unit: 'ms',
  metric: 'startup',
  turnsOn: 'none',
  engine: 'second',
  read: (f) => present([['startup start→ready', timed(f.startup?.startToReadyMs)]]),
};

const ms = (s: SampleStatistics | undefined) => (s ? `${s.p50.toFixed(1)} ms` : '–');

const column = (
  header: string,
  cell: (s: StartupResult | undefined) => string,
): Column<VariantRow> => ({ header, align: 'right', cell: ({ figures }) => cell(figures.startup) });

function startupNote(run: RunResult): string {
  const s = run.variants.map((v) => figuresOf(v).startup).find(Boolean);
  if (!s) return '';
  const counts = run.variants.flatMap((v) => figuresOf(v).startup?.startToReadyMs.n ?? []);
  const [fewest, most] = [Math.min(...counts), Math.max(...counts)];
  // Variants decided early leave the rounds (the Rounds column gives each one's).
  const n = fewest === most ? `${most}` : `${fewest} to ${most}`;
  return `Startup: ${n} samples per variant in shuffled rounds; ready = first HTTP 200 of the health path, polled from the host every ≤ ${s.probeIntervalMs} ms; outliers by ${s.startToReadyMs.outlierRule}.`;
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
    caption: `Every sample of container start → the first 200 from /healthz, polled from the host every few ms: a box (quartiles, whiskers to the extremes) over the dots of all samples, ${samplesPerVariant(run.variants.map((v) => figuresOf(v).startup?.startToReadyMs.n))}. The box marks no outliers: the table counts them, by one rule.`,
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
          sort: run.variants.map((v) => v.name),
          title: null,
          axis: { labelAngle: 0 },
        },
        y: { field: 'ms', type: 'quantitative', title: 'ms', scale: { zero: false } },
      },
      layer: [
        {
          // Whiskers to the extremes: which samples are outliers is the table's rule alone.
          mark: { type: 'boxplot', extent: 'min-max', opacity: 0.5 },
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

export const startup: Metric<'startup', VariantPart<'startup', typeof startupSchema, false>> = {
  name: 'startup',
  runsTheService: true,
  description:
    'container start → the first 200 of the ready path, on the second dockerd with the image just pulled',
  runsOn: 'second engine',
  inContainer: {
    measure: async (_engine, started) => startupSample(started),
    attach: (v, samples: Array<Sample<StartupDetail>>) => ({
      ...v,
      startup: {
        engine: 'isolated',
        probeIntervalMs: PROBE_INTERVAL_MS,
        startToReadyMs: stats(samples, (d) => d.startToReadyMs),
        createToReadyMs: stats(samples, (d) => d.createToReadyMs),
      },
    }),
    figures: [START_TO_READY.name],
  },
  result: { scope: 'variant', key: 'startup', schema: startupSchema, always: false },
  /**
   * Starts until the fastest is decided, at most 64 rounds: start→ready is
   * ~190 ms with a spread of ~20 ms from the engine (runc, namespaces, veth),
   * so variants of the same binary need many rounds to be told equal within
   * the margin; the interval narrows as 1/√N. A sample takes ~0.3 s with the
   * container's creation and removal.
   */
  samples: { default: 64, quick: 5, untilDecided: true, expectedMs: 300 },
  figures: [START_TO_READY],
  headlines: [
    {
      figure: START_TO_READY.name,
      question: 'Fastest start (start → ready)',
      column: {
        header: 'Start→ready p50',
        cell: (v) => (v.startup ? `${v.startup.startToReadyMs.p50.toFixed(0)} ms` : '–'),
      },
    },
  ],
  table: {
    table: 'runtime',
    includes: ({ figures }) => figures.startup !== undefined,
    columns: () => [
      column('Start→ready p50', (s) => ms(s?.startToReadyMs)),
      column('Rounds', (s) => (s ? String(s.startToReadyMs.n) : '–')),
      { header: '÷ ref', align: 'right', cell: (row) => ratioCell(row, START_TO_READY) },
      column('p95', (s) => (s ? `${s.startToReadyMs.p95.toFixed(1)} ms` : '–')),
      column('Outliers', (s) =>
        s ? `${s.startToReadyMs.outliers.length}/${s.startToReadyMs.n}` : '–',
      ),
      column('Create→ready p50', (s) => ms(s?.createToReadyMs)),
    ],
    note: (run) => {
      const note = startupNote(run);
      return note && note + ratioNote(run, START_TO_READY);
    },
  },
  csv: {
    columns: RATIO_CSV_COLUMNS,
    rows: (row) =>
      row.figures.startup
        ? [
            {
              scenario: 'start-to-ready',
              cells: {
                ...timeCells(row.figures.startup.startToReadyMs),
                ...ratioCells(row, START_TO_READY),
              },
            },
            { scenario: 'create-to-ready', cells: timeCells(row.figures.startup.createToReadyMs) },
          ]
        : [],
  },
  chart: startupChart,
};
