import { arch, availableParallelism, platform, totalmem } from 'node:os';
import { type BaseRole, GO_BUILDER_ROLES } from '../bases/base-roles.js';
import { chooseBaseImages, resolveBases } from '../bases/resolve-bases.js';
import { cleanLeftovers } from '../cleanup/clean.js';
import { claimRun } from '../cleanup/run-owner.js';
import type { Engine, EngineInfo } from '../engine/engine.js';
import { LABEL_RUN_ID } from '../engine/labels.js';
import { UsageError } from '../errors.js';
import { HostChanges, recordHostChangesIn, withSignalUndo } from '../exec/host-changes.js';
import { DEFAULT_CONFIDENCE_PCT } from '../measure/decision.js';
import { type ColdBuilds, copyService, removeServiceCopy } from '../metrics/build/scenarios.js';
import type { SampleEvent, StageContext } from '../metrics/metric.js';
import { QUESTIONS_OF_FIGURES } from '../metrics/questions.js';
import {
  METRIC_OPTIONS,
  METRICS,
  metricList,
  REPEATED_METRICS,
  SECOND_ENGINE_METRICS,
} from '../metrics/registry.js';
import { relativeFigures } from '../metrics/relative.js';
import { bailedOut } from '../metrics/repeated.js';
import type { RunOptions, RunOptionsInput } from '../metrics/run-options.js';
import { normalizeRunOptions, RUN_OPTIONS } from '../metrics/run-options.js';
import type { RunResult, RunSettings, VariantResult } from '../metrics/run-result.js';
import { SCHEMA_VERSION } from '../metrics/run-result.js';
import { packageJson } from '../package-json.js';
import { HOST_PULL_SITE, type PullSite } from '../second-engine/pull-site.js';
import { readIgnoreRules } from '../service/build-context.js';
import { hasCacheMounts, runCacheMountMark } from '../service/cache-mounts.js';
import { checkGoToolchain } from '../service/go-toolchain.js';
import { type MainPackage, resolveMainPackage } from '../service/main-package.js';
import { checkLocalReplaces } from '../service/service-context.js';
import { recordedServiceSettings } from '../service/service-settings.js';
import { recordedSettings } from '../validation/run-option.js';
import type { Variant } from '../variants/variant-catalog.js';
import {
  checkVariantsTakeContext,
  loadOwnDockerfiles,
  loadVariants,
  selectVariants,
} from '../variants/variant-catalog.js';
import { variantTag } from '../variants/variant-tag.js';
import { buildAndMeasureImages, identity } from './image-stage.js';
import { pipelineOf, runPipeline } from './pipeline.js';
import { checkDiskSpace, checkEngineBuilds, preflight } from './preflight.js';
import { planLine, planRounds } from './round-plan.js';
import { makeRunId, RunStore } from './run-store.js';

export type RunEvent =
  | { type: 'bases'; message: string }
  /** What a machine said in its own words, behind a line said in words: printed with `--debug`. */
  | { type: 'debug'; message: string }
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

/**
 * Builds and measures each selected variant of a Go service. A variant that
 * fails is recorded as `failed` with its reason and the others go on; the
 * run folder is rewritten after every variant. Given a connect function,
 * it reaches the engine only once the input has been checked, so that bad
 * input is said as such on a machine whose engine is down.
 */
export async function runSuite(
  engineOrConnect: Engine | (() => Promise<Engine>),
  input: RunOptionsInput = {},
  hooks: RunHooks = {},
): Promise<SuiteOutcome> {
  const pullSite = hooks.pullSite ?? HOST_PULL_SITE;
  const root = hooks.root ?? process.getuid?.() === 0;
  const canStartEngine = root || !pullSite.needsRoot;
  // Without root the default metrics are those that need none; asked for by name, the others still stop the run.
  const skipped = canStartEngine || input.metrics !== undefined ? [] : SECOND_ENGINE_METRICS;
  const normalized = normalizeRunOptions(
    skipped.length > 0 ? { ...input, metrics: METRICS.filter((m) => !skipped.includes(m)) } : input,
  );
  // The program to build, found or checked before the engine is asked anything.
  const main = await resolveMainPackage(normalized.serviceDir, input.mainPackage);
  const options: RunOptions = { ...normalized, mainPackage: main.path };
  await checkLocalReplaces(options.serviceDir, options.source);
  const emit = hooks.onEvent ?? (() => {});
  if (main.chosen === 'found') {
    emit({
      type: 'stage',
      message: `main package: \`${main.path}\`, the only one of the module (no \`--main\` given)`,
    });
  }
  await preflight(options, canStartEngine);
  const chosen = selectVariants(await loadVariants(options.variantsDir), options.variants);
  const variants = [...chosen, ...(await loadOwnDockerfiles(options.dockerfiles, chosen))];
  checkVariantsTakeContext(variants, options.source);
  if (options.reference !== undefined && !variants.some((v) => v.name === options.reference)) {
    throw new UsageError(
      `\`--reference\` ${options.reference} is not a variant of this run; pass one of: ${variants.map((v) => v.name).join(', ')}`,
    );
  }
  const engine = typeof engineOrConnect === 'function' ? await engineOrConnect() : engineOrConnect;
  const engineInfo = await engine.info();
  checkEngineBuilds(engineInfo);
  await checkDiskSpace(engineInfo.dockerRootDir);
  const startedAt = new Date();
  const runId = makeRunId(startedAt);
  const release = root ? await claimRun(runId) : async () => {};
  try {
    if (root) await reapLeftovers(engine, runId, emit);
    const run = {
      ...(await startRun(
        engine,
        { options, mainPackageChosen: main.chosen, variants, engineInfo, startedAt, runId },
        emit,
      )),
      ...(skipped.length > 0 && {
        skipped: skipped.map((metric) => ({ metric, reason: NEEDS_ROOT })),
      }),
    };
    return await measureRun(engine, hooks, { options, pullSite, variants, run });
  } finally {
    await release();
  }
}

type Emit = (event: RunEvent) => void;

/** Why pull, startup and memory are left out of a run without root, and how to have them. */
export const NEEDS_ROOT =
  'runs on a second dockerd with a bridge of its own, which needs root; run imgbench as root (sudo) to measure it';

/**
 * What killed runs left (a dockerd, the registry, a bridge, the qdisc,
 * containers) would otherwise stay, and the qdisc would stop this run's shaping.
 */
async function reapLeftovers(engine: Engine, runId: string, emit: Emit): Promise<void> {
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

/**
 * The run as it begins: its bases resolved (a role given with --base-image
 * needs no stand-in built nor upstream image pulled), the service's Go
 * version checked against the builders, every variant pending.
 */
async function startRun(
  engine: Engine,
  start: {
    options: RunOptions;
    mainPackageChosen: MainPackage['chosen'];
    variants: Variant[];
    engineInfo: EngineInfo;
    startedAt: Date;
    runId: string;
  },
  emit: Emit,
): Promise<RunResult> {
  const { options, variants, runId } = start;
  const asked = metricList().filter((m) => (options.metrics as readonly string[]).includes(m.name));
  const roles: BaseRole[] = [
    ...new Set([
      ...variants.flatMap((v) => v.baseRoles),
      ...asked.flatMap((m) => m.baseRoles ?? []),
    ]),
  ];
  const bases = await chooseBaseImages(
    engine,
    await resolveBases(
      engine,
      options.bases,
      roles.filter((role) => !options.baseImages[role]),
      {
        onProgress: (message) => emit({ type: 'bases', message }),
        onDebug: (message) => emit({ type: 'debug', message }),
        pullTimeoutMs: options.timeouts.pull,
        basesTimeoutMs: options.basesTimeoutMs,
        go: options.go,
      },
    ),
    roles,
    options.baseImages,
    options.go,
  );
  await checkGoToolchain(
    engine,
    options.serviceDir,
    bases.images.filter((b) => GO_BUILDER_ROLES.includes(b.role)),
    { [LABEL_RUN_ID]: runId },
  );
  // Said once the service is known to build: a refused service gets one line.
  emit({ type: 'stage', message: planLine(options) });
  return {
    schemaVersion: SCHEMA_VERSION,
    runId,
    tool: { name: 'imgbench', version: packageJson().version },
    startedAt: start.startedAt.toISOString(),
    complete: false,
    metrics: options.metrics,
    settings: {
      samples: Object.fromEntries(REPEATED_METRICS.map((m) => [m.name, options.samples[m.name]])),
      decision: {
        confidencePct: DEFAULT_CONFIDENCE_PCT,
        marginPct: options.marginPct,
        looks: Object.fromEntries(
          REPEATED_METRICS.filter((m) => options.metrics.includes(m.name)).map((m) => [
            m.name,
            [...options.looks[m.name]],
          ]),
        ),
      },
      ...recordedSettings(options, METRIC_OPTIONS, RUN_OPTIONS),
    } as RunSettings,
    host: {
      platform: platform(),
      arch: arch(),
      cpus: availableParallelism(),
      memTotalBytes: totalmem(),
      nodeVersion: process.version,
    },
    engine: start.engineInfo,
    bases,
    service: {
      dir: options.serviceDir,
      mainPackage: options.mainPackage,
      mainPackageChosen: start.mainPackageChosen,
      ...(options.source.serviceInContext !== '.' && { context: options.source.contextDir }),
      ignoreFile: (await readIgnoreRules(options.source.contextDir, options.fallbackIgnoreFile))
        .file,
      runtime: recordedServiceSettings(options.service),
    },
    variants: variants.map((v) => ({
      ...identity(v, variantTag(options.serviceDir, v.name), bases.images),
      state: 'pending',
    })),
  };
}

/**
 * The images, then every stage of the metrics asked for, with the run
 * folder rewritten as figures come in; on SIGINT/SIGTERM what the run has
 * on the host is undone and the run as last written is marked stopped.
 */
async function measureRun(
  engine: Engine,
  hooks: RunHooks,
  start: { options: RunOptions; pullSite: PullSite; variants: Variant[]; run: RunResult },
): Promise<SuiteOutcome> {
  const { options } = start;
  const emit: Emit = hooks.onEvent ?? (() => {});
  const store = await RunStore.create(options.outDir, start.run.runId);
  await store.write(start.run);
  // Once a signal has stopped the run, nothing more is written: a build or
  // pull cut off by the stop would otherwise be recorded as a failure.
  let stopped = false;
  let latest = start.run;
  const save = async (run: RunResult) => {
    latest = run;
    if (!stopped) await store.write(run);
  };
  const changes = new HostChanges(recordHostChangesIn(store.dir, start.run.runId));
  const measured = await withSignalUndo(
    changes,
    async () => {
      // With the build metric on, the image builds are its first cold round,
      // from the copy of the service that its warm scenario edits later (a
      // copy of the same bytes in another folder was not a cache hit: the
      // context's tar carries the files' times).
      const cold: ColdBuilds | undefined = options.metrics.includes('build')
        ? {
            serviceCopy: await copyService(options.source.contextDir, start.run.runId),
            runs: new Map(),
          }
        : undefined;
      const ctx: StageContext = {
        engine,
        options,
        runId: start.run.runId,
        variants: start.variants,
        save,
        changes,
        pullSite: start.pullSite,
        ...(cold ? { cold } : {}),
        planner: planRounds(options, start.variants.length, Date.parse(start.run.startedAt)),
        questions: QUESTIONS_OF_FIGURES,
        onSample: (event) => emit({ type: 'sample', ...event }),
        onStage: (message) => emit({ type: 'stage', message }),
        ...(hooks.wrapEngine ? { wrapEngine: hooks.wrapEngine } : {}),
      };
      const measure = async () => {
        const built = await buildAndMeasureImages(ctx, start.run, {
          onVariantStart: (name, index, total) =>
            emit({ type: 'variant-start', name, index, total }),
          onVariantDone: (result, index, total) =>
            emit({ type: 'variant-done', result, index, total }),
        });
        // Without the service's settings nothing that runs it can; the user gives them.
        if (built.stoppedBy === 'service') return built;
        return runPipeline(ctx, built, pipelineOf(options.metrics));
      };
      // The cache mounts the run's builds fill are the run's own (cache-mounts.ts): removed at its end.
      const measureThenRemoveMounts = start.variants.some((v) => hasCacheMounts(v.dockerfile))
        ? () =>
            changes.during(
              `the cache mounts of run ${start.run.runId}`,
              async () => {
                await engine.removeCacheMounts(runCacheMountMark(start.run.runId));
              },
              measure,
            )
        : measure;
      if (!cold) return measureThenRemoveMounts();
      return changes.during(
        `the service copy ${cold.serviceCopy}`,
        () => removeServiceCopy(cold.serviceCopy),
        measureThenRemoveMounts,
      );
    },
    async (signal) => {
      if (!stopped) await store.write({ ...latest, stoppedBy: signal }, { final: true });
      stopped = true;
      // The container a size reading was using when the signal came.
      for (const id of await engine.listContainers({ [LABEL_RUN_ID]: start.run.runId })) {
        await engine.removeContainer(id).catch(() => {});
      }
    },
  );
  const bail = bailedOut({ options }, measured);
  const relative = relativeFigures(measured);
  const run: RunResult = {
    ...measured,
    ...(relative && Object.keys(relative.figures).length > 0 ? { relative } : {}),
    complete: !bail && measured.stoppedBy === undefined,
    ...(bail ? { stoppedBy: 'bail' as const } : {}),
    finishedAt: new Date().toISOString(),
  };
  await store.write(run, { final: true });
  await store.linkLatest();
  return { run, dir: store.dir };
}
