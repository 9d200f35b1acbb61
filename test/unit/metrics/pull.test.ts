import { describe, expect, it } from 'vitest';
import { figuresOf } from '../../../src/metrics/run-result.js';
import { runMetric } from './metric-run.js';

describe('the pull metric on the fake engine', () => {
  it('reads the compressed size from the manifest the push left, and times cold pulls on the second engine', async () => {
    const { run, engine, table } = await runMetric('pull');
    for (const v of run.variants) {
      const pull = figuresOf(v).pull;
      expect(pull?.compressedBytes).toBe(
        (pull?.configBytes ?? 0) + (pull?.layers ?? []).reduce((s, l) => s + l.sizeBytes, 0),
      );
      expect(pull?.links.map((l) => [l.link, l.durationMs.n])).toEqual([['unlimited', 2]]);
    }
    // Every pull on the isolated engine, none on the build engine.
    const pulls = engine.calls.filter((c) => c.operation === 'pull');
    expect(pulls.every((c) => c.engine === 'isolated')).toBe(true);
    expect(pulls.length).toBeGreaterThanOrEqual(4);
    expect(table).toMatch(/^scratch +2\.67 MB /m);
  });
});
