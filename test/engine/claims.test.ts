import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClaimVerdict } from '../../src/claims/claims.js';
import { fileSchemaProblems } from '../results-schema.js';
import { hostLeftovers, imgbench, labelledContainers } from './helpers.js';

describe('the seed claims against real runs', () => {
  const out = mkdtempSync(join(tmpdir(), 'imgbench-claims-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  /** A run of the gaps, the flags builds and the cgo pitfall, judged. */
  async function judgedRun(name: string): Promise<ClaimVerdict[]> {
    const dir = join(out, name);
    const run = await imgbench([
      'run',
      '--metrics',
      'size,gaps,flags',
      '--variants',
      'scratch,distroless,cgo-scratch,cgo-distroless',
      '--bases',
      'offline',
      '--out',
      dir,
    ]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /^Claims of the seed articles: \d+ confirmed, \d+ refuted, \d+ confirmed on stand-ins, \d+ refuted on stand-ins, \d+ inconclusive, \d+ not measurable here/m,
    );
    // Gaps, the flags builds and a failed variant, as the published schema says.
    expect(fileSchemaProblems(join(dir, 'latest', 'results.json'))).toEqual([]);
    const claims = await imgbench(['claims', join(dir, 'latest'), '--json']);
    expect(claims.status).toBe(0);
    return JSON.parse(claims.stdout) as ClaimVerdict[];
  }

  it('reproduces the pitfall and gap claims with the runtime’s own words, and two runs give the same verdicts', async () => {
    const first = await judgedRun('a');
    const second = await judgedRun('b');
    const verdicts = (list: ClaimVerdict[]) => list.map((v) => `${v.id}: ${v.verdict}`);
    expect(verdicts(second)).toEqual(verdicts(first));

    const of = (id: string) => first.find((v) => v.id === id);
    // The cgo binary comes from the stand-in golang builder (its gcc turns cgo on).
    expect(of('000-cgo-crash')).toMatchObject({ verdict: 'confirmed on stand-ins' });
    expect(of('000-cgo-crash')?.evidence).toMatch(
      /^cgo-scratch \(dynamic binary\): the service did not get ready: the container exited with code 1: exec \/main: no such file or directory$/,
    );
    // On distroless static the loader itself is missing: no loader is there to name libc.so.6.
    expect(of('000-cgo-crash-distroless')).toMatchObject({ verdict: 'confirmed on stand-ins' });
    expect(of('002-libc-wording')).toMatchObject({ verdict: 'refuted on stand-ins' });
    expect(of('002-libc-wording')?.evidence).toMatch(/exec \/server: no such file or directory$/);
    expect(of('002-libc-wording')?.bases.map((b) => [b.role, b.standIn, b.reads])).toEqual([
      ['distroless-static', true, ['contents']],
      ['golang', true, ['contents']],
    ]);
    // scratch has no base: what it lacks is no stand-in's doing.
    for (const id of ['000-scratch-no-ca', '003-scratch-no-tmp', '000-scratch-5-15']) {
      expect(of(id)?.verdict, `${id}: ${of(id)?.evidence}`).toBe('confirmed');
      expect(of(id)?.bases).toEqual([]);
    }
    for (const id of ['000-distroless-ca-tz', '000-nonroot', '002-distroless-no-libc']) {
      expect(of(id)?.verdict, `${id}: ${of(id)?.evidence}`).toBe('confirmed on stand-ins');
    }
    expect(of('000-nonroot')?.evidence).toBe('distroless: uid 65532');
    expect(of('002-distroless-no-libc')?.evidence).toBe(
      'distroless: no C library and no ELF loader',
    );
    for (const id of [
      '001-w-30',
      '002-ldflags-25-30',
      '002-trimpath-reproducible',
      '002-panic-names',
    ]) {
      expect(of(id)?.verdict, `${id}: ${of(id)?.evidence}`).toBe('confirmed');
    }
    // Claims about variants this run did not build say so.
    expect(of('001-ladder-order')).toMatchObject({
      verdict: 'inconclusive',
      evidence: 'the run has no golang variant',
    });
    expect(labelledContainers()).toEqual([]);
    expect(hostLeftovers()).toEqual([]);
  });
});
