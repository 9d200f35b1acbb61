export type { BaseImage, BaseProfileName, BaseRole } from './bases/base-roles.js';
export { BASE_BUILD_ARGS, BASE_ROLES, UPSTREAM_IMAGES } from './bases/base-roles.js';
export type { ResolvedBases } from './bases/resolve-bases.js';
export { resolveBases } from './bases/resolve-bases.js';
export type { StandInOutcome } from './bases/stand-in-builder.js';
export { ensureStandIns } from './bases/stand-in-builder.js';
export type { StandInRecipe } from './bases/stand-in-recipes.js';
export { recipeHash, STAND_IN_RECIPES } from './bases/stand-in-recipes.js';
export type { DoctorCheck } from './doctor/doctor.js';
export { runDoctor } from './doctor/doctor.js';
export { DockerEngine } from './engine/docker-engine.js';
export type {
  BuildOutcome,
  BuildRequest,
  Engine,
  EngineInfo,
  ImageDetails,
} from './engine/engine.js';
export { BuildError, EngineError, ImgbenchError, UsageError } from './errors.js';
export { readLinkage } from './measure/elf.js';
export type { BinaryFacts, SizeFacts } from './measure/image-size.js';
export { measureImageSize } from './measure/image-size.js';
export type { Metric } from './metrics/metric.js';
export { METRICS } from './metrics/registry.js';
export { runResultSchema } from './metrics/results-schema.js';
export type { RunOptions, RunOptionsInput } from './metrics/run-options.js';
export { normalizeRunOptions } from './metrics/run-options.js';
export type { MetricName, RunResult, VariantFailure, VariantResult } from './metrics/run-result.js';
export { SCHEMA_VERSION } from './metrics/run-result.js';
export { toCsv } from './report/csv.js';
export { toJson } from './report/json.js';
export { toMarkdown } from './report/markdown.js';
export { toTable } from './report/table.js';
export { readRun } from './results/read-run.js';
export type { RunEvent, RunHooks, SuiteOutcome } from './run/run-suite.js';
export { runSuite } from './run/run-suite.js';
export type { Variant } from './variants/variant-catalog.js';
export { loadVariants } from './variants/variant-catalog.js';
