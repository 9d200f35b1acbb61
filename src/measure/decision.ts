import { z } from 'zod';
import { median, medianCiRanks } from './statistics.js';

/**
 * The one rule by which imgbench decides a comparison of repeated figures:
 * the answer's questions, the claims' verdicts, compare and budgets.
 *
 * A comparison is the median of per-round ratios (variant A's sample over
 * B's, from the same round). Its interval is the distribution-free one of
 * the median from order statistics (the sign-test interval: it assumes only
 * that rounds are independent, not that times are normal). The comparison is
 * decided when that interval lies
 * - wholly inside 1 ± the margin: equivalent ("no difference bigger than 5 %");
 * - wholly below 1 − the margin or above 1 + it: A is lower, or higher, by
 *   more than the margin;
 * and is undecided while it crosses an edge of the band. A true ratio inside
 * the band can then only ever be decided equivalent and one outside it only
 * lower or higher, so two runs of the same code cannot decide one difference
 * of 3 % "higher" and the other "equivalent" (an interval that merely
 * excluded 1 would allow both).
 *
 * Sequential looks: a measurement that looks at its rounds several times
 * (after 7, 11 and 16 rounds, say) and stops at the first that decides would
 * err more often than each look's interval says. Each look therefore spends
 * an equal share of the error (Bonferroni over the looks planned before the
 * first round): with 3 looks and 95 %, each interval is at 98.3 %, and by the
 * union bound the chance that any look's interval misses is at most 5 %,
 * whenever the run stops. A run of fixed rounds has one look.
 */
export const decisionRuleSchema = z.object({
  /** The confidence of a decision over all its looks, in percent. @default 95 */
  confidencePct: z.number(),
  /** "Equivalent" means the ratio's interval lies within 1 ± this, in percent. @default 5 */
  marginPct: z.number(),
  /**
   * The rounds at which each repeated metric looked at its figures, planned
   * before its first round: one look for a fixed number of rounds.
   */
  looks: z.record(z.string(), z.array(z.number().int())),
});
export type DecisionRule = z.infer<typeof decisionRuleSchema>;

/** @default 95 % over all looks */
export const DEFAULT_CONFIDENCE_PCT = 95;
/** @default ±5 % */
export const DEFAULT_MARGIN_PCT = 5;

export type Verdict = 'lower' | 'higher' | 'equivalent' | 'undecided';

export interface Decision {
  verdict: Verdict;
  /** Rounds (pairs). */
  n: number;
  /** Median of the per-round ratios. */
  p50: number;
  /** The interval at the look's confidence; absent when n rounds give none. */
  ci?: [number, number];
  /** The confidence of one look's interval, in percent (95 % ÷ looks planned, Bonferroni). */
  lookConfidencePct: number;
  /** With an undecided verdict: the rounds it would take, if the ratios' spread holds. */
  roundsNeeded?: number;
}

/** The fewest rounds whose smallest and largest bound the median at 1 − alpha: 2·½ⁿ ≤ alpha. */
export function roundsForAnInterval(alpha: number): number {
  let n = 1;
  while (2 * 0.5 ** n > alpha) n++;
  return n;
}

/** The error each look may spend: the rule's, shared equally by the looks planned. */
export const lookAlpha = (confidencePct: number, looks: number) =>
  (1 - confidencePct / 100) / Math.max(1, looks);

/**
 * The rounds at which a sequential measurement looks: the first round that
 * can decide at all, then twice as many each time (or `every` more, when
 * given), and `max` (a last step of less than a quarter of the one before is
 * merged into it). Every look spends a share of the error, so few looks let
 * each decide on fewer rounds; doubling keeps them few while a large
 * difference still stops at the first. The first look is where the smallest
 * and largest ratio first bound the median at that look's share of the
 * error.
 */
export function plannedLooks(
  max: number,
  confidencePct = DEFAULT_CONFIDENCE_PCT,
  every?: number,
): number[] {
  // The first look depends on how many looks share the error, and that on the first look.
  for (let count = 1; count < 16; count++) {
    const first = roundsForAnInterval(lookAlpha(confidencePct, count));
    if (first >= max) return [max];
    const looks = [first];
    for (let next = every ? first + every : first * 2; next < max; ) {
      looks.push(next);
      next = every ? next + every : next * 2;
    }
    const last = looks.at(-1) as number;
    if (max - last < (every ?? last) / 4) looks.pop();
    looks.push(max);
    if (looks.length <= count) return looks;
  }
  return [max];
}

/** The interval of the median of `values` at 1 − alpha; none when too few. */
export function medianInterval(
  values: readonly number[],
  alpha: number,
): [number, number] | undefined {
  const ranks = medianCiRanks(values.length, alpha);
  if (!ranks) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return [sorted[ranks[0] - 1] as number, sorted[ranks[1] - 1] as number];
}

/** How the rule reads a run: its confidence and margin, and the looks each metric planned. */
export interface RuleOf {
  confidencePct: number;
  marginPct: number;
  /** Looks planned for the rounds of this comparison; 1 for fixed rounds. */
  looks: number;
}

/**
 * Where an interval of a ratio lies against the band 1 ± `marginPct` %:
 * wholly inside it, wholly below or above it, or across an edge.
 */
export function bandVerdict(ci: readonly [number, number], marginPct: number): Verdict {
  const m = marginPct / 100;
  if (ci[0] >= 1 - m && ci[1] <= 1 + m) return 'equivalent';
  if (ci[1] < 1 - m) return 'lower';
  if (ci[0] > 1 + m) return 'higher';
  return 'undecided';
}

/**
 * Decides the per-round ratios of one comparison (see the rule above). An
 * undecided one says how many rounds would decide it, were the ratios' spread
 * to stay what it is: the interval narrows as 1/√n.
 */
export function decideRatios(ratios: readonly number[], rule: RuleOf): Decision {
  const n = ratios.length;
  const alpha = lookAlpha(rule.confidencePct, rule.looks);
  const lookConfidencePct = (1 - alpha) * 100;
  const p50 = n > 0 ? median(ratios) : Number.NaN;
  const ci = medianInterval(ratios, alpha);
  if (!ci) {
    return {
      verdict: 'undecided',
      n,
      p50,
      lookConfidencePct,
      roundsNeeded: roundsForAnInterval(alpha),
    };
  }
  const m = rule.marginPct / 100;
  const verdict = bandVerdict(ci, rule.marginPct);
  if (verdict !== 'undecided') return { verdict, n, p50, ci, lookConfidencePct };
  // The half-width that would decide: below the median's distance to the
  // nearer edge of the band, on whichever side of it the median lies.
  const half = (ci[1] - ci[0]) / 2;
  const wanted = Math.min(Math.abs(p50 - (1 - m)), Math.abs(p50 - (1 + m)));
  const roundsNeeded =
    wanted > 0 && half > 0 ? Math.max(n + 1, Math.ceil(n * (half / wanted) ** 2)) : undefined;
  return {
    verdict,
    n,
    p50,
    ci,
    lookConfidencePct,
    ...(roundsNeeded !== undefined ? { roundsNeeded } : {}),
  };
}

/** Per-round ratios `a[i] / b[i]` over the rounds both have; none when there are none or one is not finite. */
export function roundRatios(a: readonly number[], b: readonly number[]): number[] | undefined {
  // A variant leaves the rounds once its questions are decided (runRounds), so
  // the rounds two variants share are the first ones of each.
  const n = Math.min(a.length, b.length);
  if (n === 0) return undefined;
  const ratios = a.slice(0, n).map((x, i) => x / (b[i] as number));
  return ratios.every(Number.isFinite) ? ratios : undefined;
}

/** `95 % (98.3 % per look, 3 looks)`: how a decision's confidence is said. */
export function confidenceWords(rule: RuleOf): string {
  const each = (1 - lookAlpha(rule.confidencePct, rule.looks)) * 100;
  return rule.looks > 1
    ? `${rule.confidencePct} % over ${rule.looks} looks (${each.toFixed(1)} % each)`
    : `${rule.confidencePct} %`;
}
