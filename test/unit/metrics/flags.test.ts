import { describe, expect, it } from 'vitest';
import { judgeClaims } from '../../../src/claims/claims.js';
import { runMetric } from './metric-run.js';

const bytes = (n: number, fill: string) => Buffer.alloc(n, fill);

describe('the flags metric on the fake engine', () => {
  it('reads each flags build’s binary, compares the two folders, and runs the -panic trace', async () => {
    const { run } = await runMetric('flags', {
      files: () =>
        new Map([
          ['/out/plain', bytes(1_000, 'p')],
          ['/out/w', bytes(800, 'w')],
          ['/out/s', bytes(700, 's')],
          ['/out/sw', bytes(700, 'x')],
          ['/out/trimpath', bytes(690, 't')],
          // Built from another folder: without -trimpath other bytes, with it the same.
          ['/out/sw-elsewhere', bytes(700, 'y')],
          ['/out/trimpath-elsewhere', bytes(690, 't')],
        ]),
      command: () => ({
        exitCode: 2,
        output: 'panic: on purpose\n\ngoroutine 1 [running]:\nmain.panicOnPurpose(...)\n',
      }),
    });
    expect(run.binaryFlagsFailure).toBeUndefined();
    expect(run.binaryFlags).toMatchObject({
      binaries: { plain: { sizeBytes: 1_000 }, sw: { sizeBytes: 700 } },
      elsewhere: { withoutTrimpath: false, withTrimpath: true },
      panic: { exitCode: 2, namesFunction: true },
    });
    const pct = run.binaryFlags?.reductionPct;
    expect([pct?.w, pct?.s, pct?.sw, pct?.trimpath].map((p) => p?.toFixed(6))).toEqual(
      ['20', '30', '30', '31'].map((p) => Number(p).toFixed(6)),
    );
    // Its own claim check kinds judge these figures.
    const verdicts = judgeClaims(run);
    const trimpath = verdicts.find((c) => c.evidence.startsWith('built again from another folder'));
    expect(trimpath?.verdict).toBe('confirmed');
  });

  it('says why when a build left no binary', async () => {
    const { run } = await runMetric('flags');
    expect(run.binaryFlagsFailure).toBe('The flags build left no /out/plain');
  });
});
