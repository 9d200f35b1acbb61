import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DockerEngine } from '../../src/engine/docker-engine.js';
import { variantsDir } from '../../src/paths.js';
import { runSuite } from '../../src/run/run-suite.js';
import { fileSchemaProblems } from '../results-schema.js';
import { tempDir } from '../temp-dir.js';
import { dockerCli, hostLeftovers, labelledContainers } from './helpers.js';

describe('startup and memory on the real engine', () => {
  it('measures both for variants that run, and fails only the one that cannot start, with the runtime error', async () => {
    // The real scratch variant beside a pitfall variant from the fixtures.
    const variants = tempDir('variants');
    cpSync(join(variantsDir(), 'scratch'), join(variants, 'scratch'), { recursive: true });
    cpSync(join(variantsDir(), '.dockerignore'), join(variants, '.dockerignore'));
    cpSync(join(variantsDir(), 'pitfalls', 'cgo-scratch'), join(variants, 'cgo-scratch'), {
      recursive: true,
    });
    const engine = await DockerEngine.connect();
    const { run, dir } = await runSuite(engine, {
      metrics: ['size', 'build', 'startup', 'memory'],
      repeat: 2,
      bases: 'offline',
      variantsDir: variants,
      outDir: tempDir('rt'),
    });

    // The results.json written, failed variant and all, is what the published schema says.
    expect(fileSchemaProblems(join(dir, 'results.json'))).toEqual([]);
    const scratch = run.variants.find((v) => v.name === 'scratch');
    if (scratch?.state !== 'ok') throw new Error(`scratch: ${JSON.stringify(scratch)}`);
    // Warm build after a one-line .go change: the module download layer is a cache hit.
    expect(scratch.builds?.warm.moduleLayerCached).toBe(true);
    expect(scratch.builds?.cold.moduleLayerCached).toBe(false);
    // RUN steps: all from cache when nothing changed, none without cache, and in the warm
    // build only the module download (BuildKit marks FROM of a local base never cached,
    // and COPY from an uploaded context is not a reliable signal; see types.ts).
    const runs = (scenario: 'cold' | 'no-op' | 'warm') =>
      (scratch.builds?.[scenario].steps ?? []).filter((s) => / RUN /.test(s.name));
    expect(runs('no-op').map((s) => s.cached)).toEqual([true, true]);
    expect(runs('cold').map((s) => s.cached)).toEqual([false, false]);
    expect(runs('warm').map((s) => [/go mod download/.test(s.name), s.cached])).toEqual([
      [true, true],
      [false, false],
    ]);
    expect(scratch.builds?.cold.durationMs.n).toBe(2);
    // The first cold sample is the build of the measured image; the no-op after it (in the
    // build stage, from the same service copy) is still a cache hit, as in every round.
    expect(scratch.builds?.firstColdIsImageBuild).toBe(true);
    const noops = scratch.builds?.['no-op'].durationMs.samples ?? [];
    const colds = scratch.builds?.cold.durationMs.samples ?? [];
    expect(Math.max(...noops)).toBeLessThan(Math.min(...colds) / 5);
    expect(scratch.startup?.startToReadyMs.n).toBe(2);
    // Run from the image pulled into the isolated engine, not on the build engine.
    expect(scratch.startup?.engine).toBe('isolated');
    expect(scratch.startup?.startToReadyMs.samples.every((ms) => ms > 0 && ms < 30_000)).toBe(true);
    // create → ready contains start → ready, sample by sample.
    const startToReady = scratch.startup?.startToReadyMs.samples ?? [];
    for (const [i, ms] of (scratch.startup?.createToReadyMs.samples ?? []).entries()) {
      expect(ms).toBeGreaterThan(startToReady[i] ?? Number.POSITIVE_INFINITY);
    }
    expect(scratch.memory?.idleRssBytes.n).toBe(2);
    // Read in the containers whose start→ready startup timed: one container per variant and round.
    expect(run.sampling?.memory?.sharedWith).toEqual(['startup']);
    expect(run.sampling?.startup?.sharedWith).toEqual(['memory']);
    expect(scratch.memory?.loadFailures).toBe(0);
    // A Go HTTP server holds some hundreds of KB to some MB of anonymous memory; the cgroup counts bytes.
    expect(scratch.memory?.idleRssBytes.p50).toBeGreaterThan(100_000);
    expect(scratch.memory?.idleRssBytes.p50).toBeLessThan(200_000_000);

    const cgo = run.variants.find((v) => v.name === 'cgo-scratch');
    expect(cgo?.state).toBe('failed');
    if (cgo?.state !== 'failed') return;
    expect(cgo.size?.binary.linkage).toBe('dynamic');
    expect(cgo.failure.stage).toBe('startup');
    expect(cgo.failure.message).toMatch(/no such file or directory/);

    expect(labelledContainers()).toEqual([]);
    expect(hostLeftovers()).toEqual([]);
    // The build metric's own images are gone; the measured image keeps its tag.
    expect(
      dockerCli(['images', '-q', '--filter', 'label=org.imgbench.kind=build-metric-image']),
    ).toBe('');
    expect(dockerCli(['images', '-q', scratch.image])).not.toBe('');
  });
});
