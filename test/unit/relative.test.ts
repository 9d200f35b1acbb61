import { describe, expect, it } from 'vitest';
import { summarize } from '../../src/measure/statistics.js';
import { pairedRatio, ratioExcludesOne, roundMedians } from '../../src/metrics/ratio.js';
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
    expect(ratioExcludesOne(r)).toBe(false);
    expect(ratioExcludesOne(pairedRatio([2, 2, 2, 2, 2, 2], [1, 1, 1, 1, 1, 1]))).toBe(true);
    // Rounds that do not pair up give no ratio.
    expect(pairedRatio([1, 2], [1])).toBeUndefined();
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
  it('names the smallest image and what it gives up, and no winner where the intervals overlap', async () => {
    const lines = answerLines(await run());
    expect(lines[0]).toMatch(
      /^Smallest image: \*\*scratch\*\*, 6\.57 MB .*It gives up: no CA bundle/,
    );
    expect(lines[2]).toMatch(/^Fastest start \(start → ready\): no measurable difference between/);
    expect(lines[0]).not.toContain('It costs');
  });

  it('states what winning costs: the smallest image that starts measurably slower than the runner-up', async () => {
    // scratch 130 ms slower to start in every round than distroless, the next smallest image.
    const slower = withStartup(await run(), (v, ms) => (v === 'scratch' ? ms + 130 : ms));
    const [smallest] = answerLines(slower);
    expect(smallest).toMatch(
      /^Smallest image: \*\*scratch\*\*, 6\.57 MB .*\. It costs: startup start→ready 1\.\d\d× distroless's \(\d+\.\d ms against \d+\.\d ms, 95 % interval 1\.\d\d–1\.\d\d\)\.$/,
    );
  });
});
