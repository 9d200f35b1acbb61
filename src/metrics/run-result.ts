import type { z } from 'zod';
import type { BuildMetricResult, BuildScenarioResult } from './build/schema.js';
import type { GapsResult } from './gaps/schema.js';
import type { MemoryResult } from './memory/schema.js';
import type { PullLinkResult, PullResult } from './pull/schema.js';
import type { METRIC_MODULES, MetricName } from './registry.js';
import type {
  buildRecordSchema,
  hostSchema,
  runBaseSchema,
  runSettingsSchema,
  variantFailureSchema,
  variantIdentitySchema,
} from './results-schema.js';
import type { StartupResult } from './startup/schema.js';

/**
 * The results types, each read from its schema (metrics/results-schema.ts for the
 * parts every run has, metrics/<name>/schema.ts for each metric's part): a
 * metric in the registry is a field of every variant, or of the run.
 */

/** Version of the results.json layout; bumped on any incompatible change (see results/README.md). */
export const SCHEMA_VERSION = 1;
export type {
  BuildMetricResult,
  BuildScenarioResult,
  GapsResult,
  MemoryResult,
  MetricName,
  PullLinkResult,
  PullResult,
  StartupResult,
};

export type VariantIdentity = z.infer<typeof variantIdentitySchema>;
export type BuildRecord = z.infer<typeof buildRecordSchema>;
export type VariantFailure = z.infer<typeof variantFailureSchema>;
export type { RecordedServiceSettings } from '../service/service-settings.js';
export type HostFacts = z.infer<typeof hostSchema>;
export type RunSettings = z.infer<typeof runSettingsSchema>;

type Module = (typeof METRIC_MODULES)[number];
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (
  x: infer I,
) => void
  ? I
  : never;

type VariantPartOf<M> = M extends {
  result: { scope: 'variant'; key: infer K extends string; schema: infer S; always: infer A };
}
  ? { key: K; value: z.output<S & z.ZodType>; always: A }
  : never;
type Parts = VariantPartOf<Module>;

/** Figures every variant that built has (size). */
type AlwaysFigures = { [P in Parts as P['always'] extends true ? P['key'] : never]: P['value'] };
/** Figures a variant has when their metric ran. */
type MetricFigures = {
  [P in Parts as P['always'] extends true ? never : P['key']]?: P['value'];
};

/** Fields of the run that its once-per-run metrics add (flags). */
type RunFields = UnionToIntersection<
  Module extends infer M
    ? M extends { result: { scope: 'run'; shape: infer Sh extends z.ZodRawShape } }
      ? z.infer<z.ZodObject<Sh>>
      : never
    : never
>;

/** Figures of a built image; the metrics' ones are there when their metric ran. */
export type VariantFigures = { imageId: string; build: BuildRecord } & AlwaysFigures &
  MetricFigures;

/** The figures a variant has so far (none while pending). */
export function figuresOf(v: VariantResult): Partial<VariantFigures> {
  return v.state === 'pending' ? {} : v;
}

export type VariantResult =
  | (VariantIdentity & { state: 'ok' } & VariantFigures)
  /** A variant that built but failed to run keeps the figures it has. */
  | (VariantIdentity & { state: 'failed'; failure: VariantFailure } & Partial<VariantFigures>)
  /** Not reached (yet): a run that stopped early keeps these. */
  | (VariantIdentity & { state: 'pending' });

export type OkVariant = Extract<VariantResult, { state: 'ok' }>;

/** Everything one `imgbench run` produced; written as results.json. */
export type RunResult = z.infer<typeof runBaseSchema> & { variants: VariantResult[] } & RunFields;
