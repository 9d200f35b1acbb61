import { z } from 'zod';

/**
 * Statistics of repeated measurements, as pure functions. Names follow
 * tinybench's `Statistics` (mean, p50, p95, sd, sem, moe, rme).
 */

/**
 * Modified z-score above which a sample is flagged as an outlier:
 * |0.6745 · (x − median) / MAD| > 3.5, the rule and threshold recommended by
 * Iglewicz and Hoaglin (1993), "How to Detect and Handle Outliers", ASQC.
 * (hyperfine's outlier_detection.rs uses the same score with a laxer
 * threshold of 1.4826 × 10, for warnings only.) Outliers are flagged, never
 * dropped: every figure below is over all samples.
 */
export const OUTLIER_MODIFIED_Z = 3.5;
/** 0.6745 is the 0.75 quantile of the standard normal: it scales the MAD to σ. */
const MAD_TO_Z = 0.6745;

/**
 * A number that JSON may hold as `null`: `JSON.stringify` writes NaN and
 * Infinity (an rme of one sample) as null, so a results.json read back holds
 * null where the run held a number that was not finite. Code reads such
 * numbers through `Number.isFinite`, which is false for both.
 */
export const jsonNumber = z.union([z.number(), z.null()]) as unknown as z.ZodType<number>;

export const sampleStatisticsSchema = z
  .object({
    /** How many samples (all kept). */
    n: z.number().int(),
    /** Every sample, in the order taken. */
    samples: z.array(jsonNumber),
    mean: jsonNumber,
    /** Median. */
    p50: jsonNumber,
    p95: jsonNumber,
    min: jsonNumber,
    max: jsonNumber,
    /** Sample standard deviation (n − 1). */
    sd: jsonNumber,
    /** Standard error of the mean. */
    sem: jsonNumber,
    /** Margin of error at 95 % (Student's t). */
    moe: jsonNumber,
    /** Relative margin of error, in percent of the mean. */
    rme: jsonNumber,
    /**
     * Distribution-free 95 % confidence interval of the median, from order
     * statistics; absent below 6 samples, where no pair of them covers 95 %.
     */
    medianCi: z.tuple([jsonNumber, jsonNumber]).optional(),
    /** Half the median's interval, in percent of the median: an rme that outliers do not inflate. */
    medianRme: jsonNumber.optional(),
    /** Median absolute deviation. */
    mad: jsonNumber,
    /** Indexes (into `samples`) flagged by the modified z-score rule. */
    outliers: z.array(z.number().int()),
    outlierRule: z.string(),
  })
  .meta({ id: 'SampleStatistics' });

/** Statistics of one figure over its samples. */
export type SampleStatistics = z.infer<typeof sampleStatisticsSchema>;

/** Two-sided 95 % critical values of Student's t by degrees of freedom (1–30); 1.96 beyond. */
const T_95 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145,
  2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048,
  2.045, 2.042,
];

export function tCritical95(df: number): number {
  if (df < 1) return Number.NaN;
  return T_95[df - 1] ?? 1.96;
}

/** Percentile by linear interpolation between closest ranks (as numpy's default). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const a = sorted[low] as number;
  const b = sorted[high] as number;
  return a + (b - a) * (rank - low);
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((x, y) => x - y),
    50,
  );
}

/** Indexes of samples whose modified z-score exceeds OUTLIER_MODIFIED_Z. */
export function madOutliers(samples: readonly number[]): number[] {
  if (samples.length < 3) return [];
  const m = median(samples);
  const mad = median(samples.map((x) => Math.abs(x - m)));
  // With MAD 0 (most samples equal), any differing sample is an outlier, as in hyperfine.
  const scale = mad > 0 ? mad : Number.EPSILON;
  return samples.flatMap((x, i) =>
    Math.abs((MAD_TO_Z * (x - m)) / scale) > OUTLIER_MODIFIED_Z ? [i] : [],
  );
}

/** P(X ≤ k) for X ~ Binomial(n, 1/2). */
function binomialHalfCdf(n: number, k: number): number {
  let term = 0.5 ** n; // P(X = 0)
  let sum = 0;
  for (let i = 0; i <= k; i++) {
    sum += term;
    term = (term * (n - i)) / (i + 1);
  }
  return sum;
}

/**
 * 1-based ranks (lo, hi) of the order statistics that bound the median with
 * at least 1 − alpha coverage: the largest k with P(Binomial(n, ½) ≤ k − 1)
 * ≤ alpha / 2, and n − k + 1 (the sign-test interval). Undefined when even
 * the smallest and largest of n do not reach it (n < 6 at 95 %).
 */
export function medianCiRanks(n: number, alpha = 0.05): [number, number] | undefined {
  let k = 0;
  while (k + 1 <= n && binomialHalfCdf(n, k) <= alpha / 2) k++;
  return k >= 1 ? [k, n - k + 1] : undefined;
}

export function summarize(samples: readonly number[]): SampleStatistics {
  const n = samples.length;
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = n > 0 ? samples.reduce((s, x) => s + x, 0) / n : Number.NaN;
  const variance = n > 1 ? samples.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1) : 0;
  const sd = Math.sqrt(variance);
  const sem = n > 0 ? sd / Math.sqrt(n) : Number.NaN;
  const moe = n > 1 ? sem * tCritical95(n - 1) : Number.NaN;
  const p50 = percentile(sorted, 50);
  const ranks = medianCiRanks(n);
  const medianCi: [number, number] | undefined = ranks
    ? [sorted[ranks[0] - 1] as number, sorted[ranks[1] - 1] as number]
    : undefined;
  return {
    n,
    samples: [...samples],
    mean,
    p50,
    p95: percentile(sorted, 95),
    min: sorted[0] ?? Number.NaN,
    max: sorted[n - 1] ?? Number.NaN,
    sd,
    sem,
    moe,
    rme: mean !== 0 ? (moe / mean) * 100 : Number.NaN,
    ...(medianCi
      ? { medianCi, medianRme: p50 !== 0 ? ((medianCi[1] - medianCi[0]) / 2 / p50) * 100 : 0 }
      : {}),
    mad: n > 0 ? median(samples.map((x) => Math.abs(x - p50))) : Number.NaN,
    outliers: madOutliers(samples),
    outlierRule: `modified z-score |0.6745·(x−median)/MAD| > ${OUTLIER_MODIFIED_Z} (Iglewicz & Hoaglin 1993)`,
  };
}
