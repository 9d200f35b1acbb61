import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { DockerEngine } from '../../src/engine/docker-engine.js';
import { summarize } from '../../src/measure/statistics.js';
import { IsolatedEngine } from '../../src/pull/isolated-engine.js';
import { LocalRegistry } from '../../src/pull/registry.js';
import { runSuite } from '../../src/run/run-suite.js';
import { tempDir } from '../temp-dir.js';
import { dockerCli, hostLeftovers, labelledContainers } from './helpers.js';

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
  // The images the direct registry and agreement checks push: built here, whatever ran before.
  beforeAll(async () => {
    const out = mkdtempSync(join(tmpdir(), 'imgbench-pull-images-'));
    try {
      const { run } = await runSuite(await DockerEngine.connect(), {
        metrics: ['size'],
        variants: ['multi-stage', 'alpine'],
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
    const { run } = await runSuite(await DockerEngine.connect(), {
      metrics: ['size', 'pull', 'startup'],
      variants: ['multi-stage', 'scratch'],
      repeat: 2,
      links: ['50mbit'],
      bases: 'offline',
      outDir: out,
    });
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

  it('a pull on the emptied engine agrees with `docker pull` on a fresh engine within 15 %', async () => {
    const engine = await DockerEngine.connect();
    const registry = await LocalRegistry.start({ runId: 'agree' });
    const ours: number[] = [];
    const cli: number[] = [];
    try {
      const reference = registry.reference('imgbench/sample:alpine');
      await engine.tagImage('imgbench/sample:alpine', reference);
      await engine.pushImage(reference, 300_000);
      await engine.removeImage(reference);
      for (let trial = 0; trial < 3; trial++) {
        const fresh = await IsolatedEngine.start(`agree${trial}`);
        try {
          const started = performance.now();
          await execa('docker', ['-H', `unix://${fresh.socket}`, 'pull', '-q', reference]);
          cli.push(performance.now() - started);
          await fresh.empty();
          ours.push((await fresh.engine.pullImage(reference, 300_000)).durationMs);
        } finally {
          await fresh.stop();
        }
      }
    } finally {
      await registry.stop();
    }
    const [a, b] = [summarize(ours).p50, summarize(cli).p50];
    expect(Math.abs(a - b) / b).toBeLessThan(0.15);
    expect(hostLeftovers()).toEqual([]);
  });
});
