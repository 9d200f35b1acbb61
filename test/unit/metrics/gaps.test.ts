import { describe, expect, it } from 'vitest';
import { judgeClaims } from '../../../src/claims/claims.js';
import { figuresOf } from '../../../src/metrics/run-result.js';
import { runMetric, variant } from './metric-run.js';

describe('the gaps metric on the fake engine', () => {
  it('reads what an image carries from its files, and says why the running half is missing', async () => {
    const { run, table } = await runMetric('gaps', {
      files: (variant) =>
        new Map(
          variant === 'distroless'
            ? [
                ['/bin/sh', Buffer.from('\x7fELF')],
                ['/usr/share/zoneinfo/Europe/Berlin', Buffer.from('TZif2')],
              ]
            : [],
        ),
    });
    const gaps = (name: string) => figuresOf(variant(run, name)).gaps;
    expect(gaps('distroless')?.image.shells).toEqual(['/bin/sh']);
    expect(gaps('distroless')?.image.zoneinfoFiles).toBe(1);
    expect(gaps('scratch')?.image).toMatchObject({ shells: [], zoneinfoFiles: 0, caBundle: null });
    // The fake service answers every path alike: it has no /probe routes.
    expect(gaps('scratch')?.runtimeMissing).toMatch(/no \/probe routes/);
    // Its base is a stand-in: every cell its files decide is marked, and the note says what it differs in.
    expect(table).toMatch(/^distroless +none † +1 zone files † +root \(0\) † +\/bin\/sh † /m);
    expect(table).toMatch(
      /† decided by the files of a stand-in base[^.]*gcr\.io\/distroless\/static-debian12:nonroot is the stand-in `imgbench\/standin-distroless-static:nonroot` \(Debian 13's packages/,
    );
    // Its claim checks read these figures: "no shell" in scratch and distroless, by the capability kind.
    const shell = judgeClaims(run).find((c) => c.id === '000-no-shell');
    expect(shell?.verdict).toMatch(/^refuted/);
  });
});
