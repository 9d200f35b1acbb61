import { describe, expect, it } from 'vitest';
import { figuresOf } from '../../../src/metrics/run-result.js';
import { runMetric } from './metric-run.js';

describe('the build metric on the fake engine', () => {
  it('times cold, no-op and warm builds for the rounds asked, with the module layer’s cache hit', async () => {
    const { run, engine, table } = await runMetric('build');
    for (const v of run.variants) {
      const builds = figuresOf(v).builds;
      expect(builds?.firstColdIsImageBuild).toBe(true);
      for (const scenario of ['cold', 'no-op', 'warm'] as const) {
        expect(builds?.[scenario].durationMs.n, `${v.name} ${scenario}`).toBe(2);
      }
      expect(builds?.warm.moduleLayerCached).toBe(true);
      expect(builds?.cold.moduleLayerCached).toBe(false);
    }
    // Two variants: the image build is the first cold round, then one more cold, two no-op and two warm.
    expect(engine.builds.filter((b) => b.noCache)).toHaveLength(4);
    expect(engine.builds).toHaveLength(2 * 6);
    expect(table).toMatch(/Cold p50/);
  });
});
