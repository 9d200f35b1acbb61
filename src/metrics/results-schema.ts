import { z } from 'zod';
import { BASE_ROLES, type BaseImage } from '../bases/base-roles.js';
import { type EngineInfo, IMAGE_STORES } from '../engine/engine.js';
import { ERROR_CODES } from '../errors.js';
import { type DecisionRule, decisionRuleSchema } from '../measure/decision.js';
import { recordedServiceSettingsSchema } from '../service/service-settings.js';
import { recordedShape } from '../validation/run-option.js';
import type { Metric, ResultPart } from './metric.js';
import { METRIC_OPTIONS, METRICS, metricList, REPEATED_METRICS } from './registry.js';
import { relativeSchema } from './relative.js';
import { RUN_OPTIONS } from './run-options.js';
import { SCHEMA_VERSION } from './run-result.js';
import { samplingSchema } from './sampling.js';

/**
 * The schema of results.json. The parts every run has are here; each
 * metric's part comes from its own schema (metrics/<name>/schema.ts),
 * assembled through the metric registry. Objects are open when read (a
 * newer imgbench of the same schemaVersion may add fields) and closed in
 * the published JSON Schema, which says what this version writes.
 */

export const baseImageSchema: z.ZodType<BaseImage> = z
  .object({
    role: z.enum(BASE_ROLES),
    image: z.string(),
    standIn: z.boolean(),
    upstream: z.string(),
    imageId: z.string().optional(),
    repoDigests: z.array(z.string()).optional(),
    recipeHash: z.string().optional(),
    /** Its layers' diff_ids, bottom first; absent in runs written before it was recorded. */
    layers: z.array(z.string()).optional(),
    /** The engine's own size of it (`docker image inspect` .Size); absent in runs written before it was recorded. */
    sizeBytes: z.number().int().optional(),
    chosen: z.boolean().optional(),
  })
  .meta({ id: 'BaseImage' });

export const variantIdentitySchema = z.object({
  name: z.string(),
  description: z.string(),
  /** Where the seeds write this variant. */
  source: z.string(),
  /** The tag the variant's image was built as. */
  image: z.string(),
  /** The base images its build used (stand-ins carry `standIn: true`). */
  bases: z.array(baseImageSchema),
  /**
   * The role of the base the final stage starts from (what the image ships of
   * a base); null for `FROM scratch`. Absent when no role stands for it, and in
   * runs written before it was recorded.
   */
  runtimeBase: z.enum(BASE_ROLES).nullable().optional(),
  /**
   * A Dockerfile of the user's own (\`--dockerfile\`): its path and the images
   * its FROM lines name, as written (no role, no stand-in). Absent for the
   * variants of a variants folder.
   */
  own: z.object({ dockerfile: z.string(), fromImages: z.array(z.string()) }).optional(),
});

export const buildRecordSchema = z.object({
  /** Wall time of the one build this run made (cache state as found), in ms. */
  durationMs: z.number(),
  steps: z.number().int(),
  cachedSteps: z.number().int(),
});

/** What imgbench was doing when a variant failed: building, measuring the image, or a metric. */
export const FAILURE_STAGES = [
  ...new Set(['build', 'measure', 'build-scenarios', 'push', ...METRICS]),
] as ['build' | 'measure' | 'build-scenarios' | 'push' | (typeof METRICS)[number]];

export const variantFailureSchema = z
  .object({
    stage: z.enum(FAILURE_STAGES),
    code: z.enum([...ERROR_CODES, 'E_UNKNOWN']),
    /** The engine's or the tool's own words. */
    message: z.string(),
    /** The last lines of the failing step's output: the compiler's message for a Go error. */
    logTail: z.string().optional(),
    /** For a failed build step, the engine's own error (`… exit code: 1`). */
    engineError: z.string().optional(),
  })
  .meta({ id: 'VariantFailure' });

export const hostSchema = z.object({
  platform: z.string(),
  arch: z.string(),
  cpus: z.number().int(),
  memTotalBytes: z.number(),
  nodeVersion: z.string(),
});

export const engineInfoSchema: z.ZodType<EngineInfo> = z.object({
  endpoint: z.string(),
  serverVersion: z.string(),
  apiVersion: z.string(),
  os: z.string(),
  arch: z.string(),
  kernelVersion: z.string(),
  storageDriver: z.string(),
  cgroupVersion: z.string(),
  cgroupDriver: z.string(),
  dockerRootDir: z.string(),
  cpus: z.number().int(),
  memTotalBytes: z.number(),
  buildkit: z.boolean(),
  /** `classic` or `containerd` (the containerd image store); absent in runs written before it was recorded. */
  imageStore: z.enum(IMAGE_STORES).optional(),
});

/**
 * How the run was asked to measure: what a second run needs to be comparable.
 * Besides the samples, each option that says so keeps its value here (see
 * RunOption.recorded): the metrics' (links, pull concurrency, storage, image
 * store), then the run's (timeouts, bail, variants folder, reference).
 */
export const runSettingsSchema: z.ZodType<{
  samples: Record<string, number>;
  decision?: DecisionRule;
  /** The recorded options' fields, each checked by its option's own schema. */
  [field: string]: unknown;
}> = z.object({
  /** Samples per variant of each repeated metric (build: rounds of the three scenarios). */
  samples: z.object(Object.fromEntries(REPEATED_METRICS.map((m) => [m.name, z.number().int()]))),
  /**
   * The rule the run's comparisons are decided by, and the looks each
   * repeated metric planned; absent in runs made before it, which are read
   * with one look at 95 % and a ±5 % margin.
   */
  decision: decisionRuleSchema.optional(),
  ...recordedShape(METRIC_OPTIONS, RUN_OPTIONS),
});

const variantParts = (always: boolean) =>
  Object.fromEntries(
    metricList().flatMap(({ result, name, description }: { result: ResultPart } & Metric) =>
      result.scope === 'variant' && result.always === always
        ? [
            [
              result.key,
              result.schema.meta({
                id: `${name}-figures`,
                description: `The ${name} metric: ${description}.`,
              }),
            ],
          ]
        : [],
    ),
  );

/** The run's own fields that once-per-run metrics add, each optional in its shape. */
const runParts = (): z.ZodRawShape =>
  Object.assign(
    {},
    ...metricList().map(({ result }) => (result.scope === 'run' ? result.shape : {})),
  );

function variantResultSchema() {
  const figures = {
    imageId: z.string(),
    build: buildRecordSchema,
    ...variantParts(true),
    ...Object.fromEntries(
      Object.entries(variantParts(false)).map(([key, schema]) => [key, schema.optional()]),
    ),
  };
  const partial = Object.fromEntries(
    Object.entries(figures).map(([key, schema]) => [key, schema.optional()]),
  );
  return z.discriminatedUnion('state', [
    variantIdentitySchema.extend({ state: z.literal('ok'), ...figures }),
    /** A variant that built but failed to run keeps the figures it has. */
    variantIdentitySchema.extend({
      state: z.literal('failed'),
      failure: variantFailureSchema,
      ...partial,
    }),
    /** Not reached (yet): a run that stopped early keeps these. */
    variantIdentitySchema.extend({ state: z.literal('pending') }),
  ]);
}

export const runBaseSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  runId: z.string(),
  tool: z.object({ name: z.literal('imgbench'), version: z.string() }),
  /** ISO 8601, UTC. */
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  /** False while the run is going on, or when it stopped before every variant was done. */
  complete: z.boolean(),
  /**
   * What stopped the run early: a signal (figures after it were not written),
   * or `bail`, the first failed variant under `--bail` (later steps did not run;
   * the step it failed in ended with the round it failed in), or `service`:
   * the service's port or ready path, not given, could not be found by
   * starting the first image built (the variant it was looked for on failed
   * at startup with the reason; nothing else ran).
   */
  stoppedBy: z.enum(['SIGINT', 'SIGTERM', 'bail', 'service']).optional(),
  metrics: z.array(z.enum(METRICS as [(typeof METRICS)[number]])),
  /** Metrics of the default set left out, and why (without root: those of the second engine). */
  skipped: z
    .array(z.object({ metric: z.enum(METRICS as [(typeof METRICS)[number]]), reason: z.string() }))
    .optional(),
  /** Absent in runs written before it was recorded. */
  settings: runSettingsSchema.optional(),
  host: hostSchema,
  engine: engineInfoSchema,
  /**
   * The second engine pull, startup and memory ran on, as it answered `docker
   * info`, with its own config file and containerd. Absent when none ran, and
   * in runs written before it was recorded.
   */
  secondEngine: z
    .object({
      info: engineInfoSchema,
      configFile: z.string().optional(),
      containerdSocket: z.string().optional(),
      /** The dockerd binary it ran (`--pull-dockerd`); its image store is in `info`. */
      dockerd: z.string().optional(),
      maxConcurrentDownloads: z.number().int(),
    })
    .optional(),
  bases: z.object({
    profile: z.enum(['upstream', 'offline']),
    reason: z.string(),
    images: z.array(baseImageSchema),
  }),
  service: z.object({
    dir: z.string(),
    mainPackage: z.string(),
    /**
     * How the main package was chosen: \`given\` (\`--main\`), \`root\` (the module
     * is one), \`found\` (the module's only main package). Absent in older runs.
     */
    mainPackageChosen: z.enum(['given', 'root', 'found']).optional(),
    /** The build context when \`--context\` named a folder above the service (absent otherwise). */
    context: z.string().optional(),
    ignoreFile: z.string(),
    /** How it was run (absent in runs written before it was recorded); the environment by name only. */
    runtime: recordedServiceSettingsSchema.optional(),
  }),
  /** Each variant's repeated figures over the reference variant's, round by round (absent in older runs). */
  relative: relativeSchema.optional(),
  /**
   * How each repeated measurement's rounds went (`pull unlimited` for a link
   * of a pull): rounds, looks, why it stopped, a round's time, and what stayed
   * undecided. Absent in runs made before sampling was sequential.
   */
  sampling: z.record(z.string(), samplingSchema).optional(),
});

let assembled: z.ZodType | undefined;

/** The whole of results.json: the parts every run has, the variants, and each metric's part. */
export function runResultSchema(): z.ZodType {
  assembled ??= runBaseSchema.extend({
    variants: z.array(variantResultSchema()),
    ...runParts(),
  });
  return assembled;
}
