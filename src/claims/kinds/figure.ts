import { formatFigure } from '../../format/format.js';
import { confidenceWords, lookAlpha, medianInterval } from '../../measure/decision.js';
import type { BaseReads } from '../../metrics/claim-kit/base-reads.js';
import { Missing, text } from '../../metrics/claim-kit/check-kind.js';
import { okVariant } from '../../metrics/claim-kit/run-reads.js';
import {
  FIGURE_NAMES,
  figureDefinition,
  figuresByName,
  isFigureName,
} from '../../metrics/figures.js';
import { roundsTheRuleNeeds, ruleOf } from '../../metrics/questions.js';
import type { RunResult } from '../../metrics/run-result.js';
import { describe } from '../../validation/messages.js';

/** A figure's name as the tables give it (`image size`). */
export const figureName = text.refine(isFigureName, {
  error: (issue) => `is ${describe(issue.input)}; expected one of: ${FIGURE_NAMES.join(', ')}`,
});

/** A figure of a variant, or the reason it cannot be had from this run; notes the base it turns on. */
export function figure(run: RunResult, variant: string, name: string, reads: BaseReads) {
  reads.read(name);
  const v = okVariant(run, variant);
  const f = figuresByName(v).get(name);
  if (!f)
    throw new Missing(
      `the run did not measure ${name} for ${variant} (metrics: ${run.metrics.join(', ')})`,
    );
  const basis = figureDefinition(name)?.turnsOn;
  if (basis && basis !== 'none') reads.note(v, basis, 'size', name);
  return f;
}

export type Measured = ReturnType<typeof figure>;

export const show = (f: Measured) => formatFigure(f.value, f.unit);

/**
 * A claim on a repeated figure is judged by the one rule (measure/decision.ts):
 * the claim's figure is taken round by round (each round runs every variant
 * back to back), and the distribution-free interval of its median, at the
 * run's confidence for the looks its metric planned, decides: wholly inside
 * what the claim accepts, confirmed; wholly outside, refuted; across the
 * edge, or too few rounds for any interval, inconclusive with the rounds.
 */
export function byInterval(
  run: RunResult,
  name: string,
  values: readonly number[],
  accepted: readonly [number, number],
  format: (value: number) => string,
): { verdict: 'confirmed' | 'refuted' | 'inconclusive'; note: string } {
  const rule = ruleOf(run, name);
  const interval = medianInterval(values, lookAlpha(rule.confidencePct, rule.looks));
  if (!interval) {
    return {
      verdict: 'inconclusive',
      note: `; inconclusive (${values.length} rounds): the rule decides on ${roundsTheRuleNeeds(run, name)} or more`,
    };
  }
  const [low, high] = interval;
  const words = `the median of ${values.length} rounds, interval ${format(low)} to ${format(high)} at ${confidenceWords(rule)}`;
  if (low >= accepted[0] && high <= accepted[1])
    return { verdict: 'confirmed', note: `; ${words}` };
  if (high < accepted[0] || low > accepted[1]) return { verdict: 'refuted', note: `; ${words}` };
  return {
    verdict: 'inconclusive',
    note: `; ${words}: the interval crosses what the claim accepts, so the machine's noise, not the images, would decide`,
  };
}

/**
 * A timed claim compares two variants of one run, whose i-th samples come
 * from the same round: the claim's figure (a reduction, a ratio) is taken
 * round by round and judged by byInterval. Exact figures (sizes) have one
 * value, and no verdict here.
 */
export function byRound(
  run: RunResult,
  name: string,
  a: Measured,
  b: Measured,
  of: (x: number, y: number) => number,
  accepted: readonly [number, number],
  format: (value: number) => string,
): { verdict?: 'confirmed' | 'refuted' | 'inconclusive'; note: string } {
  if (!a.samples?.length || !b.samples?.length) return { note: '' };
  // The rounds both have: the first ones (a variant leaves the rounds once decided).
  const n = Math.min(a.samples.length, b.samples.length);
  const values = a.samples.slice(0, n).map((x, i) => of(x, b.samples?.[i] ?? Number.NaN));
  return byInterval(run, name, values, accepted, format);
}
