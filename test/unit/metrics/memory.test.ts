import { describe, expect, it } from 'vitest';
import { figuresOf } from '../../../src/metrics/run-result.js';
import { runMetric } from './metric-run.js';

describe('the memory metric on the fake engine', () => {
  it('reads the container process’s cgroup idle and after the load, which every request passed', async () => {
    const { run, table } = await runMetric('memory');
    for (const v of run.variants) {
      const memory = figuresOf(v).memory;
      // The fake's container process is this test's own: its cgroup's figures are real.
      expect(memory?.idleRssBytes.n).toBe(2);
      expect(memory?.idleRssBytes.p50).toBeGreaterThan(0);
      expect(memory?.loadFailures).toBe(0);
      expect(memory?.load).toMatchObject({ requests: 2_000, concurrency: 16 });
    }
    expect(table).toMatch(/Idle RSS p50/);
  });
});
