import { Bench } from 'tinybench';
import { describe, expect, it } from 'vitest';
import { runRounds, shuffled } from '../../src/measure/sampler.js';
import {
  madOutliers,
  medianCiRanks,
  percentile,
  summarize,
  tCritical95,
} from '../../src/measure/statistics.js';
import { RoundPlanner } from '../../src/metrics/sampling.js';

describe('summarize', () => {
  it('computes mean, median, p95, sd and rme by hand-checkable numbers', () => {
    const s = summarize([10, 12, 11, 13, 14]);
    expect(s.n).toBe(5);
    expect(s.mean).toBe(12);
    expect(s.p50).toBe(12);
    expect(s.p95).toBeCloseTo(13.8, 10);
    expect(s.sd).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(s.sem).toBeCloseTo(Math.sqrt(2.5) / Math.sqrt(5), 12);
    expect(s.moe).toBeCloseTo((Math.sqrt(2.5) / Math.sqrt(5)) * 2.776, 12);
    expect(s.rme).toBeCloseTo((s.moe / 12) * 100, 12);
    expect(s.outliers).toEqual([]);
  });

  it('agrees with tinybench on the same samples (mean, median, sd, rme)', async () => {
    const durations = [5.1, 4.9, 5.3, 5.0, 5.2, 4.8, 5.05, 9.0];
    let i = 0;
    const bench = new Bench({ iterations: durations.length, time: 0, warmup: false });
    // Async on purpose: tinybench calls a sync task once more to detect whether it is async.
    bench.add('fixed', async () => ({ overriddenDuration: durations[i++] }));
    await bench.run();
    const result = bench.tasks[0]?.result;
    expect(result?.state).toBe('completed');
    const latency = result?.state === 'completed' ? result.latency : undefined;
    const ours = summarize(durations);
    expect(ours.mean).toBeCloseTo(latency?.mean ?? Number.NaN, 9);
    expect(ours.p50).toBeCloseTo(latency?.p50 ?? Number.NaN, 9);
    expect(ours.sd).toBeCloseTo(latency?.sd ?? Number.NaN, 9);
    expect(ours.rme).toBeCloseTo(latency?.rme ?? Number.NaN, 2);
  });

  it('flags by the modified z-score and keeps every sample', () => {
    expect(madOutliers([5.1, 4.9, 5.3, 5.0, 5.2, 4.8, 5.05, 9.0])).toEqual([7]);
    expect(madOutliers([10, 10, 10, 10, 10, 10, 10, 100])).toEqual([7]);
    expect(madOutliers([1, 2, 3, 4, 5, 6])).toEqual([]);
    const s = summarize([5.1, 4.9, 5.3, 9.0]);
    expect(s.samples).toHaveLength(4);
    expect(s.outlierRule).toContain('3.5');
  });

  it('interpolates percentiles and knows small-sample t values', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([7], 95)).toBe(7);
    expect(tCritical95(1)).toBe(12.706);
    expect(tCritical95(500)).toBe(1.96);
  });
});

describe('runRounds', () => {
  it('asks after every round but the last, goes on with the subjects it is given, and stops when told', async () => {
    const asked: number[] = [];
    const { samples } = await runRounds(
      ['a', 'b', 'c'],
      async (s) => ({ durationMs: 1, detail: s }),
      {
        rounds: 32,
        stopAt: async (done) => {
          asked.push(done);
          return done === 11 ? true : done >= 8 ? ['a', 'b'] : false;
        },
      },
    );
    // After 8, only a and b went on; after 11, none: c kept its first 8 rounds.
    expect(asked).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect([...samples.values()].map((v) => v.length)).toEqual([11, 11, 8]);
  });

  it('gives every subject one sample per round, in a new order each round, via tinybench', async () => {
    const order: string[] = [];
    let tick = 0;
    const { samples, failures } = await runRounds(
      ['a', 'b', 'c'],
      async (s) => {
        order.push(s);
        return { durationMs: ++tick, detail: s };
      },
      {
        rounds: 4,
        random: (() => {
          let x = 0.1;
          return () => (x = (x * 7.31) % 1);
        })(),
      },
    );
    expect(failures.size).toBe(0);
    // Exactly rounds × subjects calls: tinybench adds no call of its own to an async task.
    expect(order).toHaveLength(12);
    expect([...samples.values()].map((v) => v.length)).toEqual([4, 4, 4]);
    const rounds = [0, 1, 2, 3].map((r) => order.slice(r * 3, r * 3 + 3).join(''));
    expect(new Set(rounds).size).toBeGreaterThan(1);
    for (const r of rounds) expect([...r].sort().join('')).toBe('abc');
  });

  it('drops a subject that fails from later rounds and keeps the others going', async () => {
    const { samples, failures } = await runRounds(
      ['ok', 'bad'],
      async (s) => {
        if (s === 'bad') throw new Error('container exited 127');
        return { durationMs: 1, detail: null };
      },
      { rounds: 3 },
    );
    expect(samples.get('ok')).toHaveLength(3);
    expect(samples.get('bad')).toHaveLength(0);
    expect(String(failures.get('bad'))).toContain('exited 127');
  });

  it('with stopAfterFailure, ends after the round in which a subject failed (--bail)', async () => {
    let calls = 0;
    const { samples, failures } = await runRounds(
      ['ok', 'bad'],
      async (s) => {
        calls++;
        if (s === 'bad' && calls > 2) throw new Error('never ready');
        return { durationMs: 1, detail: null };
      },
      { rounds: 5, stopAfterFailure: true },
    );
    // Round 1 passes; bad fails in round 2, whose other sample still counts.
    expect(samples.get('ok')).toHaveLength(2);
    expect(samples.get('bad')).toHaveLength(1);
    expect(failures.has('bad')).toBe(true);
  });

  it('shuffles a copy', () => {
    const items = [1, 2, 3];
    shuffled(items, () => 0);
    expect(items).toEqual([1, 2, 3]);
  });

  it('bounds the median by the order statistics of the sign-test interval', () => {
    // Tabulated 95 % ranks (e.g. Conover, Practical Nonparametric Statistics).
    expect(medianCiRanks(5)).toBeUndefined();
    expect(medianCiRanks(6)).toEqual([1, 6]);
    expect(medianCiRanks(10)).toEqual([2, 9]);
    expect(medianCiRanks(20)).toEqual([6, 15]);
    expect(medianCiRanks(25)).toEqual([8, 18]);
    const samples = [...Array(25).keys()].map((i) => 200 + i); // 200 … 224, median 212
    const s = summarize([...samples, 5000].slice(0, 25).reverse());
    expect(s.medianCi).toEqual([207, 217]);
    expect(s.medianRme).toBeCloseTo((5 / 212) * 100, 10);
    // One far outlier widens the mean's margin, not the median's.
    const withOutlier = summarize([...samples.slice(0, 24), 5000]);
    expect(withOutlier.medianRme).toBeLessThan(3);
    expect(withOutlier.rme).toBeGreaterThan(50);
  });
});

describe('RoundPlanner', () => {
  it('gives a measurement its share of the time left, less what the ones to come need first', () => {
    let now = 0;
    // 100 s in all; memory (20 s of first-look rounds) is still to come.
    const planner = new RoundPlanner(100_000, [{ key: 'memory', firstLookMs: 20_000 }], () => now);
    now = 10_000;
    // (90 s left − 20 s kept) ÷ 2 = 35 s: 35 rounds of 1 s, not 36.
    expect(planner.shareMs()).toBe(35_000);
    planner.start('memory');
    // Memory's own share: all that is left.
    expect(planner.shareMs()).toBe(90_000);
    now = 101_000;
    // Past the budget: no round fits.
    expect(planner.shareMs()).toBe(-1_000);
    expect(new RoundPlanner(undefined, []).shareMs()).toBe(Number.POSITIVE_INFINITY);
  });
});
