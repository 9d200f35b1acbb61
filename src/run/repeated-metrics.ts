import { BASE_BUILD_ARGS } from '../bases/base-roles.js';
import type { Engine } from '../engine/engine.js';
import { LABEL_RUN_ID, LABEL_VARIANT, managedLabels } from '../engine/labels.js';
import type { HostChanges } from '../exec/host-changes.js';
import {
  type BUILD_SCENARIOS,
  type BuildRoundDetail,
  buildRound,
  type ColdBuilds,
} from '../measure/build-scenarios.js';
import { runRounds, type Sample } from '../measure/sampler.js';
import { summarize } from '../measure/statistics.js';
import type { RunOptions } from '../options.js';
import type { PullSite } from '../pull/pull-site.js';
import type {
  BuildMetricResult,
  RunResult,
  VariantFailure,
  VariantIdentity,
  VariantResult,
} from '../types.js';
import { ISOLATED_METRICS } from '../types.js';
import type { Variant } from '../variants/variant-catalog.js';
import { measureOnIsolatedEngine } from './isolated-stage.js';
import { toFailure } from './variant-failure.js';

export type RepeatedMetric = 'build' | 'pull' | 'startup' | 'memory';
export type SampleEvent = {
  metric: RepeatedMetric;
  variant: string;
  round: number;
  rounds: number;
  durationMs: number;
  /** What else tells the samples apart, e.g. the link of a pull. */
  note?: string;
};

export type OkVariant = Extract<VariantResult, { state: 'ok' }>;

export interface Context {
  engine: Engine;
  run: RunResult;
  options: RunOptions;
  /** The catalogue entries of the run's variants (Dockerfiles). */
  variants: readonly Variant[];
  /** Rewrites the run folder; writes nothing once a signal has stopped the run. */
  save: () => Promise<void>;
  /** What the run has in place on the host, undone on SIGINT/SIGTERM (`host-changes.json`). */
  changes: HostChanges;
  /** With the build metric on: the run's service copy and the size phase's cold builds. */
  cold?: ColdBuilds;
  onSample?: (event: SampleEvent) => void;
  /** A step that is not a sample: starting the registry, pushing a variant. */
  onStage?: (message: string) => void;
  /** Where pull, startup and memory run: the run's registry and a second dockerd. */
  pullSite: PullSite;
  /** Wraps the isolated engine once it is up, as `engine` was wrapped (the bench times calls). */
  wrapEngine?: (engine: Engine) => Engine;
}

/** Build ARGs of a variant: its base images and the main package. */
export function buildArgsFor(id: VariantIdentity, mainPackage: string): Record<string, string> {
  const args: Record<string, string> = { MAIN_PKG: mainPackage };
  for (const base of id.bases) args[BASE_BUILD_ARGS[base.role]] = base.image;
  return args;
}

export function failed(
  variant: OkVariant,
  stage: VariantFailure['stage'],
  error: unknown,
): VariantResult {
  return { ...variant, state: 'failed', failure: toFailure(stage, error) };
}

/**
 * Runs one repeated metric over every variant still ok, in shuffled rounds;
 * a variant whose measurement fails becomes `failed` with the reason and its
 * log tail, and the others go on.
 */
export async function measureRepeated<T>(
  ctx: Context,
  metric: RepeatedMetric,
  rounds: number,
  measure: (
    variant: OkVariant,
    labels: Record<string, string>,
    round: number,
  ) => Promise<Sample<T>>,
  attach: (variant: OkVariant, samples: Array<Sample<T>>) => VariantResult,
  note?: string,
): Promise<void> {
  const { run } = ctx;
  const ok = run.variants.filter((v): v is OkVariant => v.state === 'ok');
  const roundOf = new Map<string, number>();
  const { samples, failures } = await runRounds(
    ok.map((v) => v.name),
    (name) => {
      const variant = ok.find((v) => v.name === name) as OkVariant;
      const round = roundOf.get(name) ?? 0;
      roundOf.set(name, round + 1);
      return measure(variant, { [LABEL_RUN_ID]: run.runId, [LABEL_VARIANT]: name }, round);
    },
    {
      rounds,
      stopAfterFailure: ctx.options.bail,
      onSample: (variant, round, durationMs) =>
        ctx.onSample?.({
          metric,
          variant,
          round,
          rounds,
          durationMs,
          ...(note ? { note } : {}),
        }),
    },
  );
  run.variants = run.variants.map((v) => {
    if (v.state !== 'ok') return v;
    if (failures.has(v.name))
      return failed(v, metric === 'build' ? 'build-scenarios' : metric, failures.get(v.name));
    return attach(v, samples.get(v.name) ?? []);
  });
  await ctx.save();
}

export const stats = <T>(samples: Array<Sample<T>>, pick: (d: T) => number) =>
  summarize(samples.map((s) => pick(s.detail)));

/** The build scenarios, on the run's copy of the service (the warm one edits it, never the user's tree). */
async function measureBuilds(ctx: Context, cold: ColdBuilds): Promise<void> {
  const { options } = ctx;
  const removeBuildImages = async () => {
    for (const image of await ctx.engine.listImages(
      managedLabels('build-metric-image', { [LABEL_RUN_ID]: ctx.run.runId }),
    )) {
      await ctx.engine.removeImage(image.id).catch(() => {});
    }
  };
  await ctx.changes.during("the build scenarios' images", removeBuildImages, () =>
    measureRepeated<BuildRoundDetail>(
      ctx,
      'build',
      options.buildSamples,
      (variant, labels, round) => {
        const entry = ctx.variants.find((v) => v.name === variant.name);
        const dockerfile = entry?.dockerfile ?? '';
        return buildRound(
          {
            engine: ctx.engine,
            serviceDir: cold.serviceCopy,
            mainPackage: options.mainPackage,
            dockerfile,
            fallbackIgnoreFile: options.fallbackIgnoreFile,
            ...(entry?.ignoreFile ? { variantIgnoreFile: entry.ignoreFile } : {}),
            // A tag of its own: the measured image keeps its tag, and these are removed after.
            tag: `${variant.image.replace(/:.*$/, '')}-build-metric:${variant.name}`,
            buildArgs: buildArgsFor(variant, options.mainPackage),
            labels: managedLabels('build-metric-image', labels),
            timeoutMs: options.timeouts.build,
          },
          `run ${ctx.run.runId} round ${round + 1} ${variant.name}`,
          round === 0 ? cold.runs.get(variant.name) : undefined,
        );
      },
      (v, samples) => {
        const scenario = (name: (typeof BUILD_SCENARIOS)[number]) => {
          const runs = samples.map((s) => s.detail[name]);
          const hits = runs.map((r) => r.moduleLayerCached);
          return {
            durationMs: summarize(runs.map((r) => r.durationMs)),
            ...(hits.every((h) => h === undefined)
              ? {}
              : { moduleLayerCached: hits.every((h) => h === true) }),
            steps: runs.at(-1)?.steps ?? [],
          };
        };
        const builds: BuildMetricResult = {
          edit: `a comment line appended to the first .go file of the main package (\`${options.mainPackage}\`)`,
          firstColdIsImageBuild: cold.runs.has(v.name),
          cold: scenario('cold'),
          'no-op': scenario('no-op'),
          warm: scenario('warm'),
        };
        return { ...v, builds };
      },
    ),
  );
}

/**
 * Under `--bail`, whether a variant has failed: then the run stops, marked
 * `stoppedBy: 'bail'`, and no later step starts.
 */
export function bailed(ctx: { options: RunOptions; run: RunResult }): boolean {
  if (!ctx.options.bail || !ctx.run.variants.some((v) => v.state === 'failed')) return false;
  ctx.run.stoppedBy = 'bail';
  return true;
}

/**
 * Build scenarios on the build engine, then pull, startup and memory on the
 * isolated engine, for the metrics the run asked for, in that order.
 */
export async function measureRepeatedMetrics(ctx: Context): Promise<void> {
  if (bailed(ctx)) return;
  if (ctx.options.metrics.includes('build')) {
    if (!ctx.cold) throw new Error('the build metric needs the run’s service copy (`cold`)');
    await measureBuilds(ctx, ctx.cold);
  }
  if (bailed(ctx)) return;
  if (ctx.options.metrics.some((m) => ISOLATED_METRICS.includes(m))) {
    await measureOnIsolatedEngine(ctx);
  }
}
