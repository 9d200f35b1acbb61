import {
  DEFAULT_CONFIDENCE_PCT,
  DEFAULT_MARGIN_PCT,
  lookAlpha,
  type RuleOf,
} from '../measure/decision.js';
import type { RunResult } from './run-result.js';

/**
 * How the rule reads a metric's figures in a run: the run's confidence and
 * margin, and the looks the metric planned (one for fixed rounds, and for
 * runs made before sampling was sequential).
 */
export function ruleOfMetric(run: RunResult, metric: string): RuleOf {
  const rule = run.settings?.decision;
  return {
    confidencePct: rule?.confidencePct ?? DEFAULT_CONFIDENCE_PCT,
    marginPct: rule?.marginPct ?? DEFAULT_MARGIN_PCT,
    looks: rule?.looks[metric]?.length ?? 1,
  };
}

/** The error one interval of the metric's figures may have in this run. */
export const alphaOfMetric = (run: RunResult, metric: string): number => {
  const rule = ruleOfMetric(run, metric);
  return lookAlpha(rule.confidencePct, rule.looks);
};
