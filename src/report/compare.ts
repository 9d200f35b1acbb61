import { type EngineInfo, engineName } from '../engine/engine.js';
import { bandVerdict, medianInterval } from '../measure/decision.js';
import { sizeBasisOf } from '../measure/image-size.js';
import { median } from '../measure/statistics.js';
import {
  type Figure,
  figureDefinition,
  figuresByName,
  metricOfFigure,
} from '../metrics/figures.js';
import type { Unit } from '../metrics/metric.js';
import { SECOND_ENGINE_METRICS } from '../metrics/registry.js';
import { relativeOf } from '../metrics/relative.js';
import { alphaOfMetric, ruleOfMetric } from '../metrics/rule-of.js';
import { figuresOf, type RunResult } from '../metrics/run-result.js';

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
   * What `significant` was decided on: `round`, the variant's figure over
   * its rounds' median in each run (the machine's pace cancels within a
   * round), when both runs have it; else `absolute`, the change once the
   * shared shift is taken out.
   */
  basis: 'round' | 'absolute';
  /** With basis `round`: the change of the variant's figure over its rounds' median, in percent. */
  roundChangePct?: number;
  /**
   * Whether this variant changed: beyond the noise of both runs once the
   * shift that every variant shared is taken out. A machine that is 10 %
   * slower tonight moves every variant's startup; a base image that changed
   * moves one variant's.
   */
  significant: boolean;
  /**
   * The rule's decision on the change (measure/decision.ts): `changed` when
   * the interval of head ÷ base lies wholly beyond 1 ± the head run's
   * margin, `same` when it lies within it, `undecided` otherwise; with the rounds each
   * run had. The interval of the ratio is bounded by the two runs' intervals
   * (of the figure over its rounds' median, where both have them).
   */
  decision: 'changed' | 'same' | 'undecided';
  /** head ÷ base, with the interval that decided; absent for exact figures. */
  ratioCi?: [number, number];
  rounds?: { base: number; head: number };
  /**
   * `engine`: the engine this figure also measures changed between the runs
   * (see `Comparison.engineChanges`), so its change is not counted as the
   * variant's, whatever its size.
   */
  cause?: 'engine';
}

/**
 * A figure that moved by about the same amount for every variant: the
 * median of their changes, whatever each one's own significance, beyond the
 * noise of that median. The machine, the engine or the tool changed, not a
 * variant.
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
  /** The engines that changed between the runs: `build engine: dockerd 20.10.24, classic image store → …`. */
  engineChanges: string[];
  /** The head run's margin: "the same" means within ± this, in percent. */
  marginPct: number;
}

type EngineRole = 'build' | 'second';

/**
 * Which engines differ between the runs, by version or image store: the
 * build engine, and the second engine (pull, startup, memory) — taken to be
 * the build engine's kind in a run that did not record its own.
 */
function changedEngines(base: RunResult, head: RunResult): Map<EngineRole, string> {
  const changed = new Map<EngineRole, string>();
  const pairs: Array<[EngineRole, string, EngineInfo, EngineInfo]> = [
    ['build', 'build engine', base.engine, head.engine],
    [
      'second',
      'second engine (pull, startup, memory)',
      base.secondEngine?.info ?? base.engine,
      head.secondEngine?.info ?? head.engine,
    ],
  ];
  const usedSecond = (run: RunResult) => run.metrics.some((m) => SECOND_ENGINE_METRICS.includes(m));
  for (const [role, label, b, h] of pairs) {
    // Runs that did not both measure on a second engine have none to compare.
    if (role === 'second' && !(usedSecond(base) && usedSecond(head))) continue;
    if (engineName(b) !== engineName(h)) {
      changed.set(role, `${label}: ${engineName(b)} → ${engineName(h)}`);
    }
  }
  return changed;
}

/** Below this many variants with a figure, no shared shift is estimated. */
const MIN_VARIANTS_FOR_SHIFT = 3;

export type Interval = readonly [number, number];

/**
 * A figure's interval as the rule sees it in its run: an exact figure is its
 * value (widened by its stated noise, for the compressed size); a repeated
 * one the distribution-free interval of its median at the run's confidence
 * per look, or none when its rounds are too few for one.
 */
function intervalOf(run: RunResult, name: string, f: Figure): Interval | undefined {
  if (!f.samples) return [f.value * (1 - f.noisePct / 100), f.value * (1 + f.noisePct / 100)];
  return medianInterval(f.samples, alphaOfMetric(run, metricOfFigure(name) ?? ''));
}

/**
 * The rule on two runs' intervals of one figure: head ÷ base lies in
 * [head low ÷ base high, head high ÷ base low] (each scaled by `scale`, the
 * shift every variant shared, when it is taken out); `changed` when that
 * lies wholly beyond 1 ± the margin, `same` within it, else `undecided` (the
 * decision rule's band, measure/decision.ts). Two exact
 * figures changed when they differ at all.
 */
export function decideChange(
  base: Interval | undefined,
  head: Interval | undefined,
  marginPct: number,
  scale = 1,
): { decision: FigureChange['decision']; ratioCi?: [number, number] } {
  if (!base || !head) return { decision: 'undecided' };
  if (base[0] === base[1] && head[0] === head[1]) {
    return { decision: base[0] === head[0] * scale ? 'same' : 'changed' };
  }
  const ci: [number, number] = [head[0] / (base[1] * scale), head[1] / (base[0] * scale)];
  const verdict = bandVerdict(ci, marginPct);
  const decision =
    verdict === 'equivalent' ? 'same' : verdict === 'undecided' ? 'undecided' : 'changed';
  return { decision, ratioCi: ci };
}

/** A finite noise in percent; a figure with too few samples for an interval counts as 100 % noise. */
const finiteNoise = (pct: number | undefined) =>
  pct !== undefined && Number.isFinite(pct) ? pct : 100;

type Pair = { variant: string; figure: string; b: Figure; h: Figure };

/** The figures both runs have, variant by variant, and what is not compared and why. */
function pairFigures(base: RunResult, head: RunResult): { pairs: Pair[]; notCompared: string[] } {
  const pairs: Pair[] = [];
  const notCompared: string[] = [];
  const otherBasis: string[] = [];
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
    const [bSize, hSize] = [figuresOf(b).size, figuresOf(h).size];
    const sameBasis = !bSize || !hSize || sizeBasisOf(bSize) === sizeBasisOf(hSize);
    if (!sameBasis) otherBasis.push(h.name);
    for (const [figure, hf] of figuresByName(h)) {
      if (figure === 'image size' && !sameBasis) continue;
      const bf = baseFigures.get(figure);
      if (bf && bf.value !== 0) pairs.push({ variant: h.name, figure, b: bf, h: hf });
    }
  }
  for (const b of base.variants) {
    if (!head.variants.some((h) => h.name === b.name))
      notCompared.push(`${b.name}: not in the head run`);
  }
  if (otherBasis.length > 0) {
    notCompared.push(
      `image size of ${otherBasis.join(', ')}: one run has the engine's own figure (written before sizes were summed from layer tars), the other the layer tars' sum; a change of basis is not a change of the image`,
    );
  }
  return { pairs, notCompared };
}

const changeOf = (p: Pair) => ((p.h.value - p.b.value) / p.b.value) * 100;

/**
 * Each timed figure's shift: the median of its changes over the variants,
 * kept (in `shifts`) when it is beyond the noise of such a median.
 */
function sharedShifts(pairs: readonly Pair[]): { shifts: Shift[]; shiftOf: Map<string, number> } {
  const shifts: Shift[] = [];
  const shiftOf = new Map<string, number>();
  for (const figure of new Set(pairs.map((p) => p.figure))) {
    const of = pairs.filter((p) => p.figure === figure);
    // Exact figures (sizes) have no machine in them: a change is a variant's.
    if (of.length < MIN_VARIANTS_FOR_SHIFT || of.every((p) => p.b.noisePct === 0)) continue;
    const shift = median(of.map(changeOf));
    shiftOf.set(figure, shift);
    // The noise of a median of k changes: the typical change's combined
    // noise, shrunk by √k (each change's noise is its two intervals' halves).
    const noise =
      median(of.map((p) => Math.hypot(finiteNoise(p.b.noisePct), finiteNoise(p.h.noisePct)))) /
      Math.sqrt(of.length);
    if (Math.abs(shift) > noise) shifts.push({ figure, changePct: shift, variants: of.length });
  }
  return { shifts, shiftOf };
}

/**
 * Each figure both runs have, with its change in %, whether that change is
 * beyond the noise of both runs, and whether it is the variant's own change
 * or one that every variant shared (see `Shift`). Where both runs have the
 * figure over its rounds' median, that decides: a machine that is slower
 * tonight moves every variant and the rounds' median alike.
 */
export function compareRuns(base: RunResult, head: RunResult): Comparison {
  const { pairs, notCompared } = pairFigures(base, head);
  const engines = changedEngines(base, head);
  const engineCaused = (p: Pair) => {
    const role = figureDefinition(p.figure)?.engine;
    return role !== undefined && role !== 'none' && engines.has(role);
  };
  const { shifts, shiftOf } = sharedShifts(pairs);
  const baseRelative = relativeOf(base);
  const headRelative = relativeOf(head);
  const marginPct = ruleOfMetric(head, '').marginPct;
  const changes = pairs.map((p): FigureChange => {
    const shift = shiftOf.get(p.figure) ?? 0;
    const own = p.h.value / (1 + shift / 100);
    const bRound = baseRelative?.figures[p.variant]?.[p.figure]?.round;
    const hRound = headRelative?.figures[p.variant]?.[p.figure]?.round;
    const round =
      bRound?.ci !== undefined && hRound?.ci !== undefined ? { b: bRound, h: hRound } : undefined;
    const bInterval = intervalOf(base, p.figure, p.b);
    const hInterval = intervalOf(head, p.figure, p.h);
    const decided = round
      ? decideChange(round.b.ci, round.h.ci, marginPct)
      : decideChange(bInterval, hInterval, marginPct, 1 + shift / 100);
    return {
      variant: p.variant,
      figure: p.figure,
      unit: p.h.unit,
      ...decided,
      ...(p.b.samples && p.h.samples
        ? { rounds: { base: p.b.samples.length, head: p.h.samples.length } }
        : {}),
      base: p.b.value,
      head: p.h.value,
      changePct: changeOf(p),
      noisePct: { base: p.b.noisePct, head: p.h.noisePct },
      beyondNoise: decideChange(bInterval, hInterval, marginPct).decision === 'changed',
      ownChangePct: ((own - p.b.value) / p.b.value) * 100,
      significant: decided.decision === 'changed',
      ...(round
        ? {
            basis: 'round' as const,
            roundChangePct: ((round.h.p50 - round.b.p50) / round.b.p50) * 100,
          }
        : { basis: 'absolute' as const }),
      // The engine changed under this figure: its change is not the variant's.
      ...(engineCaused(p)
        ? { significant: false, cause: 'engine' as const, decision: 'undecided' as const }
        : {}),
    };
  });
  return {
    base: base.runId,
    head: head.runId,
    changes,
    shifts,
    notCompared,
    engineChanges: [...engines.values()],
    marginPct,
  };
}
