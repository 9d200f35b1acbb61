import type { Engine } from '../engine/engine.js';
import { LABEL_RUN_ID, LABEL_VARIANT } from '../engine/labels.js';
import { errorMessage, ImgbenchError } from '../errors.js';
import {
  DEFAULT_MEMORY_LOAD,
  DEFAULT_RUNTIME_OPTIONS,
  type MemoryDetail,
  measureMemory,
  measureStartup,
  type StartupDetail,
  StartupFailure,
} from '../measure/container-runtime.js';
import { PROBE_INTERVAL_MS } from '../measure/http-probe.js';
import { runRounds, type Sample } from '../measure/sampler.js';
import { summarize } from '../measure/statistics.js';
import type { RunOptions } from '../options.js';
import type {
  MemoryResult,
  RunResult,
  StartupResult,
  VariantFailure,
  VariantResult,
} from '../types.js';

export type RuntimeEvent = {
  metric: 'startup' | 'memory';
  variant: string;
  round: number;
  rounds: number;
  durationMs: number;
};

interface Context {
  engine: Engine;
  run: RunResult;
  options: RunOptions;
  /** Rewrites the run folder. */
  save: () => Promise<void>;
  onSample?: (event: RuntimeEvent) => void;
}

function failed(
  variant: VariantResult,
  stage: VariantFailure['stage'],
  error: unknown,
): VariantResult {
  const failure: VariantFailure = {
    stage,
    code: error instanceof ImgbenchError ? error.code : 'E_UNKNOWN',
    message: errorMessage(error),
  };
  if (error instanceof StartupFailure && error.logTail) failure.logTail = error.logTail;
  return { ...variant, state: 'failed', failure };
}

/**
 * Runs one repeated runtime metric over every variant still ok, in shuffled
 * rounds; a variant that cannot start or get ready becomes `failed` with the
 * runtime's words and its log tail, and the others go on.
 */
async function measureRepeated<T>(
  ctx: Context,
  metric: 'startup' | 'memory',
  rounds: number,
  measure: (image: string, labels: Record<string, string>) => Promise<Sample<T>>,
  attach: (
    variant: Extract<VariantResult, { state: 'ok' }>,
    samples: Array<Sample<T>>,
  ) => VariantResult,
): Promise<void> {
  const { run } = ctx;
  const ok = run.variants.filter((v) => v.state === 'ok');
  const { samples, failures } = await runRounds(
    ok.map((v) => v.name),
    (name) => {
      const variant = ok.find((v) => v.name === name) as (typeof ok)[number];
      return measure(variant.image, { [LABEL_RUN_ID]: run.runId, [LABEL_VARIANT]: name });
    },
    {
      rounds,
      onSample: (variant, round, durationMs) =>
        ctx.onSample?.({ metric, variant, round, rounds, durationMs }),
    },
  );
  run.variants = run.variants.map((v) => {
    if (v.state !== 'ok') return v;
    if (failures.has(v.name)) return failed(v, metric, failures.get(v.name));
    return attach(v, samples.get(v.name) ?? []);
  });
  await ctx.save();
}

const stats = <T>(samples: Array<Sample<T>>, pick: (d: T) => number) =>
  summarize(samples.map((s) => pick(s.detail)));

/** Startup and memory, for the metrics the run asked for. */
export async function measureRuntimeMetrics(ctx: Context): Promise<void> {
  const runtime = (labels: Record<string, string>) => ({ ...DEFAULT_RUNTIME_OPTIONS, labels });
  if (ctx.options.metrics.includes('startup')) {
    await measureRepeated<StartupDetail>(
      ctx,
      'startup',
      ctx.options.startupSamples,
      (image, labels) => measureStartup(ctx.engine, image, runtime(labels)),
      (v, samples) => {
        const startup: StartupResult = {
          engine: 'build',
          probeIntervalMs: PROBE_INTERVAL_MS,
          startToReadyMs: stats(samples, (d) => d.startToReadyMs),
          createToReadyMs: stats(samples, (d) => d.createToReadyMs),
        };
        return { ...v, startup };
      },
    );
  }
  if (ctx.options.metrics.includes('memory')) {
    const load = DEFAULT_MEMORY_LOAD;
    await measureRepeated<MemoryDetail>(
      ctx,
      'memory',
      ctx.options.memorySamples,
      (image, labels) => measureMemory(ctx.engine, image, runtime(labels), load),
      (v, samples) => {
        const peaks = samples.map((s) => s.detail.afterLoad.peakBytes);
        const memory: MemoryResult = {
          engine: 'build',
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
    );
  }
}
