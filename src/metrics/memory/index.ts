import { formatMB } from '../../format/format.js';
import type { Sample } from '../../measure/sampler.js';
import { type SampleStatistics, summarize } from '../../measure/statistics.js';
import { present, RATIO_CSV_COLUMNS, ratioCell, ratioCells, ratioNote, timed } from '../cells.js';
import { groupedBars, MB, missingMetric, samplesPerVariant } from '../charts.js';
import type { Chart, FigureDefinition, Metric, VariantPart } from '../metric.js';
import { stats } from '../repeated.js';
import { figuresOf, type RunResult } from '../run-result.js';
import { type MemoryDetail, measureMemory } from './measure-memory.js';
import { type MemoryResult, memorySchema } from './schema.js';

const MEMORY_FIGURES: FigureDefinition[] = [
  ['memory idle rss', (m: MemoryResult) => m.idleRssBytes] as const,
  ['memory load rss', (m: MemoryResult) => m.loadRssBytes] as const,
  ['memory peak', (m: MemoryResult) => m.peakBytes] as const,
].map(([name, pick]) => ({
  name,
  unit: 'bytes' as const,
  metric: 'memory',
  turnsOn: 'none' as const,
  engine: 'second' as const,
  read: (f) => present([[name, timed(f.memory ? pick(f.memory) : undefined, 'bytes')]]),
}));
const [IDLE_RSS, LOAD_RSS] = MEMORY_FIGURES as [FigureDefinition, FigureDefinition];

const mb = (s: SampleStatistics | undefined) => (s ? formatMB(s.p50) : '–');

/**
 * RSS after the load; with the count of requests that got no 2xx beside it
 * when there were any, so a figure is never read as the load's when the
 * service refused it.
 */
function loadCell(memory: MemoryResult | undefined): string {
  if (!memory) return '–';
  const sent = memory.load.requests * memory.loadRssBytes.n;
  return memory.loadFailures > 0
    ? `${mb(memory.loadRssBytes)} (${memory.loadFailures} of ${sent} GETs failed)`
    : mb(memory.loadRssBytes);
}

function memoryNote(run: RunResult): string {
  const m = run.variants.map((v) => figuresOf(v).memory).find(Boolean);
  if (!m) return '';
  const failing = run.variants.filter((v) => (figuresOf(v).memory?.loadFailures ?? 0) > 0);
  const after = failing.length
    ? `then after a load of ${m.load.requests} GETs of ${m.load.path} at concurrency ${m.load.concurrency}, of which some got no 2xx answer for ${failing.map((v) => v.name).join(', ')} (counted beside the figure: that load is not the one asked for; set the path with \`--load PATH\`)`
    : `then after ${m.load.requests} GETs of ${m.load.path} at concurrency ${m.load.concurrency}`;
  const shared = run.sampling?.memory?.sharedWith?.includes('startup')
    ? ', each read in the container whose start→ready a startup sample timed'
    : '';
  return `Memory: cgroup v${m.cgroupVersion} counters, anonymous memory (RSS) without page cache, ${m.idleRssBytes.n} samples${shared}; idle after ${m.load.settleMs} ms, ${after}.`;
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
    caption: `Median resident memory (anon RSS from the container’s cgroup, not page cache) idle after settling and after the fixed load, and the cgroup’s recorded peak; ${samplesPerVariant(run.variants.map((v) => figuresOf(v).memory?.loadRssBytes.n))}. Linear from zero, each bar labelled.`,
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

export const memory: Metric<'memory', VariantPart<'memory', typeof memorySchema, false>> = {
  name: 'memory',
  runsTheService: true,
  description:
    'the running service’s memory from its cgroup: idle after settling, after a fixed HTTP load, and the peak',
  runsOn: 'second engine',
  inContainer: {
    measure: (engine, started, ctx) => measureMemory(engine, started, ctx.options.service.load),
    attach: (v, samples: Array<Sample<MemoryDetail>>, ctx) => {
      const { load } = ctx.options.service;
      const peaks = samples.map((s) => s.detail.afterLoad.peakBytes);
      const memory: MemoryResult = {
        engine: 'isolated',
        cgroupVersion: samples[0]?.detail.idle.cgroupVersion ?? 1,
        load: {
          path: load.path,
          requests: load.requests,
          concurrency: load.concurrency,
          settleMs: load.settleMs,
        },
        loadFailures: samples.reduce((n, s) => n + s.detail.load.failures, 0),
        idleRssBytes: stats(samples, (d) => d.idle.rssBytes),
        idleCacheBytes: stats(samples, (d) => d.idle.cacheBytes),
        loadRssBytes: stats(samples, (d) => d.afterLoad.rssBytes),
        loadCacheBytes: stats(samples, (d) => d.afterLoad.cacheBytes),
      };
      if (peaks.every((p) => p !== undefined)) memory.peakBytes = summarize(peaks as number[]);
      return { ...v, memory };
    },
    figures: MEMORY_FIGURES.map((f) => f.name),
  },
  result: { scope: 'variant', key: 'memory', schema: memorySchema, always: false },
  /**
   * Samples until the least memory is decided, at most 48 rounds, looking
   * every 8 (8, 16, … 48). A sample is read in the container whose start a
   * startup sample times (measureContainers), so its own cost is the settle
   * (DEFAULT_SETTLE_MS) and the load: ~0.8 s of go-httpbin's, against ~1.5 s
   * with a container of its own (runs before 2026-12-08). RSS after the load
   * is bimodal: one sample in five to one in four of the same image ends
   * 0.5 MB (9 %) higher, as the garbage collector's cycle falls, so two
   * variants of the same binary are told equal within ±5 % only when the
   * interval's rank clears that share: 16 rounds did not (run
   * 20261207-054035-6e49); replayed on the 32 rounds of run
   * 20261207-055700-4758, 20 did and 18 did not; the sample service's run
   * 20261207-213630-fe9e and go-httpbin's 20261207-201811-c493 were still
   * open at 32, the latter's own estimate 33. Steps of 8 look where these
   * runs decide; the budget, not a cap below what the noise needs, ends a
   * run that cannot afford more.
   */
  samples: { default: 48, quick: 2, untilDecided: true, looksEvery: 8, expectedMs: 800 },
  figures: MEMORY_FIGURES,
  headlines: [
    { figure: IDLE_RSS.name },
    {
      figure: LOAD_RSS.name,
      question: 'Least memory after the load',
      // The README's column is the figure the answer decides on.
      column: {
        header: 'RSS after load p50',
        cell: (v) => (v.memory ? formatMB(v.memory.loadRssBytes.p50) : '–'),
      },
    },
  ],
  table: {
    table: 'runtime',
    includes: ({ figures }) => figures.memory !== undefined,
    columns: () => [
      {
        header: 'Idle RSS p50',
        align: 'right',
        cell: ({ figures }) => mb(figures.memory?.idleRssBytes),
      },
      {
        header: 'RSS after load p50',
        align: 'right',
        cell: ({ figures }) => loadCell(figures.memory),
      },
      { header: '÷ ref', align: 'right', cell: (row) => ratioCell(row, LOAD_RSS) },
      { header: 'Peak p50', align: 'right', cell: ({ figures }) => mb(figures.memory?.peakBytes) },
    ],
    note: (run) => {
      const note = memoryNote(run);
      return note && note + ratioNote(run, LOAD_RSS);
    },
  },
  csv: {
    columns: ['rss_p50_bytes', 'cache_p50_bytes', 'peak_p50_bytes', ...RATIO_CSV_COLUMNS],
    rows: (row) => {
      const m = row.figures.memory;
      return m
        ? [
            {
              scenario: 'idle',
              cells: {
                samples: m.idleRssBytes.n,
                rss_p50_bytes: m.idleRssBytes.p50,
                cache_p50_bytes: m.idleCacheBytes.p50,
                ...ratioCells(row, IDLE_RSS),
              },
            },
            {
              scenario: 'after-load',
              cells: {
                samples: m.loadRssBytes.n,
                rss_p50_bytes: m.loadRssBytes.p50,
                cache_p50_bytes: m.loadCacheBytes.p50,
                ...(m.peakBytes ? { peak_p50_bytes: m.peakBytes.p50 } : {}),
                ...ratioCells(row, LOAD_RSS),
              },
            },
          ]
        : [];
    },
  },
  chart: memoryChart,
};
