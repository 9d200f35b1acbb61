import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunOptionsInput } from '../../src/metrics/run-options.js';
import type { RunResult, VariantResult } from '../../src/metrics/run-result.js';
import { runSuite } from '../../src/run/run-suite.js';
import { tempDir } from '../temp-dir.js';
import { SIX_VARIANTS } from '../variants.js';
import { type FakeScript, fakeEngineWithStandIns } from './fake-engine.js';

/** A run of the sample's variants on the scriptable fake engine; what it wrote is read back too. */
async function fakeRun(script: FakeScript, input: RunOptionsInput = {}) {
  const engine = fakeEngineWithStandIns(script);
  const site = engine.pullSite();
  const out = tempDir('orchestration');
  const { run, dir } = await runSuite(
    engine,
    { bases: 'offline', outDir: out, repeat: 2, ...input },
    { pullSite: site, root: false },
  );
  const written = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as RunResult;
  return { run, written, calls: engine.calls, stopped: site.stopped };
}

// The runs' own temp folders (the service copy the build metric edits) go to
// a folder of this file's: the engine tests, which may run at the same time,
// count imgbench's temp folders as leftovers, and a root run reaps those of
// runs it does not know.
let savedTmpdir: string | undefined;
let privateTmpdir = '';
beforeAll(() => {
  savedTmpdir = process.env.TMPDIR;
  privateTmpdir = mkdtempSync(join(tmpdir(), 'orchestration-'));
  process.env.TMPDIR = privateTmpdir;
});
afterAll(() => {
  if (savedTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmpdir;
  rmSync(privateTmpdir, { recursive: true, force: true });
});

const state = (run: RunResult) => Object.fromEntries(run.variants.map((v) => [v.name, v.state]));
const byName = (run: RunResult, name: string) =>
  run.variants.find((v) => v.name === name) as VariantResult;
const failure = (run: RunResult, name: string) => {
  const v = byName(run, name);
  return v.state === 'failed' ? { stage: v.failure.stage, message: v.failure.message } : v.state;
};

describe('a run on the fake engine', () => {
  it('measures every variant through every stage, in order, and stops its registry and engine', async () => {
    const { run, written, calls, stopped } = await fakeRun(
      { ready: (variant) => ({ ms: variant === 'golang' ? 40 : 5 }) },
      { metrics: ['size', 'build', 'pull', 'startup'] },
    );
    expect(state(run)).toEqual(Object.fromEntries(SIX_VARIANTS.map((n) => [n, 'ok'])));
    expect(written).toEqual(JSON.parse(JSON.stringify(run)));
    expect(run.complete).toBe(true);
    for (const v of run.variants) {
      if (v.state !== 'ok') throw new Error(v.name);
      expect(v.size.binary.linkage).toBe('static');
      expect(v.builds?.cold.durationMs.n).toBe(2);
      expect(v.builds?.warm.moduleLayerCached).toBe(true);
      expect(v.pull?.links[0]?.durationMs.n).toBe(2);
      expect(v.startup?.startToReadyMs.n).toBe(2);
    }
    // The script is what is measured, on the fake's virtual clock: the start
    // call's 1 ms, then golang's 40 ms to ready against the others' 5 ms.
    const startup = (name: string) => {
      const v = byName(run, name);
      return v.state === 'ok' ? v.startup : undefined;
    };
    expect(startup('golang')?.startToReadyMs).toMatchObject({ p50: 41, min: 41, max: 41 });
    expect(startup('scratch')?.startToReadyMs).toMatchObject({ p50: 6, min: 6, max: 6 });
    expect(startup('scratch')?.createToReadyMs.p50).toBe(6);
    // Stages in order: every build before the first push, every push before the
    // first pull, every pull before the first container.
    // Containers of the service run on the isolated engine; the build engine runs
    // only the builders' `go env GOVERSION` before anything is built.
    const first = (op: string) =>
      calls.findIndex((c) => c.operation === op && (op !== 'create' || c.engine === 'isolated'));
    const last = (op: string) => calls.findLastIndex((c) => c.operation === op);
    expect(last('build')).toBeLessThan(first('push'));
    expect(last('push')).toBeLessThan(first('pull'));
    expect(last('pull')).toBeLessThan(first('create'));
    // Each timed pull (6 variants × 2 samples) comes right after the engine was emptied: cold.
    const empties = [...calls.entries()].filter(([, c]) => c.operation === 'empty');
    expect(empties).toHaveLength(12);
    for (const [i] of empties) expect(calls[i + 1]?.operation).toBe('pull');
    expect(stopped).toEqual(['engine', 'registry']);
  });

  it.each([
    ['build', { build: (v: string) => (v === 'scratch' ? { fail: 'exit code: 2' } : {}) }],
    [
      'build-scenarios',
      { build: (v: string, n: number) => (v === 'scratch' && n === 1 ? { fail: 'no space' } : {}) },
    ],
    ['push', { push: (v: string) => (v === 'scratch' ? { fail: 'blob upload unknown' } : {}) }],
    ['pull', { pull: (v: string) => (v === 'scratch' ? { fail: 'unexpected EOF' } : {}) }],
    [
      'startup',
      { ready: (v: string) => (v === 'scratch' ? { fail: 'listen tcp :8080: bind' } : {}) },
    ],
  ] as const)(
    'a failure at %s fails that variant there, and the others go on',
    async (stage, script) => {
      const { run, written } = await fakeRun(script, {
        metrics: ['size', 'build', 'pull', 'startup'],
        variants: ['multi-stage', 'scratch', 'distroless'],
      });
      expect(failure(run, 'scratch')).toMatchObject({ stage });
      expect(state(run)).toMatchObject({ 'multi-stage': 'ok', distroless: 'ok' });
      expect(run.complete).toBe(true);
      const scratch = byName(written, 'scratch');
      if (stage === 'build') {
        expect(scratch).not.toHaveProperty('size');
      } else {
        // Figures measured before the failure stay in results.json.
        expect(scratch).toMatchObject({
          size: { engineSizeBytes: 8_000_000, basis: 'layer-tars' },
        });
      }
      if (stage === 'pull' || stage === 'startup') expect(scratch).toHaveProperty('builds');
      if (stage === 'startup') {
        expect(scratch).toHaveProperty('pull');
        expect(scratch).toMatchObject({
          failure: {
            message: expect.stringContaining('exited with code 1: listen tcp :8080: bind'),
          },
        });
      }
    },
  );

  it('records each variant against the reference asked for, round by round', async () => {
    const { run, written } = await fakeRun(
      { ready: (variant) => ({ ms: variant === 'scratch' ? 40 : 20 }) },
      { metrics: ['size', 'startup'], reference: 'scratch', repeat: 6 },
    );
    expect(run.settings?.reference).toBe('scratch');
    expect(written.relative?.reference).toBe('scratch');
    const ratio = (name: string) => run.relative?.figures[name]?.['startup start→ready'];
    expect(ratio('scratch')?.ref?.p50).toBe(1);
    // The others' start and ready, 1 + 20 ms, against scratch's 1 + 40 ms, in every round.
    expect(ratio('golang')?.ref?.p50).toBe(21 / 41);
    expect(ratio('golang')?.ref?.ci).toHaveLength(2);
  });

  it('refuses a reference that is not one of the run’s variants, in one line', async () => {
    await expect(fakeRun({}, { metrics: ['size'], reference: 'nope' })).rejects.toThrow(
      /^`--reference` nope is not a variant of this run; pass one of: golang, /,
    );
  });

  it('a variant whose size reading fails is failed at measure', async () => {
    const engine = fakeEngineWithStandIns();
    engine.readImageFile = async () => undefined;
    const { run } = await runSuite(
      engine,
      { bases: 'offline', outDir: tempDir('orchestration'), metrics: ['size'] },
      { pullSite: engine.pullSite(), root: false },
    );
    expect(failure(run, 'golang')).toEqual({
      stage: 'measure',
      message: expect.stringMatching(/runs `\/app\/main`, which is not in the image/),
    });
  });

  it('--bail stops at the first failure: later variants stay pending and no later stage starts', async () => {
    const { run, written, calls, stopped } = await fakeRun(
      { build: (v) => (v === 'multi-stage' ? { fail: 'exit code: 1' } : {}) },
      { metrics: ['size', 'pull', 'startup'], bail: true },
    );
    // Without the build metric the variants are built in their catalogue order.
    expect(state(written)).toEqual({
      golang: 'ok',
      alpine: 'ok',
      'multi-stage': 'failed',
      stripped: 'pending',
      scratch: 'pending',
      distroless: 'pending',
    });
    expect(run).toMatchObject({ stoppedBy: 'bail', complete: false });
    expect(calls.filter((c) => c.operation === 'build').map((c) => c.variant)).toEqual([
      'golang',
      'alpine',
      'multi-stage',
    ]);
    expect(
      calls.some(
        (c) =>
          ['push', 'pull'].includes(c.operation) ||
          (c.engine === 'isolated' && c.operation === 'create'),
      ),
    ).toBe(false);
    expect(stopped).toEqual([]);
  });

  it('--bail during pulls stops the stages after them; the variants measured so far keep their figures', async () => {
    const { run } = await fakeRun(
      { pull: (v) => (v === 'alpine' ? { fail: 'unexpected EOF' } : {}) },
      {
        metrics: ['size', 'pull', 'startup'],
        bail: true,
        variants: ['golang', 'alpine', 'scratch'],
      },
    );
    expect(run).toMatchObject({ stoppedBy: 'bail', complete: false });
    expect(failure(run, 'alpine')).toMatchObject({ stage: 'pull' });
    expect(run.variants.every((v) => v.state === 'failed' || !('startup' in v))).toBe(true);
    expect(byName(run, 'golang')).toMatchObject({ state: 'ok', size: expect.any(Object) });
  });
});

describe('a run on the fake engine, stopped by a signal', () => {
  it('SIGINT in the isolated stage undoes its registry and engine, keeps what was measured, exits 130', async () => {
    const out = tempDir('orchestration-signal');
    const child = execa(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'fake-run.ts'), out],
      { reject: false, all: true, env: { TMPDIR: privateTmpdir } },
    );
    let seen = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no push of scratch: ${seen}`)), 20_000);
      child.all?.on('data', (chunk: Buffer) => {
        seen += String(chunk);
        if (/pushing scratch/.test(seen)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(130);
    expect(String(result.all)).toMatch(
      /SIGINT: stopped; undid the registry on 127\.0\.0\.1:5999 \(pid 0, storage \S+\), the isolated dockerd \(pid 0, bridge fake0, /,
    );
    // Undone in the reverse order of their start: the engine, then the registry.
    expect(String(result.all)).toMatch(
      /stopped the engine\nfake pull site: stopped the registry\n/,
    );
    const [runDir = ''] = readdirSync(out).filter((d) => /^\d{8}-/.test(d));
    const written = JSON.parse(
      readFileSync(join(out, runDir, 'results.json'), 'utf8'),
    ) as RunResult;
    expect(written).toMatchObject({ stoppedBy: 'SIGINT', complete: false });
    // Written as it stood when the signal came: both sizes measured, nothing failed.
    expect(state(written)).toEqual({ 'multi-stage': 'ok', scratch: 'ok' });
    expect(byName(written, 'scratch')).toMatchObject({
      size: { engineSizeBytes: 8_000_000, basis: 'layer-tars' },
    });
    // A child node with tsx takes its seconds to start on a busy machine: a deadline, not a timing.
  }, 30_000);
});
