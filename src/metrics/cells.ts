import { confidenceWords, roundsForAnInterval } from '../measure/decision.js';
import type { SampleStatistics } from '../measure/statistics.js';
import type { CsvCells, Figure, FigureDefinition, Unit, VariantRow } from './metric.js';
import { referenceOf, relativeFor } from './ratio.js';
import { alphaOfMetric, ruleOfMetric } from './rule-of.js';
import type { RunResult } from './run-result.js';
import { figuresOf } from './run-result.js';

/** The CSV cells of a timed statistic. */
export function timeCells(s: SampleStatistics): CsvCells {
  return {
    samples: s.n,
    mean_ms: s.mean,
    p50_ms: s.p50,
    p95_ms: s.p95,
    sd_ms: s.sd,
    rme_pct: s.rme,
    outliers: s.outliers.length,
  };
}

/** A repeated figure: its median and the noise around it. */
export function timed(s: SampleStatistics | undefined, unit: Unit = 'ms'): Figure | undefined {
  if (!s || s.n === 0) return undefined;
  return { value: s.p50, noisePct: s.medianRme ?? s.rme, unit, samples: s.samples };
}

/** An exact figure (a size): the same code gives the same bytes. */
export const exact = (bytes: number | undefined, noisePct = 0): Figure | undefined =>
  bytes === undefined ? undefined : { value: bytes, noisePct, unit: 'bytes' };

/** The named figures that are there. */
export const present = (entries: Array<[string, Figure | undefined]>): Array<[string, Figure]> =>
  entries.filter((e): e is [string, Figure] => e[1] !== undefined);

/** Each variant of the run as a table row. */
export const variantRows = (run: RunResult): VariantRow[] =>
  run.variants.map((variant) => ({ run, variant, figures: figuresOf(variant) }));

/** Marks a figure taken on fewer rounds than any decision of the rule needs. */
export const FEW_ROUNDS_MARK = '◦';

/** A ratio as the tables write it: `0.45×`, `59.1×`. */
export const times = (r: number) => `${r.toFixed(r >= 10 ? 1 : 2)}×`;

/**
 * A figure over the reference variant's, round by round, with the interval
 * the rule decides on: `1.04× (0.98–1.10)`; `1.04× ◦` when the rounds are
 * too few for one; `ref` for the reference itself.
 */
export function ratioCell(row: VariantRow, figure: FigureDefinition, name = figure.name): string {
  const ratio = relativeFor(row.run, row.variant, figure, name)?.ref;
  if (!ratio) return '–';
  if (referenceOf(row.run) === row.variant.name) return 'ref';
  return ratio.ci
    ? `${times(ratio.p50)} (${ratio.ci[0].toFixed(2)}–${ratio.ci[1].toFixed(2)})`
    : `${times(ratio.p50)} ${FEW_ROUNDS_MARK}`;
}

/** The CSV cells of a figure against the reference and against its rounds. */
export function ratioCells(
  row: VariantRow,
  figure: FigureDefinition,
  name = figure.name,
): CsvCells {
  const { ref, round } = relativeFor(row.run, row.variant, figure, name) ?? {};
  return {
    ...(ref
      ? {
          reference_variant: referenceOf(row.run),
          ref_ratio_p50: ref.p50,
          ...(ref.ci ? { ref_ratio_ci_low: ref.ci[0], ref_ratio_ci_high: ref.ci[1] } : {}),
        }
      : {}),
    ...(round
      ? {
          round_ratio_p50: round.p50,
          ...(round.ci
            ? { round_ratio_ci_low: round.ci[0], round_ratio_ci_high: round.ci[1] }
            : {}),
        }
      : {}),
  };
}

/** The CSV columns of ratioCells. */
export const RATIO_CSV_COLUMNS = [
  'reference_variant',
  'ref_ratio_p50',
  'ref_ratio_ci_low',
  'ref_ratio_ci_high',
  'round_ratio_p50',
  'round_ratio_ci_low',
  'round_ratio_ci_high',
];

/** What the ÷ ref columns mean, for a table's note; empty when the run has no ratios. */
export function ratioNote(run: RunResult, figure: FigureDefinition, name = figure.name): string {
  const reference = referenceOf(run);
  const any = run.variants.some(
    (v) => v.name !== reference && relativeFor(run, v, figure, name)?.ref,
  );
  if (!any) return '';
  const rule = ruleOfMetric(run, figure.metric);
  const few = run.variants.some(
    (v) => v.name !== reference && relativeFor(run, v, figure, name)?.ref?.ci === undefined,
  );
  const alpha = alphaOfMetric(run, figure.metric);
  return ` ÷ ref: each round's ${name} over ${reference}'s in the same round (every round runs the variants back to back, so the machine's drift cancels), the median of those ratios and, in brackets, its distribution-free interval at ${confidenceWords(rule)}: the interval every decision of this report is made on.${few ? ` ${FEW_ROUNDS_MARK}: fewer rounds than the ${roundsForAnInterval(alpha)} any decision needs; no comparison is decided on it.` : ''}`;
}
