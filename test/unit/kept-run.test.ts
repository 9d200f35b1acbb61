import { describe, expect, it } from 'vitest';
import { keptRunAge } from '../../src/results/kept-run.js';
import { readRun } from '../../src/results/read-run.js';
import { HISTORY_FIXTURE_IDS, historyRun, STAND_INS_ALL_VARIANTS_RUN } from '../fixtures.js';

describe('a kept run older than the code', () => {
  it('is told apart: engine-sized, sampled before decisions, or without gaps', async () => {
    const old = await historyRun(HISTORY_FIXTURE_IDS.at(-1) as string);
    const problems = keptRunAge(old);
    expect(problems).toEqual([
      expect.stringMatching(
        /^its image sizes are the engine's own figure, not the sum of the layer tars/,
      ),
      'it was sampled before runs decided their questions (no decision rule or sampling recorded)',
    ]);
    const noGaps = { ...old, variants: old.variants.map((v) => ({ ...v, gaps: undefined })) };
    expect(keptRunAge(noGaps as typeof old)).toContain(
      'it has no gaps figures, so no recommendation of which variant to ship',
    );
  });

  it('passes a run with layer-tar sizes, a decision rule, its sampling and gaps', async () => {
    const run = await readRun(STAND_INS_ALL_VARIANTS_RUN);
    const decided = {
      ...run,
      settings: {
        ...run.settings,
        decision: { confidencePct: 95, marginPct: 5, looks: { startup: [8, 16, 32, 64] } },
      },
      sampling: {
        startup: {
          rounds: 8,
          looks: [8, 16, 32, 64],
          stoppedBy: 'decided' as const,
          msPerRound: 1,
          undecided: [],
        },
      },
    } as typeof run;
    expect(keptRunAge(run)).toEqual([
      'it was sampled before runs decided their questions (no decision rule or sampling recorded)',
    ]);
    expect(keptRunAge(decided)).toEqual([]);
  });
});
