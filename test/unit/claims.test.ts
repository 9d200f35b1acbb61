import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BaseImage } from '../../src/bases/base-roles.js';
import { basesRead, judgeClaims, loadClaims } from '../../src/claims/claims.js';
import { checkKinds } from '../../src/claims/schema.js';
import { UsageError } from '../../src/errors.js';
import { summarize } from '../../src/measure/statistics.js';
import type { BinaryFlagsResult } from '../../src/metrics/flags/binary-flags.js';
import { metricList } from '../../src/metrics/registry.js';
import type { RunResult } from '../../src/metrics/run-result.js';
import { verdictCounts } from '../../src/report/claims-table.js';
import { readRun } from '../../src/results/read-run.js';
import { ALL_VARIANTS_RUN, historyRun, RECIPES_RUN } from '../fixtures.js';
import { tempDir } from '../temp-dir.js';

const history = () => historyRun('20261123-012239-447f');

/**
 * The kept all-variants run (the ladder and the pitfalls) with the recipe
 * variants of a kept recipes run beside its own: a variant for every claim.
 */
async function everyVariant(): Promise<RunResult> {
  const [all, recipes] = await Promise.all([readRun(ALL_VARIANTS_RUN), readRun(RECIPES_RUN)]);
  const has = new Set(all.variants.map((v) => v.name));
  const images = new Set(all.bases.images.map((b) => b.image));
  return {
    ...all,
    variants: [...all.variants, ...recipes.variants.filter((v) => !has.has(v.name))],
    bases: {
      ...all.bases,
      images: [...all.bases.images, ...recipes.bases.images.filter((b) => !images.has(b.image))],
    },
  };
}

/** What `--metrics flags` measured for the sample service on the stand-in Go 1.24 builder. */
/** The run with every variant's pulls taken over and over, to `n` rounds: as if it had pulled `n` times alike. */
function withRounds(run: RunResult, _metric: 'pull', n: number): RunResult {
  const cycle = (samples: readonly number[]) =>
    Array.from({ length: n }, (_, i) => samples[i % samples.length] as number);
  return {
    ...run,
    variants: run.variants.map((v) =>
      v.state === 'ok' && v.pull
        ? {
            ...v,
            pull: {
              ...v.pull,
              links: v.pull.links.map((l) => ({
                ...l,
                durationMs: summarize(cycle(l.durationMs.samples)),
              })),
            },
          }
        : v,
    ),
  };
}

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
    // 45 before the claims the data had left out were added.
    expect(claims.length).toBeGreaterThanOrEqual(57);
    expect(new Set(claims.map((c) => c.id)).size).toBe(claims.length);
    for (const c of claims) {
      expect(c.words.length, c.id).toBeGreaterThan(10);
      expect(c.asserts.length, c.id).toBeGreaterThan(10);
    }
  });

  // The seeds are kept beside a checkout (../shared/seeds), as the README says;
  // IMGBENCH_SEEDS names another folder. Without them the test fails: a quote
  // that nothing checks is not checked.
  const seeds =
    process.env.IMGBENCH_SEEDS ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'seeds');
  it('quotes every claim from its own article', () => {
    expect(
      existsSync(seeds),
      `the seed articles are not at ${seeds}: keep them beside the checkout (../shared/seeds) or set IMGBENCH_SEEDS`,
    ).toBe(true);
    // Whitespace, table rules and typographic quotes as the seed text has them; `…` joins quoted parts.
    const plain = (text: string) =>
      text
        .replace(/[’‘]/g, "'")
        .replace(/[“”]/g, '"')
        .replace(/[\s|]+/g, '');
    for (const article of loadClaims()) {
      const text = plain(readFileSync(join(seeds, article.article), 'utf8'));
      for (const claim of article.claims) {
        for (const part of claim.words.split('…')) {
          expect(text.includes(plain(part)), `${claim.id}: “${part.trim()}”`).toBe(true);
        }
      }
    }
  });

  it('gives every claim a verdict with evidence, and says why when the run cannot decide', async () => {
    const run = await history();
    const verdicts = judgeClaims(run);
    expect(verdicts).toHaveLength(loadClaims().flatMap((a) => a.claims).length);
    for (const v of verdicts) expect(v.evidence.length, v.id).toBeGreaterThan(10);
    const of = (id: string) => verdicts.find((v) => v.id === id);
    // A run of November did not record its stand-ins' layers: what their size decides stays open, with the figures.
    expect(of('001-ladder-order')).toMatchObject({ verdict: 'inconclusive' });
    expect(of('001-ladder-order')?.evidence).toBe(
      "the stand-in decides (the run did not record the engine's size of golang); on the stand-ins confirmed: golang 688 MB > alpine 430 MB > multi-stage 11.9 MB > stripped 8.81 MB > scratch 6.57 MB",
    );
    // Pull golang 8.98 s vs scratch 0.165 s: 54×, the article's 52× within 3×, but on 3 rounds,
    // fewer than any decision of the rule takes.
    expect(of('001-pull')).toMatchObject({ verdict: 'inconclusive' });
    expect(of('001-pull')?.evidence).toMatch(
      /= 54× .*; inconclusive \(3 rounds\): the rule decides on 6 or more$/,
    );
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

describe('a verdict that a stand-in base decides', () => {
  /**
   * The kept recipes run, with the engine's sizes of its alpine and
   * distroless stand-ins recorded, as runs now record them (those stand-ins'
   * sizes then: each image less its binary).
   */
  async function withBaseSizes(): Promise<RunResult> {
    const run = await readRun(RECIPES_RUN);
    const sizes: Partial<Record<BaseImage['role'], number>> = {
      alpine: 8_812_928 - 6_566_072,
      'distroless-static': 7_985_121 - 6_566_072,
    };
    const withSize = (b: BaseImage): BaseImage => ({
      ...b,
      ...(sizes[b.role] ? { sizeBytes: sizes[b.role] } : {}),
    });
    return {
      ...run,
      variants: run.variants.map((v) => ({ ...v, bases: v.bases.map(withSize) })),
      bases: { ...run.bases, images: run.bases.images.map(withSize) },
    };
  }

  it("stands when the upstream image's published size gives the same verdict, and says so", async () => {
    const of = judgeClaims(await withBaseSizes()).find((v) => v.id === '002-distroless-2mb');
    // distroless − binary: 1.90 MB on the stand-in, 2.10 MB with distroless' published "around 2 MiB".
    expect(of?.verdict).toBe('confirmed on stand-ins');
    expect(of?.evidence).toMatch(
      /; on the engine's sizes, with gcr\.io\/distroless\/static-debian12:nonroot's published 2\.10 MB \(gcr\.io\/distroless\/static-debian12, undated; [^)]*\) in place of the stand-in's 1\.42 MB: the same$/,
    );
  });

  it('is inconclusive, with both figures, when the published size turns it', async () => {
    const of = judgeClaims(await withBaseSizes()).find((v) => v.id === '001-ladder-scratch');
    // stripped − scratch-certs beyond the binaries: 1.16 MB on the stand-in's layer tars; 6.94 MB on the engine's sizes with alpine:3.20's published 7.79 MB for the stand-in's 2.25 MB.
    expect(of?.verdict).toBe('inconclusive');
    expect(of?.evidence).toMatch(
      /^the stand-in decides: on the stand-ins refuted: stripped 8\.97 MB/,
    );
    expect(of?.evidence).toMatch(
      /; on the engine's sizes, with alpine:3\.20's published 7\.79 MB \(alpine:3\.20\.7, 2025-07-15\) in place of the stand-in's 2\.25 MB: confirmed: .*6\.94 MB of overhead removed/,
    );
  });

  it("is inconclusive when the run did not record the stand-in's size", async () => {
    const of = judgeClaims(await readRun(RECIPES_RUN)).find((v) => v.id === '002-distroless-2mb');
    expect(of?.verdict).toBe('inconclusive');
    expect(of?.evidence).toMatch(
      /^the stand-in decides \(the run did not record the size of gcr\.io\/distroless\/static-debian12:nonroot's stand-in \(written before it was\)\); on the stand-ins confirmed: /,
    );
  });

  it('is inconclusive when a figure no published size replaces decides it (a pull)', async () => {
    // The kept run's 3 pull rounds, taken 8 times over: enough rounds for the rule to decide.
    const run = withRounds(await readRun(ALL_VARIANTS_RUN), 'pull', 8);
    const of = judgeClaims(run).find((v) => v.id === '001-pull');
    expect(of?.verdict).toBe('inconclusive');
    expect(of?.evidence).toMatch(
      /^the stand-in decides \(pull unlimited: no published figure stands in for it\); on the stand-ins confirmed: /,
    );
  });
});

describe('the kinds of claim check', () => {
  it("are those read by figure name and each metric's own, one of each name, every claim's among them", () => {
    const own = Object.fromEntries(
      metricList().map((m) => [m.name, (m.claimChecks ?? []).map((c) => c.kind)]),
    );
    expect(own).toMatchObject({
      flags: ['same-binary', 'flag-reduction', 'flag-saving', 'trimpath', 'panic-names'],
      gaps: ['build-paths', 'capability', 'fails-to-start', 'starts', 'local-state'],
      build: ['module-cache'],
    });
    const kinds = [...checkKinds().keys()];
    expect(kinds).toHaveLength(19);
    for (const article of loadClaims()) {
      for (const claim of article.claims) expect(kinds, claim.id).toContain(claim.check.kind);
    }
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
  it('decides every claim but those that cannot be measured here, and names the bases each read', async () => {
    const run = await everyVariant();
    const verdicts = judgeClaims(run);
    const by = (verdict: string) => verdicts.filter((v) => v.verdict === verdict).map((v) => v.id);
    // Every claim is decided but where a stand-in's own size decides it (these runs did not
    // record which layers are the stand-in's, nor can a published figure replace a pull's time),
    // or where the rounds are fewer than the rule decides on (2 of builds, 3 of pulls and memory).
    for (const v of verdicts.filter((x) => x.verdict === 'inconclusive')) {
      expect(v.evidence, v.id).toMatch(
        /^the stand-in decides|; inconclusive \(\d rounds\): the rule decides on 6 or more$/,
      );
    }
    expect(by('not measurable here')).toEqual(['001-cves', '001-cost', '002-342-to-37']);
    for (const v of verdicts.filter(
      (x) => x.verdict !== 'not measurable here' && x.verdict !== 'inconclusive',
    )) {
      // A verdict that read a stand-in's size or files says so; one that read none does not.
      expect(v.verdict.endsWith(' on stand-ins'), `${v.id}: ${v.verdict}`).toBe(
        v.bases.some((b) => b.standIn),
      );
    }
    const of = (id: string) => verdicts.find((v) => v.id === id);
    // scratch is the binary: nothing of a base in it.
    expect(of('000-scratch-5-15')).toMatchObject({ verdict: 'confirmed', bases: [] });
    expect(of('001-distroless-2-3mb')?.bases).toEqual([
      {
        role: 'distroless-static',
        image: 'imgbench/standin-distroless-static:nonroot',
        upstream: 'gcr.io/distroless/static-debian12:nonroot',
        standIn: true,
        reads: ['size'],
      },
    ]);
    expect(basesRead(of('001-distroless-2-3mb')?.bases ?? [])).toBe(
      'gcr.io/distroless/static-debian12:nonroot stand-in (size)',
    );
    expect(basesRead(of('001-w-30')?.bases ?? [])).toBe('none (the binary and the engine only)');
    // Raw and normalised: the overhead decides, the ratio the article gave is shown beside.
    expect(of('000-single-stage-gigabyte')?.evidence).toMatch(
      /on the stand-ins refuted: golang image 6\d\d MB − binary 9\.76 MB = 6\d\d MB beyond the binary \(article: 1100 MB − binary 3\.00 MB = 1097 MB; accepted 731 MB to 1646 MB\); raw image ÷ binary \d+× \(article 367×\)$/,
    );
    expect(of('000-cgo-musl')?.evidence).toBe(
      'alpine: binary static; its builder golang-alpine has no C compiler',
    );
    expect(of('000-cgo-crash-distroless')?.evidence).toMatch(
      /^cgo-distroless \(dynamic binary\): .*exec \/server: no such file or directory$/,
    );
  });

  it('gives the same claims plain verdicts when the bases are the upstream images', async () => {
    const run = await everyVariant();
    const upstream = (b: BaseImage): BaseImage => ({ ...b, standIn: false, image: b.upstream });
    const onUpstream = {
      ...run,
      bases: { ...run.bases, profile: 'upstream' as const, images: run.bases.images.map(upstream) },
      variants: run.variants.map((v) => ({ ...v, bases: v.bases.map(upstream) })),
    } as RunResult;
    const plain = judgeClaims(onUpstream);
    expect(plain.filter((v) => v.verdict.endsWith('on stand-ins'))).toEqual([]);
    // On the stand-ins, what a stand-in's size decides is open; the rest is the same verdict, labelled.
    const onStandIns = judgeClaims(run);
    expect(
      plain.map((v, i) => {
        const s = onStandIns[i];
        const held = /on the stand-ins (confirmed|refuted): /.exec(s?.evidence ?? '');
        return `${v.id}: ${held ? held[1] : s?.verdict.replace(/ on stand-ins$/, '')}`;
      }),
    ).toEqual(plain.map((v) => `${v.id}: ${v.verdict}`));
    // On the upstream images, only what too few rounds cannot decide is open.
    for (const v of plain.filter((x) => x.verdict === 'inconclusive')) {
      expect(v.evidence, v.id).toMatch(
        /; inconclusive \(\d rounds\): the rule decides on 6 or more$/,
      );
    }
    expect(verdictCounts(onStandIns)).toMatch(
      /^\d+ confirmed, \d+ refuted, \d+ confirmed on stand-ins, \d+ refuted on stand-ins, \d+ inconclusive, 3 not measurable here$/,
    );
  });

  it('decides a timed claim on the interval of its rounds, never on fewer rounds than the rule needs', async () => {
    const run = await readRun(ALL_VARIANTS_RUN);
    /** The run with golang's cold builds taken `n` times over, and multi-stage's at these shares of them. */
    const withShares = (shares: number[]): RunResult => {
      const golang = run.variants.find((g) => g.name === 'golang');
      const own = golang?.state === 'ok' ? (golang.builds?.cold.durationMs.samples ?? []) : [];
      const base = shares.map((_, i) => own[i % own.length] as number);
      const cold = (v: RunResult['variants'][number], samples: number[]) =>
        v.state === 'ok' && v.builds
          ? {
              ...v,
              builds: { ...v.builds, cold: { ...v.builds.cold, durationMs: summarize(samples) } },
            }
          : v;
      return {
        ...run,
        variants: run.variants.map((v) =>
          v.name === 'golang'
            ? cold(v, base)
            : v.name === 'multi-stage'
              ? cold(
                  v,
                  base.map((ms, i) => ms * (shares[i] as number)),
                )
              : v,
        ),
      };
    };
    const verdictOf = (r: RunResult) => judgeClaims(r).find((v) => v.id === '001-build-multistage');
    // 32.5 % less ± 15 points. Two rounds that agree decide nothing: the rule needs 6.
    const two = verdictOf(withShares([0.9, 0.88]));
    expect(two?.verdict).toBe('inconclusive');
    expect(two?.evidence).toMatch(/; inconclusive \(2 rounds\): the rule decides on 6 or more$/);
    // Eight rounds of 9–12 % less: the interval of their median lies below 17.5 %: refuted.
    const eight = verdictOf(withShares([0.9, 0.88, 0.91, 0.89, 0.9, 0.88, 0.9, 0.89]));
    expect(eight).toMatchObject({ verdict: 'refuted on stand-ins' });
    expect(eight?.evidence).toMatch(
      /; the median of 8 rounds, interval 9\.0 % to 12\.0 % at 95 %$/,
    );
    // Eight rounds from 10 % to 30 % less: the interval crosses 17.5 %, the noise would decide.
    const noisy = verdictOf(withShares([0.9, 0.7, 0.88, 0.72, 0.9, 0.7, 0.88, 0.75]));
    expect(noisy?.verdict).toBe('inconclusive');
    expect(noisy?.evidence).toMatch(
      /; the median of 8 rounds, interval 1\d\.0 % to 30\.0 % at 95 %: the interval crosses what the claim accepts, so the machine's noise, not the images, would decide$/,
    );
  });

  it('compares no ratio of our images with a ratio of another service’s', () => {
    // An image ÷ image or image ÷ binary ratio carried from an article moves with the binary;
    // the only image ratio left is structural: scratch is its binary (1×).
    for (const claim of loadClaims().flatMap((a) => a.claims)) {
      const check = claim.check as { kind: string; figure?: string; claimed?: number };
      if (check.kind === 'ratio' && check.figure === 'image size') {
        expect(check.claimed, claim.id).toBe(1);
      }
    }
  });
});
