import { formatFigure } from '../format/format.js';
import { confidenceWords, lookAlpha, medianInterval } from '../measure/decision.js';
import { type Figure, figureDefinition, figuresByName } from '../metrics/figures.js';
import { ruleOf } from '../metrics/questions.js';
import type { RunResult, VariantResult } from '../metrics/run-result.js';
import { standInDeciding } from '../metrics/stand-in-marks.js';
import type { MergedRun } from '../results/merged-run.js';

/**
 * One figure of one variant, as the continuous-benchmark tools read it: the
 * value is the figure the tables show (a repeated figure's median), and a
 * repeated figure carries the interval of its median at the confidence the
 * run's rule decides with, and its rounds.
 */
interface BenchmarkEntry {
  variant: string;
  figure: string;
  value: number;
  unit: 'bytes' | 'ms';
  interval?: { low: number; high: number; words: string };
  rounds?: number;
  /** The stand-in base whose bytes or build the figure carries, if any. */
  standIn?: string;
}

/** Every figure each variant has, failed variants' figures measured before the failure too. */
function entries(run: RunResult): BenchmarkEntry[] {
  return run.variants.flatMap((v) =>
    [...figuresByName(v)].map(([figure, f]) => entry(run, v, figure, f)),
  );
}

function entry(run: RunResult, v: VariantResult, figure: string, f: Figure): BenchmarkEntry {
  const samples = f.samples ?? [];
  const rule = samples.length > 0 ? ruleOf(run, figure) : undefined;
  const interval = rule
    ? medianInterval(samples, lookAlpha(rule.confidencePct, rule.looks))
    : undefined;
  const standIn = standInDeciding(v, figureDefinition(figure)?.turnsOn);
  return {
    variant: v.name,
    figure,
    value: f.value,
    unit: f.unit,
    ...(interval &&
      rule && {
        interval: { low: interval[0], high: interval[1], words: confidenceWords(rule) },
      }),
    ...(samples.length > 0 && { rounds: samples.length }),
    ...(standIn && { standIn: `${standIn.image} in place of ${standIn.upstream}` }),
  };
}

/** What else a reader of the chart should know of an entry, in words. */
function extraWords(run: RunResult, e: BenchmarkEntry): string {
  return [
    e.rounds === undefined ? 'exact' : `${e.rounds} round${e.rounds === 1 ? '' : 's'}`,
    ...(e.rounds !== undefined && !e.interval ? ['too few rounds for an interval'] : []),
    ...(e.standIn ? [`decided by a stand-in base: ${e.standIn}`] : []),
    `run ${run.runId}`,
  ].join('; ');
}

/**
 * github-action-benchmark's `customSmallerIsBetter` input: an array of
 * `{name, unit, value, range?, extra?}` (its BenchmarkResult). `range` is the
 * median's interval, `extra` the rounds, the stand-in that decides the figure
 * if any, and the run.
 */
export function toGithubBenchmark(run: RunResult): string {
  return `${JSON.stringify(githubBenchmarkResults(run), null, 2)}\n`;
}

function githubBenchmarkResults(run: RunResult, machine?: string) {
  return entries(run).map((e) => ({
    // The same name in every run of the same variants: `scratch / startup start→ready`,
    // after the machine's name in a merged run: `ubuntu-24.04: scratch / startup start→ready`.
    name: `${machine ? `${machine}: ` : ''}${e.variant} / ${e.figure}`,
    unit: e.unit,
    value: e.value,
    ...(e.interval && {
      range: `${formatFigure(e.interval.low, e.unit)} to ${formatFigure(e.interval.high, e.unit)} (${e.interval.words})`,
    }),
    extra: extraWords(run, e),
  }));
}

/** A Bencher measure's slug from a figure's name: `startup start→ready` → `startup-start-ready`. */
export const measureSlug = (figure: string) =>
  figure
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/**
 * Bencher Metric Format: benchmark (the variant) → measure (the figure, unit
 * in its slug) → `{value, lower_value?, upper_value?}`, the bounds being the
 * median's interval.
 */
export function toBencher(run: RunResult): string {
  return `${JSON.stringify(bencherMetrics(run), null, 2)}\n`;
}

function bencherMetrics(run: RunResult, machine?: string, into: BencherMetrics = {}) {
  for (const e of entries(run)) {
    const benchmark = machine ? `${machine} / ${e.variant}` : e.variant;
    const measures = into[benchmark] ?? {};
    into[benchmark] = measures;
    measures[`${measureSlug(e.figure)}-${e.unit}`] = {
      value: e.value,
      ...(e.interval && { lower_value: e.interval.low, upper_value: e.interval.high }),
    };
  }
  return into;
}

type BencherMetrics = Record<string, Record<string, Record<string, number>>>;

/** A merged run's machines in one github-benchmark input: each name after its machine's. */
export const toGithubBenchmarkMerged = (merged: MergedRun): string =>
  `${JSON.stringify(
    merged.machines.flatMap((m) => githubBenchmarkResults(m.run, m.name)),
    null,
    2,
  )}\n`;

/** A merged run's machines in one Bencher file: each benchmark `machine / variant`. */
export function toBencherMerged(merged: MergedRun): string {
  const bmf: BencherMetrics = {};
  for (const m of merged.machines) bencherMetrics(m.run, m.name, bmf);
  return `${JSON.stringify(bmf, null, 2)}\n`;
}
