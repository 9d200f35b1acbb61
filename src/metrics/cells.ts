import type { SampleStatistics } from '../measure/statistics.js';
import type { RunResult } from '../types.js';
import { figuresOf } from '../types.js';
import type { CsvCells, Figure, Unit, VariantRow } from './metric.js';

/** The rme of a statistic as a cell: `3.4 %`, or `–` when it is not finite (one sample). */
export const rmeCell = (s: SampleStatistics | undefined): string =>
  s && Number.isFinite(s.rme) ? `${s.rme.toFixed(1)} %` : '–';

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
  return { value: s.p50, noisePct: s.medianRme ?? s.rme, unit };
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
