import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { judgeClaims, loadClaims } from '../../src/claims/claims.js';
import { UsageError } from '../../src/errors.js';
import type { BinaryFlagsResult } from '../../src/measure/binary-flags.js';
import { readRun } from '../../src/results/read-run.js';
import { ALL_VARIANTS_RUN, historyRun } from '../fixtures.js';
import { tempDir } from '../temp-dir.js';

const history = () => historyRun('20261123-012239-447f');

/** What `--metrics flags` measured for the sample service on the stand-in Go 1.24 builder. */
const measuredFlags: BinaryFlagsResult = {
  builder: 'imgbench/standin-golang-alpine:1.24',
  binaries: {
    plain: { sizeBytes: 9_684_241, sha256: 'sha256:a', buildPaths: 641 },
    w: { sizeBytes: 7_120_042, sha256: 'sha256:b', buildPaths: 641 },
    s: { sizeBytes: 6_578_360, sha256: 'sha256:c', buildPaths: 641 },
    sw: { sizeBytes: 6_578_360, sha256: 'sha256:d', buildPaths: 641 },
    trimpath: { sizeBytes: 6_566_072, sha256: 'sha256:e', buildPaths: 0 },
  },
  reductionPct: { w: 26.48, s: 32.07, sw: 32.07, trimpath: 32.2 },
  elsewhere: { withoutTrimpath: false, withTrimpath: true },
  panic: {
    exitCode: 2,
    trace:
      'panic: imgbench: a panic on purpose (-panic)\n\ngoroutine 1 [running]:\nmain.panicOnPurpose(...)\n\t/app/main.go:70',
    namesFunction: true,
  },
};

describe('claims', () => {
  it('covers the claims the five articles make, each with its words and a check', () => {
    const articles = loadClaims();
    expect(articles.map((a) => a.article)).toEqual([
      '000_db4e7a058f0059a9.txt',
      '001_77abbf5c199399d2.txt',
      '002_9c5c79a07c7a0740.txt',
      '003_e8e8b5372ae31fb9.txt',
      '004_dd04980fb8f2f906.txt',
    ]);
    const claims = articles.flatMap((a) => a.claims);
    expect(claims.length).toBeGreaterThanOrEqual(30);
    expect(new Set(claims.map((c) => c.id)).size).toBe(claims.length);
    for (const c of claims) {
      expect(c.words.length, c.id).toBeGreaterThan(10);
      expect(c.asserts.length, c.id).toBeGreaterThan(10);
    }
  });

  it('gives every claim a verdict with evidence, and says why when the run cannot decide', async () => {
    const run = await history();
    const verdicts = judgeClaims(run);
    expect(verdicts).toHaveLength(loadClaims().flatMap((a) => a.claims).length);
    for (const v of verdicts) expect(v.evidence.length, v.id).toBeGreaterThan(10);
    const of = (id: string) => verdicts.find((v) => v.id === id);
    expect(of('001-ladder-order')).toMatchObject({ verdict: 'confirmed' });
    expect(of('001-ladder-order')?.evidence).toBe(
      'golang 688 MB > alpine 430 MB > multi-stage 11.9 MB > stripped 8.81 MB > scratch 6.57 MB',
    );
    // Pull golang 8.98 s vs scratch 0.165 s: 54×, the article's 52× within 3×.
    expect(of('001-pull')).toMatchObject({ verdict: 'confirmed' });
    expect(of('001-pull')?.evidence).toMatch(/= 5\dx|= 5\d×/);
    // Start → ready is the engine's, not the image's: about the same for every variant.
    expect(of('001-startup')).toMatchObject({ verdict: 'refuted' });
    expect(of('001-cves')).toMatchObject({ verdict: 'not measurable here' });
    expect(of('001-cves')?.evidence).toMatch(/vulnerability database/);
    // That night measured no gaps and built no pitfalls: said, not skipped.
    expect(of('000-scratch-no-ca')).toMatchObject({
      verdict: 'inconclusive',
      evidence: 'the run did not measure gaps for scratch',
    });
    expect(of('000-cgo-crash')?.evidence).toMatch(/no cgo-scratch variant .*--variants pitfalls/);
  });

  it('judges the flag claims from the flags builds', async () => {
    const run = { ...(await history()), binaryFlags: measuredFlags };
    const of = (id: string) => judgeClaims(run).find((v) => v.id === id);
    expect(of('001-w-30')).toMatchObject({ verdict: 'confirmed' });
    expect(of('001-w-30')?.evidence).toMatch(/: 26\.5 % of the unflagged 9\.68 MB/);
    expect(of('001-s-10')).toMatchObject({ verdict: 'confirmed' });
    expect(of('002-ldflags-25-30')?.evidence).toMatch(/32\.1 %/);
    expect(of('002-trimpath-reproducible')).toMatchObject({ verdict: 'confirmed' });
    expect(of('002-panic-names')).toMatchObject({ verdict: 'confirmed' });
    expect(of('002-panic-names')?.evidence).toContain('main.panicOnPurpose(...)');
    const unreproducible = {
      ...run,
      binaryFlags: { ...measuredFlags, elsewhere: { withoutTrimpath: false, withTrimpath: false } },
    };
    expect(
      judgeClaims(unreproducible).find((v) => v.id === '002-trimpath-reproducible'),
    ).toMatchObject({
      verdict: 'refuted',
    });
  });
});

describe('claims that this version cannot check', () => {
  it('a check of an unknown kind is inconclusive and says so, not a crash of the run’s reports', async () => {
    const run = await history();
    const dir = tempDir('claims');
    writeFileSync(
      join(dir, 'x.json'),
      JSON.stringify({
        article: 'x.txt',
        title: 'x',
        claims: [
          {
            id: 'x-1',
            words: 'something a newer imgbench checks',
            where: 'here',
            asserts: 'something measurable',
            check: { kind: 'telepathy', strength: 3 },
          },
        ],
      }),
    );
    expect(judgeClaims(run, loadClaims(dir))).toEqual([
      expect.objectContaining({
        verdict: 'inconclusive',
        evidence: 'this version of imgbench has no check of kind `telepathy`',
      }),
    ]);
  });

  it.each([
    [
      {
        kind: 'ratio',
        figure: 'image size',
        of: 'golang',
        to: 'scratch',
        claimed: '40x',
        factor: 2,
      },
      '`claims[0].check.claimed` must be a number of at least 0, got "40x"',
    ],
    [
      { kind: 'order', figure: 'image weight', variants: ['golang'] },
      '`claims[0].check.figure` is "image weight"; expected one of: image size',
    ],
    [
      { kind: 'trimpath', extra: true },
      '`claims[0].check.extra` is not a known field; known: kind',
    ],
  ])(
    'a check that is not of its kind’s shape is refused with the field’s path: %j',
    (check, problem) => {
      const dir = tempDir('claims');
      const file = join(dir, 'bad.json');
      writeFileSync(
        file,
        JSON.stringify({
          article: 'x.txt',
          title: 'x',
          claims: [{ id: 'x-1', words: 'w', where: 'h', asserts: 'a', check }],
        }),
      );
      expect(() => loadClaims(dir)).toThrow(UsageError);
      expect(() => loadClaims(dir)).toThrow(`Invalid claims file \`${file}\`: ${problem}`);
    },
  );
});

describe('claims against a real run of every variant and metric', () => {
  it('decides every claim but those that cannot be measured here', async () => {
    const run = await readRun(ALL_VARIANTS_RUN);
    const verdicts = judgeClaims(run);
    const by = (verdict: string) => verdicts.filter((v) => v.verdict === verdict).map((v) => v.id);
    expect(by('inconclusive')).toEqual([]);
    expect(by('not measurable here')).toEqual(['001-cves', '001-cost']);
    expect(by('refuted')).toEqual([
      '000-single-stage-gigabyte',
      '001-ladder-golang-alpine',
      '001-ladder-stripped',
      '001-ladder-scratch',
      '001-distroless-2-3mb',
      '001-build',
      '001-startup',
      '001-memory',
      '002-342-to-37',
      '003-cgo-bookworm-slim',
    ]);
    expect(verdicts.find((v) => v.id === '000-cgo-crash')?.evidence).toBe(
      'cgo-scratch (dynamic binary): the container exited with code 1: exec /main: no such file or directory',
    );
  });
});
