import { median } from '../measure/statistics.js';
import { type Figure, figuresByName } from '../metrics/figures.js';
import type { Unit } from '../metrics/metric.js';
import type { RunResult } from '../types.js';

/** One figure of a variant, as both runs have it. */
export interface FigureChange {
  variant: string;
  /** `size`, `build cold`, `pull unlimited`, `startup`, `memory load rss`… */
  figure: string;
  unit: Unit;
  base: number;
  head: number;
  /** (head − base) ÷ base, in percent. */
  changePct: number;
  /**
   * The noise of the figure in each run, in percent of its value: the
   * median's 95 % interval half-width (`medianRme`), or the mean's rme when
   * too few samples give no interval; 0 for exact figures (sizes).
   */
  noisePct: { base: number; head: number };
  /**
   * Whether the change is beyond the noise of both runs: the two medians'
   * 95 % intervals (value ± noise) do not overlap. An exact figure is beyond
   * noise when it changes at all.
   */
  beyondNoise: boolean;
  /** The change left after the shift every variant shared (see `Shift`), in percent. */
  ownChangePct: number;
  /**
   * Whether this variant changed: beyond the noise of both runs once the
   * shift that every variant shared is taken out. A machine that is 10 %
   * slower tonight moves every variant's startup; a base image that changed
   * moves one variant's.
   */
  significant: boolean;
}

/**
 * A figure that moved by about the same amount for every variant (the
 * median of their changes, beyond the median noise): the machine, the engine
 * or the tool changed, not a variant.
 */
export interface Shift {
  figure: string;
  /** Median change over the variants that have the figure, in percent. */
  changePct: number;
  variants: number;
}

export interface Comparison {
  base: string;
  head: string;
  changes: FigureChange[];
  /** Figures that every variant moved together, beyond noise. */
  shifts: Shift[];
  /** Variants only one run has, or that failed in one: `name: reason`. */
  notCompared: string[];
}

/** Below this many variants with a figure, no shared shift is estimated. */
const MIN_VARIANTS_FOR_SHIFT = 3;

/** Whether `base` ± its noise and `head` ± its noise do not overlap (exact figures: differ at all). */
function apart(base: number, baseNoise: number, head: number, headNoise: number): boolean {
  if (baseNoise === 0 && headNoise === 0) return base !== head;
  return (
    head * (1 - headNoise / 100) > base * (1 + baseNoise / 100) ||
    head * (1 + headNoise / 100) < base * (1 - baseNoise / 100)
  );
}

/**
 * Each figure both runs have, with its change in %, whether that change is
 * beyond the noise of both runs, and whether it is the variant's own change
 * or one that every variant shared (see `Shift`).
 */
export function compareRuns(base: RunResult, head: RunResult): Comparison {
  const pairs: Array<{ variant: string; figure: string; b: Figure; h: Figure }> = [];
  const notCompared: string[] = [];
  for (const h of head.variants) {
    const b = base.variants.find((v) => v.name === h.name);
    if (!b) {
      notCompared.push(`${h.name}: not in the base run`);
      continue;
    }
    if (b.state !== 'ok' || h.state !== 'ok') {
      const which = b.state !== 'ok' ? `${b.state} in the base run` : `${h.state} in the head run`;
      notCompared.push(`${h.name}: ${which}; its figures are not compared`);
      continue;
    }
    const baseFigures = figuresByName(b);
    for (const [figure, hf] of figuresByName(h)) {
      const bf = baseFigures.get(figure);
      if (bf && bf.value !== 0) pairs.push({ variant: h.name, figure, b: bf, h: hf });
    }
  }
  for (const b of base.variants) {
    if (!head.variants.some((h) => h.name === b.name))
      notCompared.push(`${b.name}: not in the head run`);
  }
  const change = (p: (typeof pairs)[number]) => ((p.h.value - p.b.value) / p.b.value) * 100;
  const shifts: Shift[] = [];
  const shiftOf = new Map<string, number>();
  for (const figure of new Set(pairs.map((p) => p.figure))) {
    const of = pairs.filter((p) => p.figure === figure);
    if (of.length < MIN_VARIANTS_FOR_SHIFT) continue;
    const shift = median(of.map(change));
    const noise = median(of.map((p) => p.b.noisePct + p.h.noisePct));
    if (Math.abs(shift) > noise && noise > 0) {
      shiftOf.set(figure, shift);
      shifts.push({ figure, changePct: shift, variants: of.length });
    }
  }
  const changes = pairs.map((p): FigureChange => {
    const shift = shiftOf.get(p.figure) ?? 0;
    const own = p.h.value / (1 + shift / 100);
    return {
      variant: p.variant,
      figure: p.figure,
      unit: p.h.unit,
      base: p.b.value,
      head: p.h.value,
      changePct: change(p),
      noisePct: { base: p.b.noisePct, head: p.h.noisePct },
      beyondNoise: apart(p.b.value, p.b.noisePct, p.h.value, p.h.noisePct),
      ownChangePct: ((own - p.b.value) / p.b.value) * 100,
      significant: apart(p.b.value, p.b.noisePct, own, p.h.noisePct),
    };
  });
  return { base: base.runId, head: head.runId, changes, shifts, notCompared };
}
