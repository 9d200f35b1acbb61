import type { Engine } from '../engine/engine.js';
import { LABEL_RUN_ID, LABEL_VARIANT } from '../engine/labels.js';
import { ImgbenchError } from '../errors.js';
import {
  DEFAULT_MEMORY_LOAD,
  DEFAULT_RUNTIME_OPTIONS,
  type MemoryDetail,
  measureMemory,
  measureStartup,
  type StartupDetail,
} from '../measure/container-runtime.js';
import { PROBE_INTERVAL_MS } from '../measure/http-probe.js';
import { runRounds, type Sample, shuffled } from '../measure/sampler.js';
import { summarize } from '../measure/statistics.js';
import { IsolatedEngine } from '../pull/isolated-engine.js';
import { type LinkProfile, shapeRegistryLink, transferBoundMs } from '../pull/link-shaper.js';
import { LocalRegistry } from '../pull/registry.js';
import type { MemoryResult, PullLinkResult, PullResult, StartupResult } from '../types.js';
import {
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
  registry: LocalRegistry;
  isolated: IsolatedEngine;
  /** What each variant was pushed as, once pushed. */
  pushed?: Map<string, PullResult>;
}

/** Rounds of startup and memory batches when no pull rounds carry them. @default 5 */
export const DEFAULT_RUNTIME_ROUNDS = 5;

function pushedRef(stage: Stage, v: OkVariant): string {
  return stage.pushed?.get(v.name)?.reference ?? v.image;
}

/**
 * Before the pull rounds: the smallest variant pulled (untimed) for the
 * warm-up start; the first pull sample empties the engine again.
 */
async function warmUpAfterPull(stage: Stage, sampler: RuntimeSampler): Promise<void> {
  const ok = stage.ctx.run.variants.filter((v): v is OkVariant => v.state === 'ok');
  const size = (v: OkVariant) => stage.pushed?.get(v.name)?.compressedBytes ?? 0;
  const smallest = [...ok].sort((a, b) => size(a) - size(b))[0];
  if (!smallest) return;
  await stage.isolated.engine
    .pullImage(pushedRef(stage, smallest), stage.ctx.options.transferTimeoutMs)
    .then(() => sampler.warmUp(smallest))
    .catch(() => {});
}

/** `imgbench/sample:golang` → repository `imgbench/sample`, tag `golang`. */
function splitImage(image: string): { repository: string; tag: string } {
  const at = image.lastIndexOf(':');
  return { repository: image.slice(0, at), tag: image.slice(at + 1) };
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
        .pushImage(reference, options.transferTimeoutMs)
        .finally(() => engine.removeImage(reference).catch(() => {}));
      const { repository, tag } = splitImage(v.image);
      const manifest = await registry.manifest(repository, tag);
      pushed.set(v.name, {
        engine: 'isolated',
        maxConcurrentDownloads: options.pullConcurrency,
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

/** One cold pull: the isolated engine emptied (not timed), then the pull (timed). */
async function coldPull(
  isolated: IsolatedEngine,
  reference: string,
  timeoutMs: number,
): Promise<Sample<PullDetail>> {
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

/** `total` samples spread over `rounds` as evenly as possible, earlier rounds first: 25 over 3 → 9, 8, 8. */
export function spread(total: number, rounds: number): number[] {
  return Array.from(
    { length: rounds },
    (_, r) => Math.floor(total / rounds) + (r < total % rounds ? 1 : 0),
  );
}

/**
 * Cold pulls per link. Over unshaped loopback, each variant's startup and
 * memory samples of the round are taken right after its cold pull, from the
 * image just pulled (`runtime`), so no second pull of every image is needed;
 * they still come in shuffled rounds, a few samples per variant per round.
 */
async function measurePulls(
  stage: Stage,
  pushed: Map<string, PullResult>,
  runtime: RuntimeSampler | undefined,
): Promise<void> {
  const { ctx, registry, isolated } = stage;
  const port = Number(registry.address.split(':')[1]);
  for (const [index, link] of ctx.options.links.entries()) {
    ctx.onStage?.(`pulling over ${describeLink(link)}`);
    const shaping = await shapeRegistryLink(port, link);
    const withRuntime = index === 0 ? runtime : undefined;
    try {
      await measureRepeated<PullDetail>(
        ctx,
        'pull',
        ctx.options.pullSamples,
        async (v, _labels, round) => {
          const sample = await coldPull(
            isolated,
            pushed.get(v.name)?.reference ?? '',
            ctx.options.transferTimeoutMs,
          );
          await withRuntime?.batch(v, round);
          return sample;
        },
        (v, samples) => {
          const pull = pushed.get(v.name) as PullResult;
          pull.links.push(linkResult(link, pull.compressedBytes, samples));
          return { ...v, pull };
        },
        link.name,
      );
    } finally {
      await shaping.remove();
    }
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

/**
 * Startup and memory samples of one variant at a time, in batches, kept
 * apart from the pull samples: a variant that cannot start fails at
 * `startup` with its pull figures kept, and is not started again.
 */
class RuntimeSampler {
  readonly #ctx: Context;
  readonly #engine: Engine;
  readonly #pushed: Map<string, PullResult>;
  readonly #startups: number[];
  readonly #memories: number[];
  readonly startup = new Map<string, Array<Sample<StartupDetail>>>();
  readonly memory = new Map<string, Array<Sample<MemoryDetail>>>();
  readonly failures = new Map<string, { stage: 'startup' | 'memory'; error: unknown }>();

  constructor(ctx: Context, engine: Engine, pushed: Map<string, PullResult>, rounds: number) {
    this.#ctx = ctx;
    this.#engine = engine;
    this.#pushed = pushed;
    const wants = (m: 'startup' | 'memory') => ctx.options.metrics.includes(m);
    this.#startups = spread(wants('startup') ? ctx.options.startupSamples : 0, rounds);
    this.#memories = spread(wants('memory') ? ctx.options.memorySamples : 0, rounds);
  }

  #options(v: OkVariant) {
    return {
      ...DEFAULT_RUNTIME_OPTIONS,
      labels: { [LABEL_RUN_ID]: this.#ctx.run.runId, [LABEL_VARIANT]: v.name },
    };
  }

  #ref(v: OkVariant): string {
    return this.#pushed.get(v.name)?.reference ?? v.image;
  }

  /**
   * One start that is not recorded: the first container on the fresh
   * engine's new bridge read about a second late (1324 ms against ~250 ms
   * for the rest), whichever variant it was. hyperfine's --warmup, for the engine.
   */
  async warmUp(v: OkVariant): Promise<void> {
    this.#ctx.onStage?.(`warm-up start of ${v.name} on the isolated engine (not recorded)`);
    await measureStartup(this.#engine, this.#ref(v), this.#options(v)).catch(() => {});
  }

  /** The startup, then the memory samples of round `round` for `v`, each sample through tinybench. */
  async batch(v: OkVariant, round: number): Promise<void> {
    const plan: Array<['startup' | 'memory', number]> = [
      ['startup', this.#startups[round] ?? 0],
      ['memory', this.#memories[round] ?? 0],
    ];
    for (const [metric, count] of plan) {
      if (count === 0 || this.failures.has(v.name)) continue;
      const done = (metric === 'startup' ? this.startup : this.memory).get(v.name)?.length ?? 0;
      const total = metric === 'startup' ? this.#startups : this.#memories;
      const rounds = total.reduce((a, b) => a + b, 0);
      const measure =
        metric === 'startup'
          ? () => measureStartup(this.#engine, this.#ref(v), this.#options(v))
          : () => measureMemory(this.#engine, this.#ref(v), this.#options(v), DEFAULT_MEMORY_LOAD);
      const result = await runRounds<StartupDetail | MemoryDetail>([v.name], measure, {
        rounds: count,
        onSample: (variant, i, durationMs) =>
          this.#ctx.onSample?.({ metric, variant, round: done + i, rounds, durationMs }),
      });
      const into = (metric === 'startup' ? this.startup : this.memory) as Map<
        string,
        Array<Sample<StartupDetail | MemoryDetail>>
      >;
      into.set(v.name, [...(into.get(v.name) ?? []), ...(result.samples.get(v.name) ?? [])]);
      if (result.failures.has(v.name)) {
        this.failures.set(v.name, { stage: metric, error: result.failures.get(v.name) });
      }
    }
  }

  /** Puts the figures (or the failure) on every variant that is still ok. */
  attach(): void {
    const ctx = this.#ctx;
    ctx.run.variants = ctx.run.variants.map((v) => {
      if (v.state !== 'ok') return v;
      const failure = this.failures.get(v.name);
      if (failure) return failed(v, failure.stage, failure.error);
      const startup = this.startup.get(v.name);
      const memory = this.memory.get(v.name);
      return {
        ...v,
        ...(startup?.length ? { startup: startupResult(startup) } : {}),
        ...(memory?.length ? { memory: memoryResult(memory) } : {}),
      };
    });
  }
}

function startupResult(samples: Array<Sample<StartupDetail>>): StartupResult {
  return {
    engine: 'isolated',
    probeIntervalMs: PROBE_INTERVAL_MS,
    startToReadyMs: stats(samples, (d) => d.startToReadyMs),
    createToReadyMs: stats(samples, (d) => d.createToReadyMs),
  };
}

function memoryResult(samples: Array<Sample<MemoryDetail>>): MemoryResult {
  const load = DEFAULT_MEMORY_LOAD;
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
  return memory;
}

/**
 * Startup and memory without pulls: every image pulled once (untimed), then
 * rounds in shuffled order, each round a batch of samples per variant.
 */
async function measureRuntimeAlone(stage: Stage, sampler: RuntimeSampler, rounds: number) {
  const { ctx, isolated } = stage;
  for (const [index, v] of ctx.run.variants.entries()) {
    if (v.state !== 'ok') continue;
    try {
      const ref = pushedRef(stage, v);
      if (!(await isolated.engine.inspectImage(ref))) {
        await isolated.engine.pullImage(ref, ctx.options.transferTimeoutMs);
      }
    } catch (error) {
      ctx.run.variants[index] = failed(v, 'pull', error);
    }
  }
  const ok = () => ctx.run.variants.filter((v): v is OkVariant => v.state === 'ok');
  const first = ok()[0];
  if (first) await sampler.warmUp(first);
  for (let round = 0; round < rounds; round++) {
    for (const v of shuffled(ok())) await sampler.batch(v, round);
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
  ctx.onStage?.('starting the run’s registry and an isolated dockerd');
  const registry = await LocalRegistry.start({
    port: ctx.options.registryPort,
    runId: ctx.run.runId,
  });
  let isolated: IsolatedEngine | undefined;
  let failure: { error: unknown } | undefined;
  try {
    isolated = await IsolatedEngine.start(ctx.run.runId, ctx.options.pullConcurrency);
    const stage: Stage = { ctx, registry, isolated };
    if (ctx.wrapEngine) isolated.engine = ctx.wrapEngine(isolated.engine);
    const pushed = await pushVariants(stage);
    stage.pushed = pushed;
    const wantsRuntime = ctx.options.metrics.some((m) => m === 'startup' || m === 'memory');
    const rounds = ctx.options.metrics.includes('pull')
      ? ctx.options.pullSamples
      : Math.min(ctx.options.startupSamples, DEFAULT_RUNTIME_ROUNDS);
    const sampler = wantsRuntime
      ? new RuntimeSampler(ctx, isolated.engine, pushed, rounds)
      : undefined;
    if (ctx.options.metrics.includes('pull')) {
      if (sampler) await warmUpAfterPull(stage, sampler);
      await measurePulls(stage, pushed, sampler);
    } else if (sampler) {
      await measureRuntimeAlone(stage, sampler, rounds);
    }
    sampler?.attach();
    await ctx.save();
  } catch (error) {
    failure = { error };
  }
  // Both are stopped even when the work or the other stop failed; the work's error comes first.
  const stopped = await Promise.allSettled([isolated?.stop(), registry.stop()]);
  if (failure) throw failure.error;
  const stopFailure = stopped.find((s) => s.status === 'rejected');
  if (stopFailure) throw stopFailure.reason;
}
