import type { Budget, Config } from '../config/config.js';
import { formatMB } from '../format/format.js';
import { medianInterval } from '../measure/decision.js';
import { figuresByName, metricOfFigure } from '../metrics/figures.js';
import { alphaOfMetric } from '../metrics/rule-of.js';
import type { RunResult } from '../metrics/run-result.js';
import type { Comparison } from './compare.js';

/** A budget that a run or a compare broke, with what was measured. */
export interface Breach {
  budget: string;
  variant: string;
  figure: string;
  /** The measured value (`max`) or change beyond noise in % (`maxRegressionPct`). */
  measured: number;
  limit: number;
  kind: 'max' | 'maxRegressionPct';
  /** One line: `budget "scratch stays small": scratch image size is 21.3 MB, over its max of 20.0 MB`. */
  message: string;
}

const applies = (budget: Budget, variant: string) =>
  budget.variant === '*' || budget.variant === variant;

const show = (value: number, unit: 'bytes' | 'ms') =>
  unit === 'bytes' ? formatMB(value) : `${value.toFixed(1)} ms`;

/** `max` budgets against a run's figures (for a compare, the head run). */
export function checkMaxBudgets(run: RunResult, config: Config): Breach[] {
  const breaches: Breach[] = [];
  for (const budget of config.budgets) {
    if (budget.max === undefined) continue;
    for (const v of run.variants) {
      if (!applies(budget, v.name)) continue;
      const figure = figuresByName(v).get(budget.figure);
      if (!figure || figure.value <= budget.max) continue;
      // A timed figure is over only when the rule's interval of its median is.
      const interval = figure.samples
        ? medianInterval(figure.samples, alphaOfMetric(run, metricOfFigure(budget.figure) ?? ''))
        : undefined;
      if (figure.samples && !(interval && interval[0] > budget.max)) continue;
      const rounds = interval
        ? ` (its interval ${show(interval[0], figure.unit)}–${show(interval[1], figure.unit)} over ${figure.samples?.length} rounds lies above it)`
        : '';
      breaches.push({
        budget: budget.name,
        variant: v.name,
        figure: budget.figure,
        measured: figure.value,
        limit: budget.max,
        kind: 'max',
        message: `budget "${budget.name}": ${v.name} ${budget.figure} is ${show(figure.value, figure.unit)}, over its max of ${show(budget.max, figure.unit)}${rounds}`,
      });
    }
  }
  return breaches;
}

/**
 * `maxRegressionPct` budgets against a compare: the change the rule is sure
 * of, the low end of head ÷ base's interval (see compare's decision), over
 * the limit; an exact figure's change as it is.
 */
export function checkRegressionBudgets(comparison: Comparison, config: Config): Breach[] {
  const breaches: Breach[] = [];
  for (const budget of config.budgets) {
    if (budget.maxRegressionPct === undefined) continue;
    for (const c of comparison.changes) {
      if (!applies(budget, c.variant) || c.figure !== budget.figure) continue;
      // The engine changed under the figure: compare says so instead.
      if (c.cause === 'engine') continue;
      const beyondNoisePct = ((c.ratioCi?.[0] ?? c.head / c.base) - 1) * 100;
      if (beyondNoisePct <= budget.maxRegressionPct) continue;
      breaches.push({
        budget: budget.name,
        variant: c.variant,
        figure: c.figure,
        measured: beyondNoisePct,
        limit: budget.maxRegressionPct,
        kind: 'maxRegressionPct',
        message: `budget "${budget.name}": ${c.variant} ${c.figure} regressed by ${beyondNoisePct.toFixed(1)} % beyond noise (${show(c.base, c.unit)} → ${show(c.head, c.unit)}, ${c.changePct >= 0 ? '+' : ''}${c.changePct.toFixed(1)} %), over its limit of ${budget.maxRegressionPct} %`,
      });
    }
  }
  return breaches;
}
