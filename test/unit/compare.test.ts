import { describe, expect, it } from 'vitest';
import { summarize } from '../../src/measure/statistics.js';
import type { RunResult } from '../../src/metrics/run-result.js';
import { checkMaxBudgets, checkRegressionBudgets } from '../../src/report/budgets.js';
import { compareRuns } from '../../src/report/compare.js';
import { toCompareTable } from '../../src/report/compare-table.js';
import { historyRun } from '../fixtures.js';

/** Real all-metric runs of the same code on this kind of machine, frozen from results/history. */
const history = historyRun;

/** A copy of `run` with one variant's image size changed, as a new base image would. */
function withBaseChanged(run: RunResult, variant: string, extraBytes: number): RunResult {
  const copy = structuredClone(run);
  for (const v of copy.variants) {
    if (v.name === variant && v.state === 'ok') v.size.sizeBytes += extraBytes;
  }
  return copy;
}

describe('compareRuns', () => {
  it('finds no significant change between two nights of the same code, and names the shift they shared', async () => {
    const base = await history('20261123-012239-447f');
    const head = await history('20261123-014740-6261');
    const comparison = compareRuns(base, head);
    expect(comparison.changes.length).toBeGreaterThan(60);
    expect(comparison.changes.filter((c) => c.significant)).toEqual([]);
    // The second night's machine was slower: every variant's startup moved together.
    expect(comparison.shifts.map((s) => s.figure)).toEqual(['startup start→ready']);
    expect(comparison.shifts[0]?.changePct).toBeGreaterThan(5);
    // Nothing the rule decides differs; what it cannot decide on 2 or 3 rounds is said,
    // and so is startup: its shift of just over 5 % leaves every interval across the band's edge.
    expect(toCompareTable(comparison)).toMatch(
      /\nNo significant change\.\nUndecided: 48 figure\(s\) .*: build cold of 6 variants \(2\/2 rounds\);.* startup start→ready of 6 variants \(50\/50 rounds\);.* memory load rss of 6 variants \(3\/3 rounds\);/,
    );
  });

  it('flags the one variant whose base changed, and only it', async () => {
    const base = await history('20261123-012239-447f');
    const head = withBaseChanged(await history('20261123-014740-6261'), 'alpine', 2_500_000);
    const significant = compareRuns(base, head).changes.filter((c) => c.significant);
    expect(significant.map((c) => `${c.variant} ${c.figure}`)).toEqual(['alpine image size']);
    expect(significant[0]?.changePct).toBeCloseTo((2_500_000 / 429_821_150) * 100, 3);
  });

  it('does not compare a variant that failed or is missing in one run, and says so', async () => {
    const base = await history('20261123-012239-447f');
    const head = structuredClone(base);
    head.variants = head.variants.filter((v) => v.name !== 'golang');
    const scratch = head.variants.find((v) => v.name === 'scratch');
    if (scratch)
      Object.assign(scratch, {
        state: 'failed',
        failure: { stage: 'build', code: 'E_BUILD_FAILED', message: 'x' },
      });
    const { notCompared, changes } = compareRuns(base, head);
    expect(notCompared).toEqual([
      'scratch: failed in the head run; its figures are not compared',
      'golang: not in the head run',
    ]);
    expect(changes.some((c) => c.variant === 'scratch' || c.variant === 'golang')).toBe(false);
  });

  /** A copy of `run` as a 26.1 engine with the containerd store measured it: every startup 30 % slower. */
  function onNewEngine(run: RunResult): RunResult {
    const copy = structuredClone(run);
    copy.engine = { ...copy.engine, serverVersion: '26.1.5+dfsg1', imageStore: 'containerd' };
    for (const v of copy.variants) {
      if (v.state === 'ok' && v.startup) {
        v.startup.startToReadyMs = { ...v.startup.startToReadyMs };
        v.startup.startToReadyMs.p50 *= 1.3;
        v.startup.startToReadyMs.mean *= 1.3;
      }
    }
    delete copy.relative;
    return copy;
  }

  it('names an engine change and counts none of the figures it moved as a variant’s change', async () => {
    const base = await history('20261123-012239-447f');
    const comparison = compareRuns(base, onNewEngine(await history('20261123-014740-6261')));
    expect(comparison.engineChanges).toEqual([
      'build engine: dockerd 20.10.24+dfsg1, classic image store → dockerd 26.1.5+dfsg1, containerd image store',
      'second engine (pull, startup, memory): dockerd 20.10.24+dfsg1, classic image store → dockerd 26.1.5+dfsg1, containerd image store',
    ]);
    const startup = comparison.changes.filter((c) => c.figure === 'startup start→ready');
    expect(startup.length).toBeGreaterThan(3);
    for (const c of startup) expect(c).toMatchObject({ cause: 'engine', significant: false });
    expect(startup.every((c) => c.changePct > 20)).toBe(true);
    const table = toCompareTable(comparison);
    expect(table).toContain(
      'Engine changed: build engine: dockerd 20.10.24+dfsg1, classic image store → dockerd 26.1.5+dfsg1, containerd image store.',
    );
    expect(table).toMatch(/startup start→ready .* engine changed/);
    expect(table).toMatch(/\nNo significant change\.$/);
    // The binary's size measures no engine: it is still compared as the variant's.
    expect(
      comparison.changes.find((c) => c.figure === 'binary size' && c.variant === 'scratch'),
    ).not.toHaveProperty('cause');
  });

  it('does not compare image sizes taken on different bases, and says so', async () => {
    const base = await history('20261123-012239-447f');
    const head = structuredClone(base);
    for (const v of head.variants) {
      if (v.state === 'ok')
        Object.assign(v.size, { basis: 'layer-tars', sizeBytes: v.size.sizeBytes + 9_000 });
    }
    const { changes, notCompared } = compareRuns(base, head);
    expect(changes.some((c) => c.figure === 'image size')).toBe(false);
    expect(notCompared.at(-1)).toMatch(
      /^image size of golang, .*: one run has the engine's own figure .*; a change of basis is not a change of the image$/,
    );
  });
});

describe('budgets', () => {
  it('a max budget breaks with the budget, the variant, the figure and the measured value', async () => {
    const run = await history('20261123-012239-447f');
    const breaches = checkMaxBudgets(run, {
      budgets: [
        { name: 'small images', variant: '*', figure: 'image size', max: 20_000_000 },
        {
          name: 'scratch starts fast',
          variant: 'scratch',
          figure: 'startup start→ready',
          max: 1_000,
        },
      ],
    });
    expect(breaches.map((b) => b.message)).toEqual([
      'budget "small images": golang image size is 688 MB, over its max of 20.0 MB',
      'budget "small images": alpine image size is 430 MB, over its max of 20.0 MB',
    ]);
  });

  it('a regression budget counts only the change beyond both runs’ noise', async () => {
    const base = await history('20261123-012239-447f');
    const head = await history('20261123-014740-6261');
    const budget = {
      name: 'startup',
      variant: '*',
      figure: 'startup start→ready',
      maxRegressionPct: 10,
    };
    // +8 to +14 % medians, but every variant of a round alike: the machine, not a regression.
    expect(checkRegressionBudgets(compareRuns(base, head), { budgets: [budget] })).toEqual([]);
    const strict = { ...budget, maxRegressionPct: 1 };
    expect(checkRegressionBudgets(compareRuns(base, head), { budgets: [strict] })).toEqual([]);
    // alpine 50 ms slower in every round of the head: its own regression, surely beyond 5 %.
    const slower = structuredClone(head);
    for (const v of slower.variants) {
      if (v.name !== 'alpine' || v.state !== 'ok' || !v.startup) continue;
      v.startup.startToReadyMs = summarize(v.startup.startToReadyMs.samples.map((ms) => ms + 50));
    }
    delete slower.relative;
    const five = { ...budget, maxRegressionPct: 5 };
    expect(checkRegressionBudgets(compareRuns(base, slower), { budgets: [budget] })).toEqual([]);
    const breaches = checkRegressionBudgets(compareRuns(base, slower), { budgets: [five] });
    expect(breaches.map((b) => b.variant)).toEqual(['alpine']);
    expect(breaches[0]?.message).toMatch(
      /^budget "startup": alpine startup start→ready regressed by \d+\.\d % beyond noise \(\d+\.\d ms → \d+\.\d ms, \+\d+\.\d %\), over its limit of 5 %$/,
    );
  });
});
