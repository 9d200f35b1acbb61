import type { Engine } from '../engine/engine.js';
import { LABEL_RUN_ID, LABEL_VARIANT } from '../engine/labels.js';
import { splitReference } from '../engine/reference.js';
import { errorMessage, ImgbenchError } from '../errors.js';
import { runtimeOptions, startUntilReady } from '../measure/container-runtime.js';
import type { PullEngine, RunRegistry } from '../second-engine/pull-site.js';
import type { InContainer, SecondEngineStage, StageContext } from './metric.js';
import type { MetricName } from './registry.js';
import { bailedOut, failed, measureTogether, okVariants, type PartTaken } from './repeated.js';
import type { OkVariant, PullResult, RunResult } from './run-result.js';

/** What a variant's push left in the run's registry: a pull's figures before any pull. */
export type Pushed = Omit<PullResult, 'links'>;

/**
 * The run's registry and the second, empty dockerd, as the metrics that run
 * there share them: one push of every ok variant, then each metric's stage.
 */
export interface SecondEngine {
  registry: RunRegistry;
  isolated: PullEngine;
  /** The second engine (wrapped as the build engine was). */
  engine: Engine;
  /** By variant name: what its push put in the registry. */
  pushed: ReadonlyMap<string, Pushed>;
  /** The reference a variant is pulled by (the registry's name of its image). */
  reference(v: OkVariant): string;
  /**
   * Pulls, untimed and all at once, the images the engine lacks (once per
   * run); a variant whose pull fails becomes failed at `pull`.
   */
  ensurePulled(run: RunResult): Promise<RunResult>;
  /**
   * One start that is not recorded, before the first recorded one (once per
   * run): the first container on the fresh engine's new bridge read 1.3 s
   * where the others read 0.25 s (run 20261122-222926-213b), whichever
   * variant it was. hyperfine's --warmup.
   */
  warmUp(run: RunResult): Promise<void>;
  /**
   * When the registry or the second dockerd ended during `work`, says so:
   * the engine's own error is then only `aborted` or `read ECONNRESET`.
   */
  blameEndedProcess<T>(work: () => Promise<T>): Promise<T>;
}

/**
 * Pushes every ok variant from the build engine to the run's registry and
 * reads what a pull of it transfers from the manifest. The registry name is
 * an extra tag on the build engine, removed after the push.
 */
async function pushVariants(
  ctx: StageContext,
  registry: RunRegistry,
  run: RunResult,
): Promise<{ run: RunResult; pushed: Map<string, Pushed> }> {
  const pushed = new Map<string, Pushed>();
  const { engine, options } = ctx;
  const variants = [];
  for (const v of run.variants) {
    if (v.state !== 'ok') {
      variants.push(v);
      continue;
    }
    const reference = registry.reference(v.image);
    ctx.onStage?.(`pushing ${v.name} to ${registry.address}`);
    try {
      await engine.tagImage(v.imageId, reference);
      const push = await engine
        .pushImage(reference, options.timeouts.push)
        .finally(() => engine.removeImage(reference).catch(() => {}));
      const { repository, tag } = splitReference(v.image);
      const manifest = await registry.manifest(repository, tag);
      pushed.set(v.name, {
        engine: 'isolated',
        maxConcurrentDownloads: options.pullConcurrency,
        storage: options.pullStorage,
        reference,
        digest: manifest.digest || push.digest,
        compressedBytes: manifest.compressedBytes,
        configBytes: manifest.config.sizeBytes,
        layers: manifest.layers.map((l) => ({ digest: l.digest, sizeBytes: l.sizeBytes })),
        pushMs: push.durationMs,
      });
      variants.push(v);
    } catch (error) {
      variants.push(failed(v, 'push', error));
    }
  }
  const next = { ...run, variants };
  await ctx.save(next);
  return { run: next, pushed };
}

function site(
  ctx: StageContext,
  registry: RunRegistry,
  isolated: PullEngine,
  pushed: Map<string, Pushed>,
): SecondEngine {
  let pulled = false;
  let warmedUp = false;
  const reference = (v: OkVariant) => pushed.get(v.name)?.reference ?? v.image;
  return {
    registry,
    isolated,
    engine: isolated.engine,
    pushed,
    reference,
    async ensurePulled(run) {
      if (pulled) return run;
      pulled = true;
      const variants = await Promise.all(
        run.variants.map(async (v) => {
          const pull = pushed.get(v.name);
          if (v.state !== 'ok' || !pull) return v;
          if (await isolated.engine.inspectImage(pull.reference)) return v;
          try {
            await isolated.engine.pullImage(pull.reference, ctx.options.timeouts.pull);
            return v;
          } catch (error) {
            return failed(v, 'pull', error);
          }
        }),
      );
      return { ...run, variants };
    },
    async warmUp(run) {
      if (warmedUp) return;
      warmedUp = true;
      const first = okVariants(run)[0];
      if (!first) return;
      ctx.onStage?.(`warm-up start of ${first.name} on the isolated engine (not recorded)`);
      await startUntilReady(
        isolated.engine,
        reference(first),
        runtimeOptions(
          ctx.options.timeouts,
          { [LABEL_RUN_ID]: run.runId, [LABEL_VARIANT]: first.name },
          ctx.options.service,
        ),
      ).then(
        (started) => isolated.engine.removeContainer(started.id),
        () => {},
      );
    },
    async blameEndedProcess(work) {
      try {
        return await work();
      } catch (error) {
        const endings = () =>
          [
            ['the isolated dockerd', isolated.exitDescription],
            [`the run's registry on ${registry.address}`, registry.exitDescription],
          ].filter(([, how]) => how !== undefined);
        // The engine's error can arrive before node has seen the process end.
        for (let waited = 0; endings().length === 0 && waited < 1_000; waited += 50) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        const ended = endings();
        if (ended.length === 0) throw error;
        throw new ImgbenchError(
          'E_HOST',
          `${ended.map(([who, how]) => `${who} ${how}`).join(' and ')} (${errorMessage(error)})`,
          { cause: error },
        );
      }
    },
  };
}

/**
 * The second-engine metrics: the run's own registry on 127.0.0.1 and a
 * second, empty dockerd, one push of every ok variant, then each stage in
 * turn. Never times a pull on the build engine, whose BuildKit cache keeps
 * every layer. Registry, engine and any shaping are removed at the end,
 * whatever happened.
 */
export async function onSecondEngine(
  ctx: StageContext,
  start: RunResult,
  stages: readonly SecondEngineStage[],
): Promise<RunResult> {
  if (okVariants(start).length === 0 || stages.length === 0) return start;
  const { changes } = ctx;
  ctx.onStage?.('starting the run’s registry and an isolated dockerd');
  const registry = await ctx.pullSite.startRegistry({
    port: ctx.options.registryPort,
    runId: start.runId,
  });
  changes.add(
    `the registry on ${registry.address} (pid ${registry.pid}, storage ${registry.dir})`,
    () => registry.stop(),
  );
  let run = start;
  let failure: { error: unknown } | undefined;
  try {
    const isolated = await ctx.pullSite.startEngine(start.runId, {
      maxConcurrentDownloads: ctx.options.pullConcurrency,
      storage: ctx.options.pullStorage,
      imageStore: ctx.options.pullImageStore,
      ...(ctx.options.pullDockerd ? { dockerd: ctx.options.pullDockerd } : {}),
    });
    changes.add(
      `the isolated dockerd (pid ${isolated.pid}, bridge ${isolated.bridge.name}, ${isolated.root}, data root ${isolated.dataRoot}${isolated.storage === 'memory' ? ' on a tmpfs' : ''})`,
      () => isolated.stop(),
    );
    if (ctx.wrapEngine) isolated.engine = ctx.wrapEngine(isolated.engine);
    run = {
      ...run,
      secondEngine: {
        info: await isolated.engine.info(),
        ...(isolated.configFile && { configFile: isolated.configFile }),
        ...(isolated.containerdSocket && { containerdSocket: isolated.containerdSocket }),
        ...(isolated.dockerd && { dockerd: isolated.dockerd }),
        maxConcurrentDownloads: ctx.options.pullConcurrency,
      },
    };
    const push = await pushVariants(ctx, registry, run);
    run = push.run;
    const shared = site(ctx, registry, isolated, push.pushed);
    for (const stage of stages) {
      if (bailedOut(ctx, run)) break;
      run = await stage(ctx, shared, run);
    }
    await ctx.save(run);
  } catch (error) {
    failure = { error };
  }
  // The same undo as after a signal: the engine, then the registry, each even
  // when the work or the other failed; the work's error comes first.
  const undoFailures = await changes.undoAll();
  if (failure) throw failure.error;
  if (undoFailures[0]) throw undoFailures[0].error;
  return run;
}

/**
 * The metrics that read a running container of each ok variant on the
 * second engine (startup, memory), in one round loop: the images pulled and
 * one warm-up start first, then, each round, one container of each variant
 * started until ready, read by every metric still sampling that variant, in
 * registry order, and removed. A memory sample is thus the container whose
 * start→ready a startup sample is, read after its settle and load; a start
 * costs each round once, not once per metric.
 */
export async function measureContainers(
  ctx: StageContext,
  site: SecondEngine,
  start: RunResult,
  metrics: ReadonlyArray<{ metric: MetricName; reads: InContainer }>,
): Promise<RunResult> {
  const run = await site.ensurePulled(start);
  await site.warmUp(run);
  return measureTogether(
    ctx,
    run,
    metrics.map(({ metric, reads }) => ({
      metric,
      failureStage: metric,
      rounds: ctx.options.samples[metric],
      attach: (v, samples) => reads.attach(v, samples, ctx),
      figures: reads.figures,
    })),
    async (v, labels, _round, wanted) => {
      const started = await startUntilReady(
        site.engine,
        site.reference(v),
        runtimeOptions(ctx.options.timeouts, labels, ctx.options.service),
      );
      const taken = new Map<string, PartTaken>();
      try {
        for (const { metric, reads } of metrics) {
          if (!wanted.has(metric)) continue;
          const began = performance.now();
          const sample = await reads.measure(site.engine, started, ctx).then(
            (sample) => ({ sample }),
            (error: unknown) => ({ error }),
          );
          taken.set(metric, { ...sample, ownMs: performance.now() - began });
        }
      } finally {
        await site.engine.removeContainer(started.id);
      }
      return taken;
    },
  );
}
