import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import {
  BASE_PROFILES,
  BASE_ROLES,
  type BaseRole,
  DEFAULT_GO,
  GO_RELEASES,
} from '../bases/base-roles.js';
import {
  DEFAULT_BASES_TIMEOUT_MS,
  parseBaseImage,
  parseBaseProfile,
} from '../bases/resolve-bases.js';
import { UsageError } from '../errors.js';
import { DEFAULT_CONFIDENCE_PCT, DEFAULT_MARGIN_PCT, plannedLooks } from '../measure/decision.js';
import { sampleServiceDir, variantsDir } from '../paths.js';
import { resolveServiceSource, type ServiceSource } from '../service/service-context.js';
import {
  normalizeServiceSettings,
  type ServiceSettings,
  type ServiceSettingsInput,
} from '../service/service-settings.js';
import {
  DEFAULT_TIMEOUTS,
  formatTimeoutList,
  normalizeTimeouts,
  parseDuration,
  parseTimeouts,
  type Timeouts,
} from '../timeouts.js';
import {
  asIs,
  givenList,
  keyed,
  type OptionInputs,
  type OptionValues,
  optionValues,
  parseList,
  runOption,
  wholeNumber,
} from '../validation/run-option.js';
import { parseOwnDockerfile } from '../variants/variant-catalog.js';
import { DEFAULT_NEEDS, NEEDS, needsSchema, parseNeeds } from './needs.js';
import { METRIC_OPTIONS, METRICS, type MetricName, REPEATED_METRICS } from './registry.js';

/** The looks of a sequential metric's rounds, up to `default` (plannedLooks, every `looksEvery` when set). */
export const defaultLooks = (s: { default: number; looksEvery?: number }) =>
  plannedLooks(s.default, DEFAULT_CONFIDENCE_PCT, s.looksEvery);

export { parseList };

const ms = z.number().int();

/** @default 'results' */
export const DEFAULT_OUT_DIR = 'results';
/** @default '.' */
export const DEFAULT_MAIN_PACKAGE = '.';
/**
 * @default '20m' — a default run of the sample service decided every
 * question in about 15 minutes on two cores; the rest is room for a slower
 * machine or a larger service.
 */
export const DEFAULT_BUDGET = '20m';

/** `10m` → ms; `none` → null (no limit); bad input in one line. */
export function parseBudget(text: string): number | null {
  if (text.trim() === 'none') return null;
  const ms = parseDuration(text);
  if (ms === undefined) {
    throw new UsageError(
      `Expected \`--budget\` to be a duration such as 10m, 90s or 1h, or none, got \`${text}\``,
    );
  }
  return ms;
}

/** @default 'auto' — upstream when every upstream base is in the engine, else the stand-ins. */
export const DEFAULT_BASES = 'auto';

/** The service folder, when it holds a Go module; bad input otherwise. */
function checkServiceDir(dir: string): string {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UsageError(
      `\`--service\` \`${dir}\` is not a directory; point it at a Go module (a folder with go.mod)`,
    );
  }
  if (!existsSync(join(dir, 'go.mod'))) {
    throw new UsageError(
      `\`--service\` \`${dir}\` has no go.mod; point it at the root of a Go module`,
    );
  }
  return dir;
}

function checkMetric(name: string): MetricName {
  if (!(METRICS as readonly string[]).includes(name)) {
    throw new UsageError(
      `Unknown metric \`${name}\` in \`--metrics\`; this version measures: ${METRICS.join(', ')}`,
    );
  }
  return name as MetricName;
}

/**
 * The run-wide options declared once, as the metrics' are (a runOption each:
 * flag, help, parsing, and the schema that checks the input and fills the
 * default). The service's own are SERVICE_OPTIONS.
 */
export const RUN_OPTIONS = {
  /** Variant names, in the order to run them. @default every variant under variants/ */
  variants: runOption({
    flags: '--variants <list>',
    description: 'variants to run, in order, comma-separated',
    defaultHelp: 'every variant of the variants folder',
    parse: (text) => parseList('--variants', text),
    expected: 'a list of variant names',
    schema: givenList.transform((given) => (given ? [...given] : undefined)),
  }),
  /**
   * The build context: the service's folder or one above it (a monorepo whose
   * go.mod replaces sibling modules). @default the service's folder
   */
  contextDir: runOption({
    flags: '--context <dir>',
    description:
      "the build context: --service's folder or one above it, for a module whose go.mod replaces sibling modules (a monorepo)",
    defaultHelp: '--service',
    expected: 'a folder',
    schema: z.string().optional(),
  }),
  /** What to measure. @default every metric (METRICS) */
  metrics: runOption({
    flags: '--metrics <list>',
    description: 'what to measure, comma-separated',
    defaultHelp: `all: ${METRICS.join(',')}`,
    parse: (text) => parseList('--metrics', text),
    expected: `a list of ${METRICS.join(', ')}`,
    schema: givenList.transform((given): MetricName[] => [
      ...new Set((given ?? METRICS).map(checkMetric)),
    ]),
  }),
  /** Fewer samples (each repeated metric's `samples.quick`), for a fast look. */
  quick: runOption({
    flags: '--quick',
    description: `fewer samples: ${REPEATED_METRICS.map((m) => `${m.name} ${m.samples.quick}`).join(', ')}`,
    expected: 'true or false',
    schema: z.boolean().default(false),
  }),
  /** Samples per variant for every repeated metric; overrides the per-metric defaults. */
  repeat: runOption({
    flags: '--repeat <n>',
    description:
      'a fixed number of samples per variant of every repeated metric (at least 2), instead of sampling until decided',
    defaultHelp: REPEATED_METRICS.map((m) =>
      m.samples.untilDecided
        ? `${m.name} ${defaultLooks(m.samples)[0]} to ${m.samples.default} until decided`
        : `${m.name} ${m.samples.default}`,
    ).join(', '),
    parse: wholeNumber('--repeat', 'an integer of at least 2'),
    expected: 'an integer of at least 2 (a spread needs two samples)',
    schema: z.number().int().min(2).optional(),
  }),
  /**
   * The time the run may take, ms: rounds past a measurement's first look are
   * taken while they fit (RoundPlanner); `none` for no limit. @default DEFAULT_BUDGET
   */
  budgetMs: runOption({
    flags: '--budget <duration>',
    description:
      'the time the run may take (e.g. 10m): repeated metrics sample on past their first decision point only while it fits; none for no limit',
    defaultHelp: DEFAULT_BUDGET,
    parse: parseBudget,
    expected: 'a duration such as 10m, or none',
    recorded: asIs(z.number().int().nullable().optional()),
    schema: z
      .number()
      .int()
      .min(1)
      .nullable()
      .optional()
      .transform((ms) => (ms === undefined ? (parseBudget(DEFAULT_BUDGET) as number) : ms)),
  }),
  /**
   * Two figures are equivalent when their ratio's interval lies within 1 ± this, in percent.
   * @default DEFAULT_MARGIN_PCT
   */
  marginPct: runOption({
    flags: '--margin <percent>',
    description:
      'two timed figures are told equal when their ratio, round by round, lies within ± this percentage at the stated confidence',
    defaultHelp: `${DEFAULT_MARGIN_PCT}`,
    parse: (text) => {
      const pct = Number(text.replace(/\s*%$/, ''));
      if (!Number.isFinite(pct) || pct <= 0 || pct >= 100) {
        throw new UsageError(
          `Expected \`--margin\` to be a percentage above 0 and below 100, such as 5, got \`${text}\``,
        );
      }
      return pct;
    },
    expected: 'a percentage above 0 and below 100',
    schema: z.number().gt(0).lt(100).default(DEFAULT_MARGIN_PCT),
  }),
  /**
   * What the service needs of its image, which the recommendation of which
   * variant to ship is made for. @default DEFAULT_NEEDS
   */
  needs: runOption({
    flags: '--needs <list>',
    description: `what the service needs of its image, for the recommendation: ${NEEDS.join(', ')}, comma-separated, or none`,
    defaultHelp: DEFAULT_NEEDS.join(','),
    parse: parseNeeds,
    expected: `a list of ${NEEDS.join(', ')}, or none`,
    recorded: asIs(needsSchema.optional()),
    schema: needsSchema.default(DEFAULT_NEEDS),
  }),
  /** Limits per engine operation, ms; those not given keep DEFAULT_TIMEOUTS. */
  timeouts: runOption({
    flags: '--timeout <limits>',
    description:
      'limits per engine operation, e.g. build=30m,ready=1m (ms, s, m, h); a variant whose operation runs past one fails and says which',
    defaultHelp: formatTimeoutList(DEFAULT_TIMEOUTS),
    parse: parseTimeouts,
    expected: 'limits such as build=30m,ready=1m',
    // Limits per engine operation, ms.
    recorded: asIs(z.object({ build: ms, push: ms, pull: ms, start: ms, ready: ms }), 'timeoutsMs'),
    schema: z
      .custom<Partial<Timeouts>>((value) => typeof value === 'object' && value !== null)
      .optional()
      .transform((given) => normalizeTimeouts(given)),
  }),
  /** The Go service to package. @default the sample service in bench/service */
  serviceDir: runOption({
    flags: '--service <dir>',
    description: 'your Go module instead of the sample service',
    defaultHelp: 'the sample service in bench/service',
    expected: 'a Go module folder',
    schema: z
      .string()
      .optional()
      .transform((dir) => checkServiceDir(resolve(dir ?? sampleServiceDir()))),
  }),
  /**
   * Main package path inside the service, as `go build` takes it.
   * @default `.` when it is a main package, else the module's one main package (resolveMainPackage)
   */
  mainPackage: runOption({
    flags: '--main <package>',
    description: 'main package inside --service, as `go build` takes it',
    defaultHelp: ". when it is one, else the module's only main package",
    expected: 'a package path inside the service such as `./cmd/server`',
    schema: z
      .string()
      .default(DEFAULT_MAIN_PACKAGE)
      .refine((main) => /^\.(\/[\w.@~-]+)*\/?$/.test(main) && !main.split('/').includes('..')),
  }),
  /** Dockerfiles of the user's own, by variant name, measured after the chosen variants. */
  dockerfiles: runOption({
    flags: '--dockerfile <NAME=PATH>',
    description:
      'a Dockerfile of your own, measured as variant NAME after the others, with the same context (repeat it)',
    defaultHelp: 'none',
    collect: keyed('--dockerfile', parseOwnDockerfile, 'give each Dockerfile a name of its own'),
    expected: 'NAME=PATH',
    schema: z
      .record(z.string(), z.string())
      .optional()
      .transform((given) =>
        Object.fromEntries(
          Object.entries(given ?? {}).map(([name, path]) => [name, resolve(path)]),
        ),
      ),
  }),
  /** Stop at the first failed variant. */
  bail: runOption({
    flags: '--bail',
    description: 'stop at the first variant that fails; later steps do not run',
    expected: 'true or false',
    recorded: asIs(z.boolean()),
    schema: z.boolean().default(false),
  }),
  /** Folder of variant Dockerfiles. */
  variantsDir: runOption({
    flags: '--variants-dir <dir>',
    description: 'your own Dockerfiles: one sub-folder per variant, each holding a Dockerfile',
    defaultHelp: 'the six that come with imgbench',
    expected: 'a folder',
    recorded: asIs(z.string()),
    schema: z
      .string()
      .optional()
      .transform((dir) => resolve(dir ?? variantsDir())),
  }),
  /** The variant the relative figures (÷ ref) are taken against. Absent: the first variant run. */
  reference: runOption({
    flags: '--reference <variant>',
    description: 'the variant the relative figures (÷ ref) are taken against, round by round',
    defaultHelp: 'the first variant run',
    expected: 'a variant name',
    // Absent: the first variant.
    recorded: asIs(z.string().optional()),
    schema: z.string().min(1).optional(),
  }),
  bases: runOption({
    flags: '--bases <profile>',
    description: `base images: ${BASE_PROFILES.join(' names, ')} stand-ins, or auto (upstream when every one is in the engine or its registry answers, then pulled before the builds)`,
    defaultHelp: DEFAULT_BASES,
    expected: 'one of auto, upstream, offline',
    schema: z.string().default(DEFAULT_BASES).transform(parseBaseProfile),
  }),
  /** The Go release of the builders: golang:1.26 upstream, or stand-ins with Debian's Go 1.26. */
  go: runOption({
    flags: '--go <release>',
    description: `the Go release of the builder images (golang:RELEASE, golang:RELEASE-alpine; offline, stand-ins with Debian's Go of that release), for a go.mod that needs a newer Go`,
    defaultHelp: DEFAULT_GO,
    expected: `one of ${GO_RELEASES.join(', ')}`,
    recorded: asIs(z.enum(GO_RELEASES).optional()),
    schema: z.enum(GO_RELEASES).default(DEFAULT_GO),
  }),
  /** How long `auto` waits for a registry to answer, ms. */
  basesTimeoutMs: runOption({
    flags: '--bases-timeout <seconds>',
    description:
      'how long --bases auto waits for a registry to answer before it uses the stand-ins',
    defaultHelp: String(DEFAULT_BASES_TIMEOUT_MS / 1000),
    parse: (text) => wholeNumber('--bases-timeout', 'a whole number of seconds')(text) * 1000,
    expected: 'a whole number of milliseconds',
    schema: z.number().int().min(0).default(DEFAULT_BASES_TIMEOUT_MS),
  }),
  /** Images for some base roles in place of the profile's (`--base-image golang=golang:1.25`). */
  baseImages: runOption({
    flags: '--base-image <ROLE=IMAGE>',
    description: `the image for one base role instead of the profile's, already in the engine (repeat it); roles: ${BASE_ROLES.join(', ')}`,
    defaultHelp: 'none',
    collect: keyed('--base-image', parseBaseImage, 'give each role one image'),
    expected: 'ROLE=IMAGE',
    schema: z
      .custom<Partial<Record<BaseRole, string>>>(
        (value) => typeof value === 'object' && value !== null,
      )
      .optional()
      .transform((given) => ({ ...given })),
  }),
  /** Where run folders go. */
  outDir: runOption({
    flags: '--out <dir>',
    description: 'where run folders go',
    defaultHelp: DEFAULT_OUT_DIR,
    expected: 'a folder',
    schema: z
      .string()
      .default(DEFAULT_OUT_DIR)
      .transform((dir) => resolve(dir)),
  }),
};
/** Samples per variant of each repeated metric: its default, or `--quick`'s. */
export function defaultSamples(quick: boolean): Record<MetricName, number> {
  return Object.fromEntries(
    METRICS.map((name) => {
      const repeated = REPEATED_METRICS.find((m) => m.name === name);
      return [name, repeated ? (quick ? repeated.samples.quick : repeated.samples.default) : 1];
    }),
  ) as Record<MetricName, number>;
}

/** What a user may pass to `runSuite`; `normalizeRunOptions` fills in the rest. */
export interface RunOptionsInput
  extends OptionInputs<typeof RUN_OPTIONS>,
    OptionInputs<typeof METRIC_OPTIONS> {
  /** How the service runs in its container: port, ready check, arguments, environment, memory load (SERVICE_OPTIONS). */
  service?: ServiceSettingsInput;
}

export interface RunOptions
  extends OptionValues<typeof RUN_OPTIONS>,
    OptionValues<typeof METRIC_OPTIONS> {
  /** The build context and the service's folder in it. */
  source: ServiceSource;
  /**
   * Samples per variant of each metric: a repeated metric's (build: rounds
   * of its three scenarios), 1 for the others.
   */
  samples: Readonly<Record<MetricName, number>>;
  /**
   * The rounds after which each repeated metric looks at its questions
   * (plannedLooks): one look at its samples for fixed rounds (`--repeat`,
   * `--quick`, a metric no question is asked of).
   */
  looks: Readonly<Record<MetricName, readonly number[]>>;
  service: ServiceSettings;
  /** The .dockerignore of the variants folder (or imgbench's Go default), for services without their own. */
  fallbackIgnoreFile: string;
}

/** Applies every default in one place and validates the result. */
export function normalizeRunOptions(input: RunOptionsInput = {}): RunOptions {
  const run = optionValues(RUN_OPTIONS, input);
  const samples = Object.fromEntries(
    Object.entries(defaultSamples(run.quick)).map(([name, n]) => [
      name,
      REPEATED_METRICS.some((m) => m.name === name) ? (run.repeat ?? n) : n,
    ]),
  ) as Record<MetricName, number>;
  const looks = Object.fromEntries(
    METRICS.map((name) => {
      const of = REPEATED_METRICS.find((m) => m.name === name)?.samples;
      const sequential = of?.untilDecided === true && run.repeat === undefined && !run.quick;
      return [
        name,
        sequential
          ? defaultLooks({ default: samples[name], looksEvery: of?.looksEvery })
          : [samples[name]],
      ];
    }),
  ) as Record<MetricName, number[]>;
  return {
    source: resolveServiceSource(run.serviceDir, run.contextDir),
    // A variants folder of the user's own without one gets imgbench's Go default.
    fallbackIgnoreFile: [run.variantsDir, variantsDir()]
      .map((dir) => join(dir, '.dockerignore'))
      .find((file) => existsSync(file)) as string,
    samples,
    looks,
    ...run,
    ...optionValues(METRIC_OPTIONS, input),
    service: normalizeServiceSettings(
      input.service,
      run.serviceDir === resolve(sampleServiceDir()),
    ),
  };
}
