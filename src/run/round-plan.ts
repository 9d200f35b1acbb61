import { formatDuration } from '../format/format.js';
import { DEFAULT_CONFIDENCE_PCT } from '../measure/decision.js';
import { REPEATED_METRICS } from '../metrics/registry.js';
import type { RunOptions } from '../metrics/run-options.js';
import { RoundPlanner, samplingKey } from '../metrics/sampling.js';

/**
 * The run's planner: its budget from the run's start, and each repeated
 * measurement's first-look rounds, at the time a sample of a variant is
 * expected to take until one is measured.
 */
export function planRounds(
  options: RunOptions,
  variants: number,
  startedAtMs: number,
): RoundPlanner {
  const toCome = REPEATED_METRICS.filter((m) => options.metrics.includes(m.name)).flatMap((m) =>
    (m.name === 'pull' ? options.links.map((l) => samplingKey(m.name, l.name)) : [m.name]).map(
      (key) => ({
        key,
        firstLookMs: (options.looks[m.name][0] ?? 0) * variants * m.samples.expectedMs,
      }),
    ),
  );
  return new RoundPlanner(
    options.budgetMs === null ? undefined : startedAtMs + options.budgetMs,
    toCome,
  );
}

/**
 * What the run will do with its rounds, said before it starts: each repeated
 * metric's first look and most rounds, the rule and the budget.
 */
export function planLine(options: RunOptions): string {
  const parts = REPEATED_METRICS.filter((m) => options.metrics.includes(m.name)).map((m) => {
    const looks = options.looks[m.name];
    return looks.length > 1
      ? `${m.name} ${looks[0]} rounds, up to ${looks.at(-1)} until its question is decided`
      : `${m.name} ${looks[0]} round${looks[0] === 1 ? '' : 's'}`;
  });
  const budget =
    options.budgetMs === null
      ? 'no time budget'
      : `a budget of ${formatDuration(options.budgetMs)}`;
  return `rounds: ${parts.join('; ')}; decided at ${DEFAULT_CONFIDENCE_PCT} % (equal within ±${options.marginPct} %), within ${budget}`;
}
