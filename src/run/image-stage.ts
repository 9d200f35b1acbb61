import type { BaseImage } from '../bases/base-roles.js';
import type { Engine } from '../engine/engine.js';
import { LABEL_RUN_ID, LABEL_SERVICE, LABEL_VARIANT, managedLabels } from '../engine/labels.js';
import { MeasuredFailure } from '../errors.js';
import { type ColdBuilds, scenarioRun } from '../measure/build-scenarios.js';
import { shuffled } from '../measure/sampler.js';
import type { Metric, StageContext } from '../metrics/metric.js';
import { METRICS, metricList } from '../metrics/registry.js';
import { buildArgsFor } from '../metrics/repeated.js';
import { toFailure } from '../metrics/variant-failure.js';
import { buildService } from '../service/build-context.js';
import type { RunResult, VariantFigures, VariantIdentity, VariantResult } from '../types.js';
import type { Variant } from '../variants/variant-catalog.js';

export interface VariantEvents {
  onVariantStart?: (name: string, index: number, total: number) => void;
  onVariantDone?: (result: VariantResult, index: number, total: number) => void;
}

export function identity(variant: Variant, tag: string, bases: BaseImage[]): VariantIdentity {
  return {
    name: variant.name,
    description: variant.description,
    source: variant.source,
    image: tag,
    bases: bases.filter((b) => variant.baseRoles.includes(b.role)),
    ...(variant.runtimeRole !== undefined && { runtimeBase: variant.runtimeRole }),
    ...(variant.own && { own: variant.own }),
  };
}

/** The metrics that measure each image right after its build: those asked for, and size always. */
function imageMetrics(ctx: StageContext): Array<Extract<Metric, { when: 'after each build' }>> {
  return metricList().flatMap((m) =>
    'when' in m &&
    m.when === 'after each build' &&
    ((m.result.scope === 'variant' && m.result.always) ||
      (ctx.options.metrics as readonly string[]).includes(m.name))
      ? [m]
      : [],
  );
}

/**
 * Builds one variant and measures its image. With the build metric on, the
 * build is a cold one (no cache, as the build metric's cold scenario, from
 * the same copy of the service) and its duration and steps go to
 * `cold.runs`: it is the first cold sample, so a run does not compile every
 * variant once more only to measure its size.
 */
async function buildVariant(
  ctx: StageContext,
  variant: Variant,
  id: VariantIdentity,
  cold?: ColdBuilds,
): Promise<VariantResult> {
  const { engine, options, runId } = ctx;
  const previous = await engine.inspectImage(id.image);
  let outcome: Awaited<ReturnType<Engine['build']>>;
  try {
    outcome = await buildService(engine, {
      source: cold ? { ...options.source, contextDir: cold.serviceCopy } : options.source,
      dockerfile: variant.dockerfile,
      fallbackIgnoreFile: options.fallbackIgnoreFile,
      ...(variant.ignoreFile ? { variantIgnoreFile: variant.ignoreFile } : {}),
      tag: id.image,
      buildArgs: buildArgsFor(id, options),
      labels: managedLabels('variant-image', {
        [LABEL_RUN_ID]: runId,
        [LABEL_VARIANT]: variant.name,
        [LABEL_SERVICE]: options.serviceDir,
      }),
      timeoutMs: options.timeouts.build,
      noCache: cold !== undefined,
    });
  } catch (error) {
    return { ...id, state: 'failed', failure: toFailure('build', error) };
  }
  cold?.runs.set(variant.name, scenarioRun(outcome));
  // The tag moved to the new image; the one it left is ours and now unnamed.
  if (previous && previous.id !== outcome.imageId) {
    await engine.removeImage(previous.id).catch(() => {});
  }
  const steps = outcome.transcript.steps;
  const figures: Partial<VariantFigures> = {
    imageId: outcome.imageId,
    build: {
      durationMs: outcome.durationMs,
      steps: steps.length,
      cachedSteps: steps.filter((s) => s.cached).length,
    },
  };
  const labels = { [LABEL_RUN_ID]: runId, [LABEL_VARIANT]: variant.name };
  for (const metric of imageMetrics(ctx)) {
    if (metric.result.scope !== 'variant') continue;
    try {
      const value = await metric.measureImage(ctx, {
        variant: variant.name,
        imageId: outcome.imageId,
        figures,
        labels,
      });
      if (value !== undefined) Object.assign(figures, { [metric.result.key]: value });
    } catch (error) {
      // A measurement that found the image wanting keeps its figures, failed at its own stage.
      if (error instanceof MeasuredFailure) {
        return {
          ...id,
          state: 'failed',
          failure: toFailure(METRICS.find((m) => m === metric.name) ?? 'measure', error),
          ...figures,
          [metric.result.key]: error.measured,
        };
      }
      return { ...id, state: 'failed', failure: toFailure('measure', error) };
    }
  }
  return { ...id, state: 'ok', ...(figures as VariantFigures) };
}

/**
 * Builds and measures each variant, rewriting the run folder after every
 * one; under `--bail` the first that fails ends the stage (the rest stay
 * pending). With the build metric on, the builds go in shuffled order, as
 * the build metric's other rounds do.
 */
export async function buildAndMeasureImages(
  ctx: StageContext,
  start: RunResult,
  events: VariantEvents = {},
): Promise<RunResult> {
  const { cold } = ctx;
  const order = cold ? shuffled([...ctx.variants.keys()]) : [...ctx.variants.keys()];
  let run = start;
  for (const [position, index] of order.entries()) {
    const variant = ctx.variants[index] as Variant;
    const total = ctx.variants.length;
    events.onVariantStart?.(variant.name, position, total);
    // Still pending: its identity, which the result keeps.
    const id = run.variants[index] as VariantIdentity;
    const result = await buildVariant(ctx, variant, id, cold);
    run = { ...run, variants: run.variants.map((v, i) => (i === index ? result : v)) };
    await ctx.save(run);
    events.onVariantDone?.(result, position, total);
    if (result.state === 'failed' && ctx.options.bail) break;
  }
  return run;
}
