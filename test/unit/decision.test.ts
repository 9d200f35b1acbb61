import { describe, expect, it } from 'vitest';
import {
  decideRatios,
  lookAlpha,
  medianInterval,
  plannedLooks,
  roundsForAnInterval,
} from '../../src/measure/decision.js';

const rule = (looks = 1, marginPct = 5) => ({ confidencePct: 95, marginPct, looks });

describe('the decision rule', () => {
  it('plans few looks, each spending an equal share of the 5 % error, the first where one can decide', () => {
    expect(plannedLooks(2)).toEqual([2]);
    expect(plannedLooks(16)).toEqual([7, 16]);
    expect(plannedLooks(64)).toEqual([8, 16, 32, 64]);
    // Every 8 rounds after the first: four looks, so the first needs 8 rounds at 98.75 %.
    expect(plannedLooks(32, 95, 8)).toEqual([8, 16, 24, 32]);
    expect(plannedLooks(30, 95, 8)).toEqual([8, 16, 24, 30]);
    for (const max of [8, 12, 16, 20, 50, 64, 100]) {
      const looks = plannedLooks(max);
      // The first look can decide at its share of the error: its extremes bound the median.
      expect(looks[0]).toBeGreaterThanOrEqual(roundsForAnInterval(lookAlpha(95, looks.length)));
      expect(looks.at(-1)).toBe(max);
    }
  });

  it('gives the sign-test interval at the look’s share of the error', () => {
    expect(roundsForAnInterval(0.05)).toBe(6);
    expect(roundsForAnInterval(0.025)).toBe(7);
    expect(medianInterval([5, 1, 4, 2, 3, 6], 0.05)).toEqual([1, 6]);
    expect(medianInterval([5, 1, 4, 2, 3, 6], 0.025)).toBeUndefined();
  });

  it('decides lower, higher, equivalent within the margin, or says what more it takes', () => {
    const half = [0.5, 0.52, 0.48, 0.51, 0.49, 0.5, 0.53];
    expect(decideRatios(half, rule(2))).toMatchObject({ verdict: 'lower', n: 7 });
    expect(
      decideRatios(
        half.map((r) => 1 / r),
        rule(2),
      ).verdict,
    ).toBe('higher');
    const same = [1.01, 0.99, 1.0, 1.02, 0.98, 1.0, 1.01];
    expect(decideRatios(same, rule(2)).verdict).toBe('equivalent');
    // The same ratios are not equivalent within ±1 %.
    expect(decideRatios(same, rule(2, 1)).verdict).toBe('undecided');
    // Too few rounds for an interval: undecided, with the rounds that give one.
    expect(decideRatios(half.slice(0, 6), rule(2))).toMatchObject({
      verdict: 'undecided',
      roundsNeeded: 7,
    });
    // Wide ratios around 1: undecided, and more rounds would narrow the interval.
    const noisy = [0.8, 1.2, 0.9, 1.1, 0.85, 1.15, 1.0, 0.95];
    const d = decideRatios(noisy, rule(2));
    expect(d.verdict).toBe('undecided');
    expect(d.roundsNeeded).toBeGreaterThan(8);
  });

  it('decides a difference inside the margin only equivalent, one beyond it only higher or lower', () => {
    // 3.7 % higher: an interval that excludes 1 but reaches past 1.05 is not yet decided…
    const near = [1.01, 1.02, 1.03, 1.037, 1.04, 1.05, 1.06, 1.037];
    const wide = decideRatios(near, rule(1));
    expect(wide.ci?.[0]).toBeGreaterThan(1);
    expect(wide.ci?.[1]).toBeGreaterThan(1.05);
    expect(wide.verdict).toBe('undecided');
    // …and the rounds it asks for are those that bring the interval inside the band.
    expect(wide.roundsNeeded).toBeGreaterThan(near.length);
    // With the spread narrower, the same median is equivalent: never "higher".
    const narrow = near.map((r) => 1.037 + (r - 1.037) / 4);
    expect(decideRatios(narrow, rule(1)).verdict).toBe('equivalent');
    // 16 % slower, its interval crossing 1.05: undecided until it clears the band.
    const slow = [1.03, 1.1, 1.14, 1.16, 1.18, 1.22, 1.32, 1.16];
    expect(decideRatios(slow, rule(1)).verdict).toBe('undecided');
    expect(
      decideRatios(
        slow.map((r) => 1.16 + (r - 1.16) / 2),
        rule(1),
      ).verdict,
    ).toBe('higher');
    expect(
      decideRatios(
        slow.map((r) => 1 / (1.16 + (r - 1.16) / 2)),
        rule(1),
      ).verdict,
    ).toBe('lower');
  });

  it('errs at most as often as it says when two identical variants are compared at every look', () => {
    // A seeded generator: noise of ±20 % that both variants share nothing of.
    let seed = 7;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const looks = plannedLooks(64);
    let wrong = 0;
    const trials = 2000;
    for (let t = 0; t < trials; t++) {
      const ratios: number[] = [];
      for (const look of looks) {
        while (ratios.length < look) ratios.push((0.8 + 0.4 * random()) / (0.8 + 0.4 * random()));
        const v = decideRatios(ratios, rule(looks.length, 0.001)).verdict;
        if (v === 'lower' || v === 'higher') {
          wrong++;
          break;
        }
      }
    }
    expect(wrong / trials).toBeLessThanOrEqual(0.05);
  });
});
