import type { SampleStatistics } from '../measure/statistics.js';
import { figuresOf, type MemoryResult, type RunResult } from '../types.js';
import { formatMB } from './format.js';

export const RUNTIME_COLUMNS = [
  'Variant',
  'Start→ready p50',
  '± p50',
  'p95',
  '± mean',
  'Outliers',
  'Create→ready p50',
  'Idle RSS p50',
  'RSS after load p50',
  'Peak p50',
] as const;

const ms = (s: SampleStatistics | undefined) => (s ? `${s.p50.toFixed(1)} ms` : '–');
const pct = (s: SampleStatistics | undefined) =>
  s && Number.isFinite(s.rme) ? `${s.rme.toFixed(1)} %` : '–';
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

export function hasRuntimeFigures(run: RunResult): boolean {
  return run.variants.some((v) => figuresOf(v).startup || figuresOf(v).memory);
}

/** One row per variant that has startup or memory figures, in RUNTIME_COLUMNS order. */
export function runtimeRows(run: RunResult): string[][] {
  return run.variants
    .filter((v) => figuresOf(v).startup || figuresOf(v).memory)
    .map((variant) => {
      const v = figuresOf(variant);
      const start = v.startup?.startToReadyMs;
      return [
        variant.name,
        ms(start),
        start?.medianRme !== undefined ? `${start.medianRme.toFixed(1)} %` : '–',
        start ? `${start.p95.toFixed(1)} ms` : '–',
        pct(start),
        start ? `${start.outliers.length}/${start.n}` : '–',
        ms(v.startup?.createToReadyMs),
        mb(v.memory?.idleRssBytes),
        loadCell(v.memory),
        mb(v.memory?.peakBytes),
      ];
    });
}

/** What the runtime figures mean, in one paragraph under the table. */
export function runtimeNote(run: RunResult): string {
  const withStartup = run.variants.map((v) => figuresOf(v).startup).find(Boolean);
  const withMemory = run.variants.map((v) => figuresOf(v).memory).find(Boolean);
  const parts: string[] = [];
  if (withStartup) {
    parts.push(
      `Startup: ${withStartup.startToReadyMs.n} samples per variant in shuffled rounds; ready = first HTTP 200 of the health path, polled from the host every ≤ ${withStartup.probeIntervalMs} ms; ± p50 is half the distribution-free 95 % confidence interval of the median (order statistics), ± mean the 95 % margin of error of the mean (Student's t), both in % of the figure; outliers by ${withStartup.startToReadyMs.outlierRule}.`,
    );
  }
  if (withMemory) {
    const failing = run.variants.filter((v) => (figuresOf(v).memory?.loadFailures ?? 0) > 0);
    const after = failing.length
      ? `then after a load of ${withMemory.load.requests} GETs of ${withMemory.load.path} at concurrency ${withMemory.load.concurrency}, of which some got no 2xx answer for ${failing.map((v) => v.name).join(', ')} (counted beside the figure: that load is not the one asked for; set the path with \`--load PATH\`)`
      : `then after ${withMemory.load.requests} GETs of ${withMemory.load.path} at concurrency ${withMemory.load.concurrency}`;
    parts.push(
      `Memory: cgroup v${withMemory.cgroupVersion} counters, anonymous memory (RSS) without page cache, ${withMemory.idleRssBytes.n} samples; idle after ${withMemory.load.settleMs} ms, ${after}.`,
    );
  }
  return parts.join(' ');
}
