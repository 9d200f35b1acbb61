import { describe, expect, it } from 'vitest';
import { parseNeeds } from '../../src/metrics/needs.js';
import type { RunResult } from '../../src/metrics/run-result.js';
import { recommendationLines } from '../../src/report/recommend.js';
import { readRun } from '../../src/results/read-run.js';
import { STAND_INS_ALL_VARIANTS_RUN } from '../fixtures.js';

const SIX = ['golang', 'alpine', 'multi-stage', 'stripped', 'scratch', 'distroless'];

describe('which variant to ship', async () => {
  const all = await readRun(STAND_INS_ALL_VARIANTS_RUN);
  // The sample service's default run: the six variants of the articles.
  const six: RunResult = { ...all, variants: all.variants.filter((v) => SIX.includes(v.name)) };

  it('for TLS, time zones and non-root (the default): the only variant that has them, with its cost against the smallest in bytes and gaps', () => {
    const [pick, ...why] = recommendationLines(six);
    expect(pick).toMatch(
      /^Ship \*\*distroless\*\* for TLS to the outside, time zones and non-root: 9\.85 MB † image, the only one of 6 variants that has it all\.$/,
    );
    const smallest = why.find((l) => l.startsWith('Against the smallest'));
    expect(smallest).toMatch(
      /^Against the smallest, scratch \(6\.57 MB\): image size \+3\.29 MB \(1\.50×\);/,
    );
    expect(smallest).toMatch(/it has a CA bundle, time zone data and a non-root user\.$/);
    expect(why).toContain('It gives up: no shell.');
    expect(why).toContain(
      'Left out: golang, alpine (runs as root); multi-stage, stripped (no time zone data and runs as root); scratch (no CA bundle, no time zone data and runs as root).',
    );
    // distroless's bytes and files are a stand-in's here, and the line says so.
    expect(why.at(-1)).toMatch(
      /^† a stand-in base decides these bytes and files \(distroless starts from imgbench\/standin-distroless-static:nonroot in place of gcr\.io\/distroless\/static-debian12:nonroot\)/,
    );
  });

  it('for a shell: another variant, and why the default one is left out', () => {
    const [pick, ...why] = recommendationLines(six, parseNeeds('shell'));
    expect(pick).toMatch(
      /^Ship \*\*stripped\*\* for a shell: 9\.71 MB † image, the smallest of the 4/,
    );
    expect(why).toContain('Left out: scratch, distroless (no shell).');
    expect(why).toContain('It gives up: no time zone data and runs as root.');
  });

  it('names what a larger variant is decided better at, once, from the smallest that offers it', () => {
    const [pick, ...why] = recommendationLines(all, parseNeeds('shell'));
    expect(pick).toMatch(/^Ship \*\*upx\*\* for a shell: 5\.23 MB †/);
    // upx starts slower (a decompressing binary): stripped is the smallest that starts faster.
    expect(why[0]).toMatch(
      /^stripped is better at startup start→ready 0\.60× \(50 rounds\), for 9\.71 MB † \(4\.48 MB more\)\.$/,
    );
    expect(why[1]).toBe('6 larger variants offer no more.');
  });

  it('says when no variant has every need, and which comes closest', () => {
    expect(recommendationLines(six, parseNeeds('tls,tz,nonroot,shell'))).toEqual([
      'Which to ship for TLS to the outside, time zones, non-root and a shell: none of the 6 variants has all of it; the closest, distroless, lacks a shell. Add a variant that has them, or ask for less with `--needs`.',
    ]);
  });

  it('with no needs, the smallest that nothing beats on every question', () => {
    const [pick] = recommendationLines(six, parseNeeds('none'));
    expect(pick).toMatch(/^Ship \*\*scratch\*\* with no needs stated: 6\.57 MB image/);
  });

  it('says nothing it cannot know: without the gaps metric, no recommendation but what to add', () => {
    const noGaps: RunResult = {
      ...six,
      variants: six.variants.map((v) => (v.state === 'ok' ? { ...v, gaps: undefined } : v)),
    };
    expect(recommendationLines(noGaps)).toEqual([
      expect.stringMatching(
        /^Which to ship: not said — the gaps metric, .* did not run; add gaps to `--metrics`\.$/,
      ),
    ]);
  });

  it('refuses a need it does not know, in one line', () => {
    expect(() => parseNeeds('tls,shel')).toThrow(
      /^Unknown need `shel` in `--needs`; the needs are tls, tz, nonroot, shell \(or none\)$/,
    );
  });
});
