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
      'scratch,distroless,cgo-scratch',
      '--bases',
      'offline',
      '--out',
      dir,
    ]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /^Claims of the seed articles: \d+ confirmed, \d+ refuted, \d+ inconclusive, \d+ not measurable here/m,
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
    expect(of('000-cgo-crash')).toMatchObject({ verdict: 'confirmed' });
    expect(of('000-cgo-crash')?.evidence).toMatch(
      /^cgo-scratch \(dynamic binary\): the service did not get ready: the container exited with code 1: exec \/main: no such file or directory$/,
    );
    for (const id of [
      '000-scratch-no-ca',
      '000-distroless-ca-tz',
      '000-nonroot',
      '003-scratch-no-tmp',
    ]) {
      expect(of(id)?.verdict, `${id}: ${of(id)?.evidence}`).toBe('confirmed');
    }
    expect(of('000-nonroot')?.evidence).toBe('distroless: uid 65532');
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
