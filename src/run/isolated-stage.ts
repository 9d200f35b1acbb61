import type { Engine } from '../engine/engine.js';
import { LABEL_RUN_ID, LABEL_VARIANT } from '../engine/labels.js';
import { splitReference } from '../engine/reference.js';
import { errorMessage, ImgbenchError } from '../errors.js';
import type { HostChanges } from '../exec/host-changes.js';
import {
  type MemoryDetail,
  measureMemory,
  measureStartup,
  runtimeOptions,
  type StartupDetail,
} from '../measure/container-runtime.js';
import { PROBE_INTERVAL_MS } from '../measure/http-probe.js';
import type { Sample } from '../measure/sampler.js';
import { summarize } from '../measure/statistics.js';
import { type LinkProfile, shapeRegistryLink, transferBoundMs } from '../pull/link-shaper.js';
import type { PullEngine, RunRegistry } from '../pull/pull-site.js';
import type { MemoryResult, PullLinkResult, PullResult, StartupResult } from '../types.js';
import {
  bailed,
  type Context,
  failed,
  measureRepeated,
  type OkVariant,
  stats,
} from './repeated-metrics.js';

interface PullDetail {
  transferMs: number;
}

interface Stage {
  ctx: Context;
  registry: RunRegistry;
  isolated: PullEngine;
  /** What is in place on the host, for an interrupted run to undo. */
  changes: HostChanges;
}

/**
 * Pushes every ok variant from the build engine to the run's registry and
 * reads what a pull of it transfers from the manifest. The registry name is
 * an extra tag on the build engine, removed after the push.
 */
async function pushVariants({ ctx, registry }: Stage): Promise<Map<string, PullResult>> {
  const pushed = new Map<string, PullResult>();
  const { engine, options } = ctx;
  for (const [index, v] of ctx.run.variants.entries()) {
    if (v.state !== 'ok') continue;
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
        links: [],
      });
    } catch (error) {
      ctx.run.variants[index] = failed(v, 'push', error);
    }
  }
  await ctx.save();
  return pushed;
}

/**
 * When the registry or the second dockerd ended during `work`, says so: the
 * engine's own error is then only `aborted` or `read ECONNRESET`.
 */
async function blameEndedProcess<T>(stage: Stage, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const endings = () =>
      [
        ['the isolated dockerd', stage.isolated.exitDescription],
        [`the run's registry on ${stage.registry.address}`, stage.registry.exitDescription],
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
}

/** One cold pull: the isolated engine emptied (not timed), then the pull (timed). */
async function coldPull(
  stage: Stage,
  reference: string,
  timeoutMs: number,
): Promise<Sample<PullDetail>> {
  const { isolated } = stage;
  await isolated.empty();
  const outcome = await isolated.engine.pullImage(reference, timeoutMs);
  if (outcome.layersPresent > 0) {
    throw new ImgbenchError(
      'E_MEASURE',
      `The pull of ${reference} found ${outcome.layersPresent} layer(s) already present on an emptied engine; it was not cold`,
    );
  }
  return { durationMs: outcome.durationMs, detail: { transferMs: outcome.transferMs } };
}

async function measurePulls(stage: Stage, pushed: Map<string, PullResult>): Promise<void> {
  const { ctx, registry } = stage;
  for (const link of ctx.options.links) {
    if (bailed(ctx)) return;
    ctx.onStage?.(`pulling over ${describeLink(link)}`);
    const shaping = await shapeRegistryLink(registry.port, link);
    await stage.changes.during(`the ${link.name} qdisc on lo`, shaping.remove, () =>
      measureRepeated<PullDetail>(
        ctx,
        'pull',
        ctx.options.pullSamples,
        (v) =>
          blameEndedProcess(stage, () =>
            coldPull(stage, pushed.get(v.name)?.reference ?? '', ctx.options.timeouts.pull),
          ),
        (v, samples) => {
          const pull = pushed.get(v.name) as PullResult;
          pull.links.push(linkResult(link, pull.compressedBytes, samples));
          return { ...v, pull };
        },
        link.name,
      ),
    );
  }
}

function describeLink(link: LinkProfile): string {
  return link.bitsPerSecond === undefined ? 'loopback, unshaped' : `a link shaped to ${link.name}`;
}

export function linkResult(
  link: LinkProfile,
  compressedBytes: number,
  samples: Array<Sample<PullDetail>>,
): PullLinkResult {
  const durationMs = summarize(samples.map((s) => s.durationMs));
  const result: PullLinkResult = {
    link: link.name,
    durationMs,
    transferMs: stats(samples, (d) => d.transferMs),
  };
  if (link.bitsPerSecond !== undefined) {
    const boundMs = transferBoundMs(compressedBytes, link.bitsPerSecond);
    result.bitsPerSecond = link.bitsPerSecond;
    result.boundMs = boundMs;
    result.boundRatio = durationMs.p50 / boundMs;
  }
  return result;
}

/** Pulls, untimed and all at once, the images that startup and memory need and the engine lacks. */
async function ensurePulled(stage: Stage, pushed: Map<string, PullResult>): Promise<void> {
  const { ctx, isolated } = stage;
  await Promise.all(
    [...ctx.run.variants.entries()].map(async ([index, v]) => {
      const pull = pushed.get(v.name);
      if (v.state !== 'ok' || !pull) return;
      if (await isolated.engine.inspectImage(pull.reference)) return;
      try {
        await isolated.engine.pullImage(pull.reference, ctx.options.timeouts.pull);
      } catch (error) {
        ctx.run.variants[index] = failed(v, 'pull', error);
      }
    }),
  );
}

async function measureRuntime(
  ctx: Context,
  engine: Engine,
  pushed: Map<string, PullResult>,
): Promise<void> {
  const runtime = (labels: Record<string, string>) =>
    runtimeOptions(ctx.options.timeouts, labels, ctx.options.service);
  const ref = (v: OkVariant) => pushed.get(v.name)?.reference ?? v.image;
  // One start that is not recorded: the first container on the fresh engine's
  // new bridge read 1.3 s where the others read 0.25 s (run
  // 20261122-222926-213b), whichever variant it was. hyperfine's --warmup.
  const first = ctx.run.variants.find((v): v is OkVariant => v.state === 'ok');
  if (first) {
    ctx.onStage?.(`warm-up start of ${first.name} on the isolated engine (not recorded)`);
    await measureStartup(
      engine,
      ref(first),
      runtime({ [LABEL_RUN_ID]: ctx.run.runId, [LABEL_VARIANT]: first.name }),
    ).catch(() => {});
  }
  if (ctx.options.metrics.includes('startup')) {
    await measureRepeated<StartupDetail>(
      ctx,
      'startup',
      ctx.options.startupSamples,
      (v, labels) => measureStartup(engine, ref(v), runtime(labels)),
      (v, samples) => {
        const startup: StartupResult = {
          engine: 'isolated',
          probeIntervalMs: PROBE_INTERVAL_MS,
          startToReadyMs: stats(samples, (d) => d.startToReadyMs),
          createToReadyMs: stats(samples, (d) => d.createToReadyMs),
        };
        return { ...v, startup };
      },
    );
  }
  if (ctx.options.metrics.includes('memory') && !bailed(ctx)) {
    const { load } = ctx.options.service;
    await measureRepeated<MemoryDetail>(
      ctx,
      'memory',
      ctx.options.memorySamples,
      (v, labels) => measureMemory(engine, ref(v), runtime(labels), load),
      (v, samples) => {
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
    );
  }
}

/**
 * Pull, startup and memory: the run's own registry on 127.0.0.1 and a second,
 * empty dockerd. Never times a pull on the build engine, whose BuildKit cache
 * keeps every layer. Registry, engine and any shaping are removed at the end,
 * whatever happened.
 */
export async function measureOnIsolatedEngine(ctx: Context): Promise<void> {
  if (!ctx.run.variants.some((v) => v.state === 'ok')) return;
  const { changes } = ctx;
  ctx.onStage?.('starting the run’s registry and an isolated dockerd');
  const registry = await ctx.pullSite.startRegistry({
    port: ctx.options.registryPort,
    runId: ctx.run.runId,
  });
  changes.add(
    `the registry on ${registry.address} (pid ${registry.pid}, storage ${registry.dir})`,
    () => registry.stop(),
  );
  let failure: { error: unknown } | undefined;
  try {
    const isolated = await ctx.pullSite.startEngine(ctx.run.runId, {
      maxConcurrentDownloads: ctx.options.pullConcurrency,
      storage: ctx.options.pullStorage,
    });
    changes.add(
      `the isolated dockerd (pid ${isolated.pid}, bridge ${isolated.bridge.name}, ${isolated.root}, data root ${isolated.dataRoot}${isolated.storage === 'memory' ? ' on a tmpfs' : ''})`,
      () => isolated.stop(),
    );
    const stage: Stage = { ctx, registry, isolated, changes };
    if (ctx.wrapEngine) isolated.engine = ctx.wrapEngine(isolated.engine);
    const pushed = await pushVariants(stage);
    if (ctx.options.metrics.includes('pull') && !bailed(ctx)) await measurePulls(stage, pushed);
    if (ctx.options.metrics.some((m) => m === 'startup' || m === 'memory') && !bailed(ctx)) {
      await ensurePulled(stage, pushed);
      await measureRuntime(ctx, isolated.engine, pushed);
    }
    await ctx.save();
  } catch (error) {
    failure = { error };
  }
  // The same undo as after a signal: the engine, then the registry, each even
  // when the work or the other failed; the work's error comes first.
  const undoFailures = await changes.undoAll();
  if (failure) throw failure.error;
  if (undoFailures[0]) throw undoFailures[0].error;
}
