import {
  type Decision,
  decideRatios,
  lookAlpha,
  type RuleOf,
  roundRatios,
  roundsForAnInterval,
} from '../measure/decision.js';
import { type Figure, figuresByName, metricOfFigure } from './figures.js';
import { HEADLINES } from './headlines.js';
import { ruleOfMetric } from './rule-of.js';
import type { OkVariant, RunResult } from './run-result.js';

/** How the rule reads a figure of a run (see ruleOfMetric). */
export const ruleOf = (run: RunResult, figure: string): RuleOf =>
  ruleOfMetric(run, metricOfFigure(figure) ?? '');

/** The fewest rounds on which the rule decides anything about this figure of the run. */
export const roundsTheRuleNeeds = (run: RunResult, figure: string): number => {
  const rule = ruleOf(run, figure);
  return roundsForAnInterval(lookAlpha(rule.confidencePct, rule.looks));
};

/**
 * Decides `a` against `b` (two figures of one run): a repeated figure by the
 * rule on its per-round ratios; an exact one (a size) by its value, any
 * difference being one.
 */
export function compareFigures(a: Figure, b: Figure, rule: RuleOf): Decision {
  if (!a.samples || !b.samples) {
    const p50 = a.value / b.value;
    return {
      verdict: p50 === 1 ? 'equivalent' : p50 < 1 ? 'lower' : 'higher',
      n: 1,
      p50,
      ci: [p50, p50],
      lookConfidencePct: 100,
    };
  }
  return decideRatios(roundRatios(a.samples, b.samples) ?? [], rule);
}

export interface Contender {
  variant: OkVariant;
  figure: Figure;
  /** The best's figure over this one's, decided by the rule; absent for the best itself. */
  against?: Decision;
}

export interface QuestionAnswer {
  question: string;
  figure: string;
  /**
   * `winner`: the best is decided lower than every other; `tied`: the others
   * are either decided higher or equivalent to it; `undecided`: some are
   * neither yet; `missing`/`single`: no figure, or one variant with it.
   */
  state: 'winner' | 'tied' | 'undecided' | 'missing' | 'single';
  rule: RuleOf;
  /** The variants with the figure, lowest first. */
  ranked: Contender[];
  /** Those equivalent to the best (within the margin). */
  tied: Contender[];
  /** Those not yet told apart from the best. */
  open: Contender[];
}

/** One question of the answer block over the run's ok variants. */
export function answerQuestion(run: RunResult, question: string, figure: string): QuestionAnswer {
  const rule = ruleOf(run, figure);
  const ranked: Contender[] = run.variants
    .filter((v): v is OkVariant => v.state === 'ok')
    .flatMap((variant) => {
      const f = figuresByName(variant).get(figure);
      return f ? [{ variant, figure: f }] : [];
    })
    .sort((a, b) => a.figure.value - b.figure.value);
  const [best, ...rest] = ranked;
  if (!best || rest.length === 0) {
    return {
      question,
      figure,
      rule,
      state: best ? 'single' : 'missing',
      ranked,
      tied: [],
      open: [],
    };
  }
  const others = rest.map((c) => ({ ...c, against: compareFigures(best.figure, c.figure, rule) }));
  const tied = others.filter((c) => c.against.verdict === 'equivalent');
  const open = others.filter(
    (c) => c.against.verdict === 'undecided' || c.against.verdict === 'higher',
  );
  return {
    question,
    figure,
    rule,
    state: open.length > 0 ? 'undecided' : tied.length > 0 ? 'tied' : 'winner',
    ranked: [best, ...others],
    tied,
    open,
  };
}

/** Every question of the answer block, over the run as it stands. */
export const answerQuestions = (run: RunResult): QuestionAnswer[] =>
  HEADLINES.flatMap(({ question, figure }) =>
    question ? [answerQuestion(run, question, figure)] : [],
  );

/** The questions on these figures that the run's rounds have not decided yet. */
export const openQuestions = (run: RunResult, figures: readonly string[]): QuestionAnswer[] =>
  answerQuestions(run).filter((q) => figures.includes(q.figure) && q.state === 'undecided');

/** The questions asked of these figures, and those still open: what a repeated measurement looks at. */
export const QUESTIONS_OF_FIGURES = {
  asked: (run: RunResult, figures: readonly string[]) =>
    answerQuestions(run)
      .filter((q) => figures.includes(q.figure))
      .map((q) => q.question),
  open: (run: RunResult, figures: readonly string[]) =>
    openQuestions(run, figures).map((q) => q.question),
  contenders: (run: RunResult, figures: readonly string[]) => [
    ...new Set(
      openQuestions(run, figures).flatMap((q) => stillGoing(q).map((c) => c.variant.name)),
    ),
  ],
};

/**
 * The variants of an open question that sample on: the best, those tied with
 * it and those not told apart from it (any of them can become the best as
 * rounds go on), and every other variant that one of them is not yet decided
 * ahead of. A variant leaves only once each of those is decided lower than it
 * by more than the margin; since it never comes back, the rounds it shares
 * with whichever of them ends the best are those that decided it behind.
 */
function stillGoing(q: QuestionAnswer): Contender[] {
  const best = q.ranked[0];
  if (!best) return [];
  const going = [best, ...q.tied, ...q.open];
  const behind = q.ranked.filter((c) => !going.includes(c));
  return [
    ...going,
    ...behind.filter((c) =>
      going.some((d) => compareFigures(d.figure, c.figure, q.rule).verdict !== 'lower'),
    ),
  ];
}
