import type { OptionSet } from '../validation/run-option.js';
import { build } from './build/index.js';
import { flags } from './flags/index.js';
import { gaps } from './gaps/index.js';
import { memory } from './memory/index.js';
import type { Metric } from './metric.js';
import { pull } from './pull/index.js';
import { size } from './size/index.js';
import { startup } from './startup/index.js';

/**
 * Every metric, in the order a run measures them and the reports show them:
 * the run's stages, `--metrics`, the report's tables, results.csv's rows,
 * the chart list, the figure names of compare and budgets, results.json's
 * schema and `--help` all come from this list. A metric is a folder, and
 * here its import and its line.
 */
export const METRIC_MODULES = [
  size, // the image's bytes, its layers and its binary
  gaps, // what the image lacks that a service notices
  flags, // what -ldflags and -trimpath change in the binary
  build, // cold, no-op and warm build times
  pull, // bytes a pull moves, cold pulls
  startup, // start→ready
  memory, // idle and after a load
] as const;

export type MetricModule = (typeof METRIC_MODULES)[number];
export type MetricName = MetricModule['name'];

/** Metric names, as `--metrics` takes them. */
export const METRICS: readonly MetricName[] = METRIC_MODULES.map((m) => m.name);

/** The registered metrics, as the generic shape the run and the reports use. */
export const metricList = (): readonly Metric[] => METRIC_MODULES;

/** Metrics that run on the second dockerd, from images pushed to the run's registry. */
export const SECOND_ENGINE_METRICS: readonly MetricName[] = METRIC_MODULES.filter(
  (m) => m.runsOn === 'second engine',
).map((m) => m.name);

/** Metrics that repeat their measurement, with their samples per variant. */
export const REPEATED_METRICS = METRIC_MODULES.flatMap((m) =>
  'samples' in m && m.samples ? [{ name: m.name, samples: m.samples }] : [],
);

type OptionsOf<M> = M extends { options?: infer O extends OptionSet } ? O : never;
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (
  x: infer I,
) => void
  ? I
  : never;

/**
 * The metrics' own options of `imgbench run`, by key: each declared once in
 * its metric's folder (Metric.options), from which come its flag, help and
 * default, its check and message, and its field of the run's options.
 */
export const METRIC_OPTIONS = Object.assign(
  {},
  ...METRIC_MODULES.map((m: Metric) => m.options ?? {}),
) as UnionToIntersection<OptionsOf<MetricModule>>;
