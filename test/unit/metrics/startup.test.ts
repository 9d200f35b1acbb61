import { describe, expect, it } from 'vitest';
import { figuresOf } from '../../../src/metrics/run-result.js';
import { runMetric, variant } from './metric-run.js';

describe('the startup metric on the fake engine', () => {
  it('takes the rounds asked of each variant, and fails one that exits, with its words', async () => {
    const { run, table } = await runMetric('startup', {
      ready: (variant) =>
        variant === 'distroless' ? { fail: 'exec /app/main: no such file' } : {},
    });
    expect(figuresOf(variant(run, 'scratch')).startup?.startToReadyMs.n).toBe(2);
    expect(run.variants.find((v) => v.name === 'distroless')).toMatchObject({
      state: 'failed',
      failure: {
        stage: 'startup',
        message: expect.stringContaining('exec /app/main: no such file'),
      },
    });
    expect(table).toMatch(/^distroless +failed at startup/m);
  });
});
