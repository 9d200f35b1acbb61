import { describe, expect, it } from 'vitest';
import { decideRatios } from '../../src/measure/decision.js';
import { summarize } from '../../src/measure/statistics.js';
import { pairedRatio, roundMedians } from '../../src/metrics/ratio.js';
import { relativeFigures } from '../../src/metrics/relative.js';
import type { RunResult } from '../../src/metrics/run-result.js';
import { answerLines } from '../../src/report/answer.js';
import { compareRuns } from '../../src/report/compare.js';
import { toCompareTable } from '../../src/report/compare-table.js';
import { historyRun } from '../fixtures.js';

/** A real default run: six variants, 50 rounds of startup. */
const run = () => historyRun('20261123-092013-7f74');

/** A copy of `run` whose startup samples are changed by `change` (per variant and round). */
function withStartup(
  base: RunResult,
  change: (variant: string, ms: number, round: number) => number,
) {
  const copy = structuredClone(base);
  copy.runId = `${base.runId}-changed`;
  for (const v of copy.variants) {
    if (v.state !== 'ok' || !v.startup) continue;
    const samples = v.startup.startToReadyMs.samples.map((ms, i) => change(v.name, ms, i));
    v.startup.startToReadyMs = summarize(samples);
  }
  delete copy.relative;
  return copy;
}

describe('paired ratios', () => {
  it('take each round’s pair, with an order-statistics interval from 6 rounds on', () => {
    expect(pairedRatio([2, 4, 6], [1, 2, 3])).toEqual({ n: 3, p50: 2 });
    const r = pairedRatio([10, 11, 12, 13, 14, 15, 16], [10, 10, 10, 10, 10, 10, 10]);
    expect(r?.p50).toBeCloseTo(1.3);
    expect(r?.ci).toEqual([1, 1.6]);
    // At 99 % (a look of several) the same 7 rounds give no interval.
    expect(
      pairedRatio([10, 11, 12, 13, 14, 15, 16], [10, 10, 10, 10, 10, 10, 10], 0.01)?.ci,
    ).toBeUndefined();
    const rule = { confidencePct: 95, marginPct: 5, looks: 1 };
    expect(decideRatios([1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6], rule).verdict).toBe('undecided');
    expect(decideRatios([2, 2, 2, 2, 2, 2], rule).verdict).toBe('higher');
    // A variant that stopped sampling pairs over the rounds both have; none in common, no ratio.
    expect(pairedRatio([1, 2], [1])).toEqual({ n: 1, p50: 1 });
    expect(pairedRatio([1, 2], [])).toBeUndefined();
    expect(
      roundMedians([
        [1, 9],
        [2, 8],
        [3, 7],
      ]),
    ).toEqual([2, 8]);
  });

  it('cancel a drift that every variant of a round shares', () => {
    // Two variants, 10 % apart, on a machine whose pace swings by ±30 % from round to round.
    const pace = [1, 1.3, 0.7, 1.2, 0.8, 1.1, 0.9, 1.25];
    const a = pace.map((p) => 200 * p);
    const b = pace.map((p) => 220 * p);
    expect(pairedRatio(b, a)).toMatchObject({ p50: 1.1, ci: [1.1, 1.1] });
    expect(summarize(b).medianRme).toBeGreaterThan(10);
  });
});

describe('relative figures of a kept default run', () => {
  it('give every repeated figure of every variant over the reference and over its rounds', async () => {
    const relative = relativeFigures(await run());
    expect(relative?.reference).toBe('golang');
    const scratch = relative?.figures.scratch?.['startup start→ready'];
    expect(scratch?.ref?.n).toBe(50);
    expect(scratch?.round?.n).toBe(50);
    expect(relative?.figures.golang?.['startup start→ready']?.ref?.p50).toBe(1);
    // Sizes are exact: no rounds, no ratio.
    expect(relative?.figures.scratch?.['image size']).toBeUndefined();
  });

  it('over the round, have a narrower interval than the absolute figure for every variant', async () => {
    const r = await run();
    const relative = relativeFigures(r);
    for (const v of r.variants) {
      if (v.state !== 'ok' || !v.startup) continue;
      const round = relative?.figures[v.name]?.['startup start→ready']?.round?.halfWidthPct ?? 100;
      expect(round, v.name).toBeLessThan(v.startup.startToReadyMs.medianRme ?? 0);
    }
  });
});

describe('compare on relative figures', () => {
  it('finds no change when the machine alone was 20 % slower in one run, and prints the shift', async () => {
    const base = await run();
    // Every round of the head slower by 15–25 %, shared by all variants of the round.
    const head = withStartup(base, (_, ms, round) => ms * (1.15 + (round % 5) * 0.025));
    const comparison = compareRuns(base, head);
    const startup = comparison.changes.filter((c) => c.figure === 'startup start→ready');
    expect(startup.every((c) => c.basis === 'round')).toBe(true);
    expect(startup.filter((c) => c.significant)).toEqual([]);
    expect(comparison.shifts.map((s) => s.figure)).toContain('startup start→ready');
    expect(toCompareTable(comparison)).toMatch(
      /Shared shift: startup start→ready moved \+(19|2\d)\.\d %/,
    );
  });

  it('flags the one variant that got 50 ms slower to start, and only it', async () => {
    const base = await run();
    const head = withStartup(base, (v, ms) => (v === 'alpine' ? ms + 50 : ms));
    const significant = compareRuns(base, head).changes.filter((c) => c.significant);
    expect(significant.map((c) => `${c.variant} ${c.figure}`)).toEqual([
      'alpine startup start→ready',
    ]);
  });
});

describe('the answer', () => {
  it('names the smallest image and what it gives up, and no winner where the rule does not decide', async () => {
    const lines = answerLines(await run());
    expect(lines[0]).toMatch(
      /^Smallest image: \*\*scratch\*\*, 6\.57 MB .*It gives up: no CA bundle/,
    );
    // 50 rounds of one look: scratch against alpine is neither apart nor within ±5 %.
    expect(lines[2]).toMatch(
      /^Fastest start \(start → ready\): undecided between scratch 229\.8 ms and alpine, .* — scratch is 0\.99×, interval 0\.93–1\.03 at 95 %, 50 rounds of alpine 230\.6 ms: .*; about \d+ rounds would decide it/,
    );
    expect(lines[0]).not.toContain('It costs');
  });

  it('names the variants equal within the margin when the rest are decided behind them', async () => {
    // alpine 3 % slower than scratch, every other variant 30 %, in every round.
    const base = await run();
    const scratch = base.variants.find((v) => v.name === 'scratch');
    const own = scratch?.state === 'ok' ? (scratch.startup?.startToReadyMs.samples ?? []) : [];
    const apart = withStartup(base, (v, _, round) =>
      v === 'scratch'
        ? (own[round] as number)
        : (own[round] as number) * (v === 'alpine' ? 1.03 : 1.3),
    );
    const lines = answerLines(apart);
    expect(lines[2]).toMatch(
      /^Fastest start \(start → ready\): scratch, alpine, equal within ±5 % \(scratch is 0\.97×, interval 0\.97–0\.97 at 95 %, 50 rounds of alpine .*\); the other 4 are decided behind them\.$/,
    );
    // With a margin of 1 %, the 3 % is a difference: scratch wins.
    const strict = {
      ...apart,
      settings: {
        samples: {},
        ...apart.settings,
        decision: { confidencePct: 95, marginPct: 1, looks: {} },
      },
    };
    expect(answerLines(strict)[2]).toMatch(/^Fastest start \(start → ready\): \*\*scratch\*\*, /);
  });

  it('states what winning costs: the smallest image that starts measurably slower than the runner-up', async () => {
    // scratch 130 ms slower to start in every round than distroless, the next smallest image.
    const slower = withStartup(await run(), (v, ms) => (v === 'scratch' ? ms + 130 : ms));
    const [smallest] = answerLines(slower);
    expect(smallest).toMatch(
      /^Smallest image: \*\*scratch\*\*, 6\.57 MB .*\. It costs: startup start→ready 1\.\d\d× distroless's \(\d+\.\d ms against \d+\.\d ms, interval 1\.\d\d–1\.\d\d, 50 rounds\)\.$/,
    );
  });
});
