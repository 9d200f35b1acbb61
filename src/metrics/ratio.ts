import { z } from 'zod';
import { medianInterval, roundRatios } from '../measure/decision.js';
import { jsonNumber, median } from '../measure/statistics.js';
import type { FigureDefinition } from './metric.js';
import { alphaOfMetric } from './rule-of.js';
import { figuresOf, type RunResult, type VariantResult } from './run-result.js';

/**
 * A variant's figure over another's, round by round: each round runs every
 * variant back to back in shuffled order, so what the machine does during a
 * round (another job, a slow minute) moves both samples of a pair and
 * cancels in their ratio.
 */
export const ratioSchema = z
  .object({
    /** Pairs (rounds both variants have). */
    n: z.number().int(),
    /** Median of the per-round ratios. */
    p50: z.number(),
    /**
     * Distribution-free interval of that median, from order statistics of
     * the ratios, at the confidence of one look of the run's rule (95 % for
     * fixed rounds); absent when the rounds are too few for one.
     */
    ci: z.tuple([z.number(), z.number()]).optional(),
    /** Half the interval, in percent of the median ratio. */
    halfWidthPct: jsonNumber.optional(),
  })
  .meta({ id: 'Ratio' });
export type RatioStatistics = z.infer<typeof ratioSchema>;

/** Per-round ratios `samples[i] / reference[i]` over the rounds both have, summarised. */
export function pairedRatio(
  samples: readonly number[],
  reference: readonly number[],
  alpha = 0.05,
): RatioStatistics | undefined {
  const ratios = roundRatios(samples, reference);
  if (!ratios) return undefined;
  // The median and its order-statistics interval, at the rule's confidence for one look.
  const p50 = median(ratios);
  const ci = medianInterval(ratios, alpha);
  return {
    n: ratios.length,
    p50,
    ...(ci ? { ci, halfWidthPct: p50 !== 0 ? ((ci[1] - ci[0]) / 2 / p50) * 100 : 0 } : {}),
  };
}

/** The reference of a run's ratios: the one it was asked for, else the first variant run. */
export function referenceOf(run: RunResult): string | undefined {
  const asked = run.settings?.reference;
  return typeof asked === 'string' ? asked : run.variants[0]?.name;
}

/**
 * A variant's repeated figure set against the others of its rounds: `ref`,
 * each round's sample over the reference variant's in the same round;
 * `round`, each sample over the median of all variants' samples of its
 * round (the round's own pace, less noisy than one variant's sample).
 */
export const relativeFigureSchema = z.object({
  ref: ratioSchema.optional(),
  round: ratioSchema.optional(),
});
export type RelativeFigure = z.infer<typeof relativeFigureSchema>;

/** The median of each round over every variant's samples: the rounds all of them have (the first ones). */
export function roundMedians(sets: ReadonlyArray<readonly number[]>): number[] | undefined {
  const n = Math.min(...sets.map((s) => s.length));
  if (sets.length === 0 || n === 0) return undefined;
  return Array.from({ length: n }, (_, i) => median(sets.map((s) => s[i] as number)));
}

/**
 * One figure of every ok variant against the reference and against its
 * rounds, by variant, from their samples: the reference's samples and the
 * rounds' medians are taken once for all variants.
 */
export function relativeOfFigure(
  run: RunResult,
  definition: FigureDefinition,
  name: string,
): Map<string, RelativeFigure> {
  const samples = new Map(
    run.variants.flatMap((v) => {
      const s =
        v.state === 'ok' ? new Map(definition.read(figuresOf(v))).get(name)?.samples : undefined;
      return s ? [[v.name, s] as const] : [];
    }),
  );
  const against = samples.get(referenceOf(run) ?? '');
  const medians = samples.size >= 3 ? roundMedians([...samples.values()]) : undefined;
  const relative = new Map<string, RelativeFigure>();
  const alpha = alphaOfMetric(run, definition.metric);
  for (const [variant, own] of samples) {
    const ref = against ? pairedRatio(own, against, alpha) : undefined;
    const round = medians ? pairedRatio(own, medians, alpha) : undefined;
    if (ref || round)
      relative.set(variant, { ...(ref ? { ref } : {}), ...(round ? { round } : {}) });
  }
  return relative;
}

/** A figure of a variant against the reference and its rounds, as the run recorded it or from its samples. */
export function relativeFor(
  run: RunResult,
  variant: VariantResult,
  definition: FigureDefinition,
  name: string,
): RelativeFigure | undefined {
  if (run.relative) return run.relative.figures[variant.name]?.[name];
  return relativeOfFigure(run, definition, name).get(variant.name);
}
