import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DockerEngine } from '../../src/engine/docker-engine.js';
import { runSuite } from '../../src/run/run-suite.js';
import { IsolatedEngine } from '../../src/second-engine/isolated-engine.js';
import { LocalRegistry } from '../../src/second-engine/registry.js';
import { fileSchemaProblems } from '../results-schema.js';
import { tempDir } from '../temp-dir.js';
import { dockerCli, hostLeftovers, labelledContainers, startRunUntil } from './helpers.js';

/** Sizes of the blob files the registry stored, by digest: the bytes on its disk. */
function storedBlobs(storage: string): Map<string, number> {
  const root = join(storage, 'docker/registry/v2/blobs/sha256');
  const blobs = new Map<string, number>();
  for (const prefix of readdirSync(root)) {
    for (const hex of readdirSync(join(root, prefix))) {
      blobs.set(`sha256:${hex}`, statSync(join(root, prefix, hex, 'data')).size);
    }
  }
  return blobs;
}

describe('pull on a second engine, from the run’s own registry', () => {
  // The images the registry and emptying checks push: built here, whatever ran before.
  beforeAll(async () => {
    const out = mkdtempSync(join(tmpdir(), 'imgbench-pull-images-'));
    try {
      const { run } = await runSuite(await DockerEngine.connect(), {
        metrics: ['size'],
        variants: ['multi-stage', 'stripped'],
        bases: 'offline',
        outDir: out,
      });
      expect(run.variants.map((v) => v.state)).toEqual(['ok', 'ok']);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('the compressed size from the manifest is what the registry stored for that image', async () => {
    const engine = await DockerEngine.connect();
    const registry = await LocalRegistry.start({ runId: 'test' });
    try {
      const reference = registry.reference('imgbench/sample:multi-stage');
      await engine.tagImage('imgbench/sample:multi-stage', reference);
      await engine.pushImage(reference, 120_000);
      await engine.removeImage(reference);
      const manifest = await registry.manifest('imgbench/sample', 'multi-stage');
      const blobs = storedBlobs(join(registry.dir, 'storage'));
      const inspect = (format: string) =>
        Number(dockerCli(['image', 'inspect', '--format', format, 'imgbench/sample:multi-stage']));
      expect(manifest.layers.length).toBe(inspect('{{len .RootFS.Layers}}'));
      for (const layer of manifest.layers) expect(blobs.get(layer.digest)).toBe(layer.sizeBytes);
      expect(blobs.get(manifest.config.digest)).toBe(manifest.config.sizeBytes);
      expect(manifest.compressedBytes).toBeLessThan(inspect('{{.Size}}'));
    } finally {
      await registry.stop();
    }
  });

  it('times cold pulls per link, runs startup there, and leaves no engine, registry, bridge or qdisc', async () => {
    const out = tempDir('pull');
    const { run, dir } = await runSuite(await DockerEngine.connect(), {
      metrics: ['size', 'pull', 'startup'],
      variants: ['multi-stage', 'scratch'],
      repeat: 2,
      links: ['50mbit'],
      bases: 'offline',
      outDir: out,
    });
    expect(fileSchemaProblems(join(dir, 'results.json'))).toEqual([]);
    for (const v of run.variants) {
      if (v.state !== 'ok') throw new Error(`${v.name}: ${JSON.stringify(v)}`);
      const pull = v.pull;
      expect(pull?.engine).toBe('isolated');
      expect(pull?.links.map((l) => l.link)).toEqual(['unlimited', '50mbit']);
      const shaped = pull?.links[1];
      // A shaped pull cannot beat its physical bound; transfer ends before the image is ready.
      expect(shaped?.durationMs.min).toBeGreaterThan(shaped?.boundMs ?? Number.POSITIVE_INFINITY);
      for (const l of pull?.links ?? []) {
        expect(l.durationMs.n).toBe(2);
        for (const [i, t] of l.transferMs.samples.entries()) {
          expect(t).toBeLessThanOrEqual(l.durationMs.samples[i] ?? 0);
        }
      }
      expect(v.startup?.engine).toBe('isolated');
      expect(v.startup?.startToReadyMs.n).toBe(2);
    }
    expect(labelledContainers()).toEqual([]);
    expect(hostLeftovers()).toEqual([]);
  });

  it('an emptied engine holds no layer, and pulls every layer again like a fresh one', async () => {
    const engine = await DockerEngine.connect();
    const registry = await LocalRegistry.start({ runId: 'empty' });
    const isolated = await IsolatedEngine.start('empty');
    try {
      const reference = registry.reference('imgbench/sample:multi-stage');
      await engine.tagImage('imgbench/sample:multi-stage', reference);
      await engine.pushImage(reference, 120_000);
      await engine.removeImage(reference);
      const layers = (await registry.manifest('imgbench/sample', 'multi-stage')).layers.length;
      // The default storage: the data root is a tmpfs of the engine's own.
      expect(readFileSync('/proc/self/mountinfo', 'utf8')).toMatch(
        new RegExp(` ${isolated.dataRoot} .* - tmpfs imgbench-pull `),
      );
      const first = await isolated.engine.pullImage(reference, 120_000);
      expect(first).toMatchObject({ layersPulled: layers, layersPresent: 0 });
      await isolated.empty();
      // overlay2 keeps only its `l` folder of short links when no layer is left.
      const overlay = readdirSync(join(isolated.dataRoot, 'overlay2')).filter((d) => d !== 'l');
      expect(overlay).toEqual([]);
      const again = await isolated.engine.pullImage(reference, 120_000);
      expect(again).toMatchObject({ layersPulled: layers, layersPresent: 0 });
      // Without emptying, a variant on the same base finds that layer already there:
      // what coldPull refuses as "not cold".
      const stripped = registry.reference('imgbench/sample:stripped');
      await engine.tagImage('imgbench/sample:stripped', stripped);
      await engine.pushImage(stripped, 120_000);
      await engine.removeImage(stripped);
      const warm = await isolated.engine.pullImage(stripped, 120_000);
      expect(warm.layersPresent).toBeGreaterThanOrEqual(1);
    } finally {
      await isolated.stop();
      await registry.stop();
    }
    expect(hostLeftovers()).toEqual([]);
  });
});

describe('an interrupted run', () => {
  it('SIGINT while a link is shaped removes the qdisc, the registry and the isolated engine, and exits 130', async () => {
    const out = tempDir('interrupt');
    const { child } = await startRunUntil(
      [
        '--metrics',
        'size,pull',
        '--variants',
        'multi-stage',
        '--link',
        '1mbit',
        '--bases',
        'offline',
        '--out',
        out,
      ],
      /pulling over a link shaped to 1mbit/,
      // The stage line comes just before the qdisc; a 6.7 MB pull at 1 Mbit/s
      // takes ~54 s, so 2 s later the qdisc is certainly in place.
      2_000,
    );
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(130);
    expect(String(result.all)).toMatch(/SIGINT: stopped; undid .*qdisc on lo/);
    expect(hostLeftovers()).toEqual([]);
    expect(labelledContainers()).toEqual([]);
    const runs = readdirSync(out).filter((d) => /^\d{8}-/.test(d));
    const run = JSON.parse(readFileSync(join(out, runs[0] ?? '', 'results.json'), 'utf8'));
    expect(run.complete).toBe(false);
    expect(run.stoppedBy).toBe('SIGINT');
    const record = JSON.parse(readFileSync(join(out, runs[0] ?? '', 'host-changes.json'), 'utf8'));
    expect(record.inPlace).toEqual([]);
    // Written as it stood when the signal came: the cut-off pull is not a failure.
    expect(run.variants[0].state).toBe('ok');
  });

  it('SIGTERM during the build scenarios stops the build, removes the service copy and their images, and exits 143', async () => {
    const out = tempDir('interrupt-build');
    const { child } = await startRunUntil(
      ['--metrics', 'size,build', '--variants', 'scratch', '--bases', 'offline', '--out', out],
      /\[1\/1\] scratch: ok/,
      // The first round's cold build was the size build; its warm build compiles the
      // standard library (~15 s) after a no-op of 0.1 s: 3 s in, it is running.
      3_000,
    );
    child.kill('SIGTERM');
    const result = await child;
    expect(result.exitCode).toBe(143);
    expect(String(result.all)).toMatch(
      /SIGTERM: stopped; undid the service copy \S+imgbench-build-src-\S+, the build scenarios' images\./,
    );
    const [runDir = ''] = readdirSync(out).filter((d) => /^\d{8}-/.test(d));
    const run = JSON.parse(readFileSync(join(out, runDir, 'results.json'), 'utf8'));
    expect(run).toMatchObject({ complete: false, stoppedBy: 'SIGTERM' });
    expect(run.variants[0].state).toBe('ok');
    expect(hostLeftovers()).toEqual([]);
    expect(labelledContainers()).toEqual([]);
    expect(
      dockerCli([
        'images',
        '-q',
        '--filter',
        `label=org.imgbench.run-id=${run.runId}`,
        '--filter',
        'label=org.imgbench.kind=build-metric-image',
      ]),
    ).toBe('');
    // The engine cancelled the build when the client went away: no compiler is left running.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })).not.toMatch(/\bgo build\b/);
  });
});
