import type { TopLevelSpec } from 'vega-lite';
import type { z } from 'zod';
import type { BaseRole } from '../bases/base-roles.js';
import type { Engine } from '../engine/engine.js';
import type { HostChanges } from '../exec/host-changes.js';
import type { Started } from '../measure/container-runtime.js';
import type { Sample } from '../measure/sampler.js';
import type { PullSite } from '../second-engine/pull-site.js';
import type { OptionSet } from '../validation/run-option.js';
import type { Variant } from '../variants/variant-catalog.js';
import type { ColdBuilds } from './build/scenarios.js';
import type { CheckKind } from './claim-kit/check-kind.js';
import type { RunOptions } from './run-options.js';
import type { OkVariant, RunResult, VariantFigures, VariantResult } from './run-result.js';
import type { RoundPlanner } from './sampling.js';
import type { SecondEngine } from './second-engine.js';

/**
 * One metric: what it is, where it runs, how it measures, and how its
 * figures are kept (results.json), named (compare, budgets, claims,
 * history), tabled, written as CSV and charted. Every list of metrics in
 * imgbench comes from the registry of these (registry.ts).
 */
export type Metric<
  Name extends string = string,
  Result extends ResultPart = ResultPart,
  Options extends OptionSet = OptionSet,
> = MetricAbout<Name, Result, Options> & Measure;

export interface MetricAbout<
  Name extends string,
  Result extends ResultPart,
  Options extends OptionSet = OptionSet,
> {
  /** As `--metrics` takes it. */
  name: Name;
  /** One line, for `--help` and the docs. */
  description: string;
  /** Where its figures go in results.json, and their schema. */
  result: Result;
  /**
   * Samples per variant, for a metric that repeats its measurement: the
   * default, `--quick`'s, and why the default is what it is. `--repeat`
   * sets every repeated metric's.
   */
  samples?: {
    default: number;
    quick: number;
    /**
     * Whether the rounds go on, up to `default`, only until the questions on
     * the metric's figures are decided (looks at plannedLooks(default)); else
     * `default` rounds are taken (a metric no question is asked of).
     */
    untilDecided?: boolean;
    /**
     * Looks every this many rounds after the first, rather than at twice the
     * rounds each time (plannedLooks): for an expensive sample whose
     * questions need a number of rounds that doubling would overshoot.
     */
    looksEvery?: number;
    /** The time one sample of a variant is expected to take, ms, to plan the budget before it is measured. */
    expectedMs: number;
  };
  /**
   * Whether it starts the service (so needs its port and ready check, found
   * by a probe of the first image when not given). @default false
   */
  runsTheService?: boolean;
  /**
   * Its own options of `imgbench run`, by the key of the run's options that
   * holds each value (a runOption each: flag, help, parsing, check, default).
   */
  options?: Options;
  /** Base images it builds on besides the variants' (flags: the Alpine Go builder). */
  baseRoles?: readonly BaseRole[];
  /** Its figures as compare, budgets, claims and history name them. */
  figures?: readonly FigureDefinition[];
  /** Its columns in a table of the reports. */
  table?: TablePart;
  /** A table of the run itself rather than of its variants (the flags builds' binaries). */
  runTable?: RunTablePart;
  /** Its rows of results.csv. */
  csv?: CsvPart;
  /** Its chart in report.html. */
  chart?: (run: RunResult) => Chart;
  /** The kinds of claim check that read its figures (the claims files' `check.kind`). */
  claimChecks?: readonly CheckKind[];
  /** The figures a reader looks at first (history, the answer, the README's table). */
  headlines?: readonly Headline[];
}

/**
 * A figure a reader looks at first. Each is a table of `imgbench history`
 * (registry order); one with a question is a line of the answer that opens
 * summary.md and report.html (the lowest wins); one with a column is a column
 * of the README's first table.
 */
export interface Headline {
  /** One of the metric's figure names; for a family, a member (`pull unlimited`). */
  figure: string;
  /** What the figure answers, the lowest winning: `Smallest image`. */
  question?: string;
  /** Its column in the README's table: the header, and the cell of a variant that is ok. */
  column?: { header: string; cell: (v: OkVariant) => string };
}

/**
 * Where a metric's figures go: a field of every variant (`size`, `pull`…),
 * or fields of the run itself (`flags`, one result per run).
 */
export type ResultPart = VariantPart<string, z.ZodType, boolean> | RunPart<z.ZodRawShape>;

export interface VariantPart<Key extends string, Schema extends z.ZodType, Always extends boolean> {
  scope: 'variant';
  key: Key;
  schema: Schema;
  /** Whether every variant that built has it (size); the others are there when their metric ran. */
  always: Always;
}

export interface RunPart<Shape extends z.ZodRawShape> {
  scope: 'run';
  /** Fields of the run, each optional (absent when the metric did not run). */
  shape: Shape;
}

/** Where and when a metric measures: the parts of the run it runs in. */
export type Measure =
  /** On the build engine, right after each variant's build, on the image just built. */
  | { runsOn: 'build engine'; when: 'after each build'; measureImage: ImageStep }
  /** On the build engine, after every variant is built. */
  | { runsOn: 'build engine'; when: 'after the builds'; stage: Stage }
  /** Once for the whole run, on the build engine. */
  | { runsOn: 'once per run'; stage: Stage }
  /**
   * On the second dockerd, from the images pushed to the run's registry: the
   * metrics that run there share one push, one registry and one engine.
   */
  | { runsOn: 'second engine'; stage: SecondEngineStage }
  /**
   * On the second dockerd, in a running container of each variant: the
   * metrics that read one (startup, memory) share it, one container per
   * variant and round (measureContainers).
   */
  | { runsOn: 'second engine'; inContainer: InContainer };

/**
 * A metric's reading of a container of a variant just started until ready
 * (on the second engine), and what it keeps of its samples.
 */
export interface InContainer<T = unknown> {
  /** Its reading of the started container, which is removed after every reading of it. */
  measure(engine: Engine, started: Started, ctx: StageContext): Promise<Sample<T>>;
  /** The variant with its samples' result. */
  attach(variant: OkVariant, samples: Array<Sample<T>>, ctx: StageContext): VariantResult;
  /** The figures its samples make, whose questions decide when its rounds stop. */
  figures: readonly string[];
}

/** A stage takes the run as it stands and returns it with its own figures added. */
export type Stage = (ctx: StageContext, run: RunResult) => Promise<RunResult>;
export type SecondEngineStage = (
  ctx: StageContext,
  site: SecondEngine,
  run: RunResult,
) => Promise<RunResult>;

/** The image a variant's build just made, with the figures it has so far. */
export interface BuiltImage {
  variant: string;
  imageId: string;
  figures: Partial<VariantFigures>;
  labels: Record<string, string>;
}
/** Returns the metric's result for the image, or undefined to leave it out. */
export type ImageStep = (ctx: StageContext, image: BuiltImage) => Promise<unknown>;

/** What every stage of a run may use. */
export interface StageContext {
  engine: Engine;
  options: RunOptions;
  runId: string;
  /** The catalogue entries of the run's variants (Dockerfiles). */
  variants: readonly Variant[];
  /** Rewrites the run folder with the run as given; writes nothing once a signal has stopped the run. */
  save: (run: RunResult) => Promise<void>;
  /** What the run has in place on the host, undone on SIGINT/SIGTERM (`host-changes.json`). */
  changes: HostChanges;
  /** Spreads the run's time budget over the rounds of its repeated measurements. */
  planner?: RoundPlanner;
  /**
   * The questions of the answer asked of some figures (`pull unlimited`), and
   * those the run as it stands leaves undecided: a repeated measurement looks
   * at them to know when to stop. Without it, its first look's rounds are taken.
   */
  questions?: {
    asked: (run: RunResult, figures: readonly string[]) => string[];
    open: (run: RunResult, figures: readonly string[]) => string[];
    /** The variants an open question still compares: the best so far and those not told apart from it. */
    contenders: (run: RunResult, figures: readonly string[]) => string[];
  };
  /** With the build metric on: the run's service copy and the size phase's cold builds. */
  cold?: ColdBuilds;
  onSample?: (event: SampleEvent) => void;
  /** A step that is not a sample: starting the registry, pushing a variant. */
  onStage?: (message: string) => void;
  /** Where the second-engine metrics run: the run's registry and a second dockerd. */
  pullSite: PullSite;
  /** Wraps the second engine once it is up, as `engine` was wrapped (the bench times calls). */
  wrapEngine?: (engine: Engine) => Engine;
}

export interface SampleEvent {
  metric: string;
  variant: string;
  round: number;
  rounds: number;
  durationMs: number;
  /** What else tells the samples apart, e.g. the link of a pull. */
  note?: string;
}

export type Unit = 'bytes' | 'ms';

/** One figure of a variant: the value compare and budgets read, and its noise. */
export interface Figure {
  value: number;
  /**
   * The noise of the figure, in percent of its value: the median's 95 %
   * interval half-width (`medianRme`), or the mean's rme when too few
   * samples give no interval; 0 for exact figures (sizes).
   */
  noisePct: number;
  unit: Unit;
  /**
   * A repeated figure's samples, one per round in the order taken: every
   * variant's i-th sample comes from the same round, run back to back in
   * shuffled order, so the machine's drift is shared within a round.
   */
  samples?: readonly number[];
}

/** A named figure, or a family of them (`pull <link>`: one per link). */
export type FigureBasis = 'runtime base' | 'builder' | 'none';

export interface FigureDefinition {
  /** `image size`; a family has a placeholder in angle brackets: `pull <link>`. */
  name: string;
  /** The names a family's members take (`pull 100mbit`); a plain figure is its name. */
  matches?: RegExp;
  unit: Unit;
  /** The metric that measures it (its looks decide the confidence of its intervals). */
  metric: string;
  /**
   * Which base's own size or contents the figure carries, so that a verdict
   * resting on it can say when that base was a stand-in: `runtime base` (the
   * image's bytes: its size, its pull), `builder` (the image that compiles: a
   * build's time), `none` (the binary the Go compiler made, the running
   * process: startup, memory).
   */
  turnsOn: FigureBasis;
  /**
   * Which engine's version and image store the figure also measures, so that
   * compare can tell an engine change from a change of the variant: `build`
   * (a build's time, the bytes its push compressed), `second` (the pull,
   * startup and memory engine), `none` (the layer tars' sum, the binary).
   */
  engine: 'build' | 'second' | 'none';
  /** The figure(s) a variant has, by name; none when its metric did not run. */
  read: (figures: Partial<VariantFigures>) => Array<[string, Figure]>;
}

export type Align = 'left' | 'right';

/** One column of a table, declared once for the terminal, Markdown, HTML and CSV writers. */
export interface Column<Row> {
  header: string;
  /** Text left, numbers right. */
  align: Align;
  cell: (row: Row) => string;
}

/** A row of a report table: one variant of the run. */
export interface VariantRow {
  run: RunResult;
  variant: VariantResult;
  figures: Partial<VariantFigures>;
}

export interface TablePart {
  /**
   * The table the columns go in, after its Variant column: metrics with the
   * same table share it, columns side by side in registry order (startup
   * and memory share `runtime`).
   */
  table: string;
  /** Whether a variant has a row (the table has a row per variant any of its metrics takes). */
  includes: (row: VariantRow) => boolean;
  columns: (run: RunResult) => Array<Column<VariantRow>>;
  /** What the figures mean, under the table; empty when the run has none of them. */
  note: (run: RunResult) => string;
}

/** A table whose rows are the run's own figures; it is shown only when it has rows. */
export interface RunTablePart {
  columns: ReadonlyArray<{ header: string; align: Align }>;
  rows: (run: RunResult) => string[][];
  note: (run: RunResult) => string;
}

export type CsvCells = Record<string, string | number | undefined>;

export interface CsvPart {
  /** The columns it fills besides the shared ones (see report/csv.ts), in order. */
  columns: readonly string[];
  /** Its rows for one variant: a scenario each (`cold`, `unlimited`, `idle`). */
  rows: (row: VariantRow) => Array<{ scenario: string; cells: CsvCells }>;
}

/** One chart of the HTML report: a Vega-Lite spec over rows taken from the run. */
export interface Chart {
  /** Stable id, also the `id` of the chart's figure in the page. */
  id: string;
  title: string;
  /** What is plotted and how to read it. */
  caption: string;
  /** The rows plotted; empty when the run has no figures for it. */
  rows: Array<Record<string, string | number>>;
  /** Why there are no rows (the metric did not run, or no variant got that far). */
  missing?: string;
  spec: TopLevelSpec;
}
