import { readFileSync } from 'node:fs';
import { arch, availableParallelism, platform, totalmem } from 'node:os';
import { basename, join } from 'node:path';
import { type BaseImage, GO_BUILDER_ROLES, UPSTREAM_IMAGES } from '../bases/base-roles.js';
import { chooseBaseImages, resolveBases } from '../bases/resolve-bases.js';
import { cleanLeftovers } from '../cleanup/clean.js';
import { claimRun } from '../cleanup/run-owner.js';
import type { Engine, EngineInfo } from '../engine/engine.js';
import { LABEL_RUN_ID, LABEL_SERVICE, LABEL_VARIANT, managedLabels } from '../engine/labels.js';
import { errorMessage } from '../errors.js';
import { HostChanges, recordHostChangesIn, withSignalUndo } from '../exec/host-changes.js';
import { measureBinaryFlags } from '../measure/binary-flags.js';
import {
  type ColdBuilds,
  copyService,
  removeServiceCopy,
  scenarioRun,
} from '../measure/build-scenarios.js';
import { measureGaps } from '../measure/gaps.js';
import { measureImageSize } from '../measure/image-size.js';
import { shuffled } from '../measure/sampler.js';
import type { RunOptions, RunOptionsInput } from '../options.js';
import { normalizeRunOptions } from '../options.js';
import { packageRoot } from '../paths.js';
import { HOST_PULL_SITE, type PullSite } from '../pull/pull-site.js';
import { buildService, readIgnoreRules } from '../service/build-context.js';
import { checkGoToolchain } from '../service/go-toolchain.js';
import { recordedServiceSettings } from '../service/service-settings.js';
import type { RunResult, VariantIdentity, VariantResult } from '../types.js';
import { SCHEMA_VERSION } from '../types.js';
import type { Variant } from '../variants/variant-catalog.js';
import { loadVariants, selectVariants } from '../variants/variant-catalog.js';
import { checkDiskSpace, preflight } from './preflight.js';
import {
  bailed,
  buildArgsFor,
  measureRepeatedMetrics,
  type SampleEvent,
} from './repeated-metrics.js';
import { makeRunId, RunStore } from './run-store.js';
import { toFailure } from './variant-failure.js';

export type RunEvent =
  | { type: 'bases'; message: string }
  | { type: 'stage'; message: string }
  | ({ type: 'sample' } & SampleEvent)
  | { type: 'variant-start'; name: string; index: number; total: number }
  | { type: 'variant-done'; result: VariantResult; index: number; total: number };

export interface RunHooks {
  onEvent?: (event: RunEvent) => void;
  /** Wraps the isolated engine the run starts for pull, startup and memory. */
  wrapEngine?: (engine: Engine) => Engine;
  /** Where pull, startup and memory run. @default HOST_PULL_SITE (the run's registry and a second dockerd) */
  pullSite?: PullSite;
  /**
   * Whether the run may change the host as root: claim its id and remove what
   * killed runs left. @default whether imgbench runs as root
   */
  root?: boolean;
}

export interface SuiteOutcome {
  run: RunResult;
  /** The run folder holding results.json, results.csv and summary.md. */
  dir: string;
}

const toolVersion = (): string =>
  (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string })
    .version;

/** `imgbench/<service>:<variant>`; the sample service is `sample`. */
export function variantTag(serviceDir: string, variant: string): string {
  const slug = basename(serviceDir)
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '');
  return `imgbench/${slug === 'service' ? 'sample' : slug || 'service'}:${variant}`;
}

function identity(variant: Variant, tag: string, bases: BaseImage[]): VariantIdentity {
  return {
    name: variant.name,
    description: variant.description,
    source: variant.source,
    image: tag,
    bases: bases.filter((b) => variant.baseRoles.includes(b.role)),
  };
}

/**
 * Builds one variant and measures its image. With the build metric on, the
 * build is a cold one (no cache, as the build metric's cold scenario, from
 * the same copy of the service) and its duration and steps go to
 * `cold.runs`: it is the first cold sample, so a run does not compile every
 * variant once more only to measure its size.
 */
async function runVariant(
  engine: Engine,
  options: RunOptions,
  runId: string,
  variant: Variant,
  id: VariantIdentity,
  cold?: ColdBuilds,
): Promise<VariantResult> {
  const buildArgs = buildArgsFor(id, options.mainPackage);
  const previous = await engine.inspectImage(id.image);
  let outcome: Awaited<ReturnType<Engine['build']>>;
  try {
    outcome = await buildService(engine, {
      serviceDir: cold?.serviceCopy ?? options.serviceDir,
      dockerfile: variant.dockerfile,
      fallbackIgnoreFile: options.fallbackIgnoreFile,
      ...(variant.ignoreFile ? { variantIgnoreFile: variant.ignoreFile } : {}),
      tag: id.image,
      buildArgs,
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
  try {
    const labels = { [LABEL_RUN_ID]: runId, [LABEL_VARIANT]: variant.name };
    const size = await measureImageSize(engine, outcome.imageId, labels);
    const gaps = options.metrics.includes('gaps')
      ? await measureGaps(
          engine,
          outcome.imageId,
          size.binary.path,
          labels,
          options.timeouts,
          options.service,
        )
      : undefined;
    const steps = outcome.transcript.steps;
    return {
      ...id,
      state: 'ok',
      imageId: outcome.imageId,
      build: {
        durationMs: outcome.durationMs,
        steps: steps.length,
        cachedSteps: steps.filter((s) => s.cached).length,
      },
      size,
      ...(gaps ? { gaps } : {}),
    };
  } catch (error) {
    return { ...id, state: 'failed', failure: toFailure('measure', error) };
  }
}

/**
 * Builds and measures each selected variant of a Go service. A variant that
 * fails is recorded as `failed` with its reason and the others go on; the
 * run folder is rewritten after every variant.
 */
export async function runSuite(
  engine: Engine,
  input: RunOptionsInput = {},
  hooks: RunHooks = {},
): Promise<SuiteOutcome> {
  const options = normalizeRunOptions(input);
  const pullSite = hooks.pullSite ?? HOST_PULL_SITE;
  const root = hooks.root ?? process.getuid?.() === 0;
  await preflight(options, root || !pullSite.needsRoot);
  const engineInfo = await engine.info();
  await checkDiskSpace(engineInfo.dockerRootDir);
  const variants = selectVariants(await loadVariants(options.variantsDir), options.variants);
  const startedAt = new Date();
  const runId = makeRunId(startedAt);
  const release = root ? await claimRun(runId) : async () => {};
  try {
    return await runClaimed(engine, hooks, {
      options,
      pullSite,
      variants,
      engineInfo,
      startedAt,
      runId,
      root,
    });
  } finally {
    await release();
  }
}

/** What runSuite settled before it claimed the run. */
interface RunStart {
  options: RunOptions;
  pullSite: PullSite;
  variants: Variant[];
  engineInfo: EngineInfo;
  startedAt: Date;
  runId: string;
  root: boolean;
}

async function runClaimed(
  engine: Engine,
  hooks: RunHooks,
  { options, pullSite, variants, engineInfo, startedAt, runId, root }: RunStart,
): Promise<SuiteOutcome> {
  const roles = [
    ...new Set([
      ...variants.flatMap((v) => v.baseRoles),
      // The flags builds compile on the Alpine Go image, as the seeds' builders do.
      ...(options.metrics.includes('flags') ? (['golang-alpine'] as const) : []),
    ]),
  ];
  const emit = hooks.onEvent ?? (() => {});
  if (root) {
    // What killed runs left (a dockerd, the registry, a bridge, the qdisc,
    // containers) would otherwise stay, and the qdisc would stop this run's shaping.
    const reaped = await cleanLeftovers(engine, { self: runId });
    if (reaped.removed.length > 0) {
      emit({
        type: 'stage',
        message: `removed what earlier runs left: ${reaped.removed.join('; ')}`,
      });
    }
    for (const line of reaped.failed) {
      emit({ type: 'stage', message: `could not remove what an earlier run left: ${line}` });
    }
  }
  // A role given with --base-image needs no stand-in built nor upstream image pulled.
  const bases = await chooseBaseImages(
    engine,
    await resolveBases(
      engine,
      options.bases,
      roles.filter((role) => !options.baseImages[role]),
      { onProgress: (message) => emit({ type: 'bases', message }) },
    ),
    roles,
    options.baseImages,
  );
  await checkGoToolchain(
    engine,
    options.serviceDir,
    bases.images.filter((b) => GO_BUILDER_ROLES.includes(b.role)),
    { [LABEL_RUN_ID]: runId },
  );
  const store = await RunStore.create(options.outDir, runId);
  const ids = variants.map((v) =>
    identity(v, variantTag(options.serviceDir, v.name), bases.images),
  );
  const run: RunResult = {
    schemaVersion: SCHEMA_VERSION,
    runId,
    tool: { name: 'imgbench', version: toolVersion() },
    startedAt: startedAt.toISOString(),
    complete: false,
    metrics: options.metrics,
    settings: {
      samples: {
        build: options.buildSamples,
        pull: options.pullSamples,
        startup: options.startupSamples,
        memory: options.memorySamples,
      },
      links: options.links.map((l) => l.name),
      pullConcurrency: options.pullConcurrency,
      pullStorage: options.pullStorage,
      timeoutsMs: options.timeouts,
      bail: options.bail,
      variantsDir: options.variantsDir,
    },
    host: {
      platform: platform(),
      arch: arch(),
      cpus: availableParallelism(),
      memTotalBytes: totalmem(),
      nodeVersion: process.version,
    },
    engine: engineInfo,
    bases,
    service: {
      dir: options.serviceDir,
      mainPackage: options.mainPackage,
      ignoreFile: (await readIgnoreRules(options.serviceDir, options.fallbackIgnoreFile)).file,
      runtime: recordedServiceSettings(options.service),
    },
    variants: ids.map((id) => ({ ...id, state: 'pending' })),
  };
  await store.write(run);

  // Once a signal has stopped the run, nothing more is written: a build or
  // pull cut off by the stop would otherwise be recorded as a failure.
  let stopped = false;
  const save = async () => {
    if (!stopped) await store.write(run);
  };
  const changes = new HostChanges(recordHostChangesIn(store.dir, runId));
  await withSignalUndo(
    changes,
    async () => {
      // With the build metric on, these builds are its first cold round, in
      // shuffled order as its other rounds are, from the copy of the service
      // that its warm scenario edits later (a copy of the same bytes in another
      // folder was not a cache hit: the context's tar carries the files' times).
      const cold: ColdBuilds | undefined = options.metrics.includes('build')
        ? { serviceCopy: await copyService(options.serviceDir, runId), runs: new Map() }
        : undefined;
      const measure = async () => {
        const order = cold ? shuffled([...variants.keys()]) : [...variants.keys()];
        for (const [position, index] of order.entries()) {
          const variant = variants[index] as Variant;
          const total = variants.length;
          emit({ type: 'variant-start', name: variant.name, index: position, total });
          const id = ids[index] as VariantIdentity;
          const result = await runVariant(engine, options, runId, variant, id, cold);
          run.variants[index] = result;
          await save();
          emit({ type: 'variant-done', result, index: position, total });
          if (result.state === 'failed' && options.bail) break;
        }
        if (options.metrics.includes('flags') && !bailed({ options, run })) {
          emit({
            type: 'stage',
            message: 'building the service with each set of -ldflags and -trimpath',
          });
          try {
            run.binaryFlags = await measureBinaryFlags(engine, {
              serviceDir: options.serviceDir,
              fallbackIgnoreFile: options.fallbackIgnoreFile,
              tag: `${variantTag(options.serviceDir, 'binary-flags').replace(/:.*$/, '')}-flags:latest`,
              builder:
                bases.images.find((b) => b.role === 'golang-alpine')?.image ??
                UPSTREAM_IMAGES['golang-alpine'],
              mainPackage: options.mainPackage,
              labels: { [LABEL_RUN_ID]: runId },
              timeoutMs: options.timeouts.build,
            });
          } catch (error) {
            run.binaryFlagsFailure = errorMessage(error);
          }
          await save();
        }
        await measureRepeatedMetrics({
          engine,
          run,
          options,
          variants,
          save,
          changes,
          pullSite,
          ...(cold ? { cold } : {}),
          onSample: (event) => emit({ type: 'sample', ...event }),
          onStage: (message) => emit({ type: 'stage', message }),
          ...(hooks.wrapEngine ? { wrapEngine: hooks.wrapEngine } : {}),
        });
      };
      if (!cold) await measure();
      else {
        await changes.during(
          `the service copy ${cold.serviceCopy}`,
          () => removeServiceCopy(cold.serviceCopy),
          measure,
        );
      }
    },
    async (signal) => {
      run.stoppedBy = signal;
      if (!stopped) await store.write(run, { final: true });
      stopped = true;
      // The container a size reading was using when the signal came.
      for (const id of await engine.listContainers({ [LABEL_RUN_ID]: runId })) {
        await engine.removeContainer(id).catch(() => {});
      }
    },
  );
  run.complete = !bailed({ options, run });
  run.finishedAt = new Date().toISOString();
  await store.write(run, { final: true });
  await store.linkLatest();
  return { run, dir: store.dir };
}
