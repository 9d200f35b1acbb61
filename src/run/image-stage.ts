import type { BaseImage } from '../bases/base-roles.js';
import type { Engine } from '../engine/engine.js';
import { LABEL_RUN_ID, LABEL_SERVICE, LABEL_VARIANT, managedLabels } from '../engine/labels.js';
import { errorMessage, MeasuredFailure } from '../errors.js';
import { shuffled } from '../measure/sampler.js';
import { ProbeExited, probeService, READY_PATH_CANDIDATES } from '../measure/service-probe.js';
import { type ColdBuilds, scenarioRun } from '../metrics/build/scenarios.js';
import type { Metric, StageContext } from '../metrics/metric.js';
import { METRICS, metricList } from '../metrics/registry.js';
import { buildArgsFor } from '../metrics/repeated.js';
import type {
  RunResult,
  VariantFigures,
  VariantIdentity,
  VariantResult,
} from '../metrics/run-result.js';
import { toFailure } from '../metrics/variant-failure.js';
import { buildService } from '../service/build-context.js';
import { cacheMountScope } from '../service/cache-mounts.js';
import { formatReady, recordedServiceSettings, withFound } from '../service/service-settings.js';
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

/** Whether the service's port or ready path is still to be found, and a metric that runs it was asked for. */
const probeWanted = (ctx: StageContext): boolean =>
  ctx.options.service.toFind.length > 0 &&
  metricList().some(
    (m) => m.runsTheService && (ctx.options.metrics as readonly string[]).includes(m.name),
  );

/** Where the search for the service's settings stands; set once it failed for good. */
interface ServiceSearch {
  notFound?: Error;
}

/**
 * Finds the settings not given by starting `image` once, and puts them in
 * `ctx.options.service` for every later step. An image whose container
 * exits first is that image's failure (gaps and startup record it): the
 * next image built is asked. Resolves with the error when the service ran
 * but its settings could not be found.
 */
async function findServiceSettings(
  ctx: StageContext,
  image: string,
  labels: Record<string, string>,
): Promise<Error | undefined> {
  const { service } = ctx.options;
  try {
    const found = await probeService(ctx.engine, image, {
      settings: service,
      timeoutMs: ctx.options.timeouts.ready,
      labels,
    });
    ctx.options = { ...ctx.options, service: withFound(service, found) };
    const said = [
      service.toFind.includes('port') &&
        `port ${found.port}${found.listening.length > 1 ? ` (it listens on ${found.listening.join(', ')})` : ''}`,
      service.toFind.includes('ready') &&
        (found.ready.kind === 'http'
          ? `ready path ${found.ready.path} (the first of ${READY_PATH_CANDIDATES.join(' ')} to answer 200)`
          : `ready check tcp (${found.tcpBecause ?? 'no HTTP path answers 200'})`),
    ].filter(Boolean);
    ctx.onStage?.(
      `service: found ${said.join(' and ')} by starting \`${image}\` once; \`--port ${found.port} --ready ${formatReady(found.ready)}\` skips this`,
    );
    return undefined;
  } catch (error) {
    if (error instanceof ProbeExited) {
      ctx.onStage?.(
        `service: \`${image}\` exited before it listened (${errorMessage(error)}); its port and ready path are looked for on the next image`,
      );
      return undefined;
    }
    return error instanceof Error ? error : new Error(String(error));
  }
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
  search: ServiceSearch,
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
      cacheMountScope: cacheMountScope(runId, variant.name),
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
  // The service's settings, when some are to be found: before the first
  // step that runs it (gaps), else once this image's own steps are done.
  let probed = false;
  const probe = async (): Promise<VariantResult | undefined> => {
    if (probed || !probeWanted(ctx)) return undefined;
    probed = true;
    search.notFound = await findServiceSettings(ctx, id.image, labels);
    return search.notFound
      ? { ...id, state: 'failed', failure: toFailure('startup', search.notFound), ...figures }
      : undefined;
  };
  for (const metric of imageMetrics(ctx)) {
    if (metric.result.scope !== 'variant') continue;
    if (metric.runsTheService) {
      const failed = await probe();
      if (failed) return failed;
    }
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
  return (await probe()) ?? { ...id, state: 'ok', ...(figures as VariantFigures) };
}

/**
 * Builds and measures each variant, rewriting the run folder after every
 * one; under `--bail` the first that fails ends the stage (the rest stay
 * pending), as does a service whose port or ready path, not given, could
 * not be found (`stoppedBy: 'service'`). With the build metric on, the
 * builds go in shuffled order, as the build metric's other rounds do.
 */
export async function buildAndMeasureImages(
  ctx: StageContext,
  start: RunResult,
  events: VariantEvents = {},
): Promise<RunResult> {
  const { cold } = ctx;
  const order = cold ? shuffled([...ctx.variants.keys()]) : [...ctx.variants.keys()];
  let run = start;
  const search: ServiceSearch = {};
  for (const [position, index] of order.entries()) {
    const variant = ctx.variants[index] as Variant;
    const total = ctx.variants.length;
    events.onVariantStart?.(variant.name, position, total);
    // Still pending: its identity, which the result keeps.
    const id = run.variants[index] as VariantIdentity;
    const settings = ctx.options.service;
    const result = await buildVariant(ctx, variant, id, search, cold);
    run = { ...run, variants: run.variants.map((v, i) => (i === index ? result : v)) };
    if (ctx.options.service !== settings) {
      run = {
        ...run,
        service: { ...run.service, runtime: recordedServiceSettings(ctx.options.service) },
      };
    }
    if (search.notFound) run = { ...run, stoppedBy: 'service' };
    await ctx.save(run);
    events.onVariantDone?.(result, position, total);
    if (search.notFound || (result.state === 'failed' && ctx.options.bail)) break;
  }
  return run;
}
