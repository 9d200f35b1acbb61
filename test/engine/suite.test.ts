import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/metrics/run-result.js';
import { readRun } from '../../src/results/read-run.js';
import { fileSchemaProblems } from '../results-schema.js';
import { okVariant, okVariants, SIX_VARIANTS } from '../variants.js';
import { dockerCli, imgbench, labelledContainers } from './helpers.js';

describe('imgbench run --metrics size on the real engine, offline bases', () => {
  const out = mkdtempSync(join(tmpdir(), 'imgbench-suite-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  // One run for every test here, made and read before any of them.
  let run: RunResult;
  let stdout: string;
  let status: number | null;
  const ok = (name: string) => okVariant(run, name);

  beforeAll(async () => {
    const result = await imgbench(['run', '--metrics', 'size', '--bases', 'offline', '--out', out]);
    stdout = result.stdout;
    status = result.status;
    if (status !== 0) console.error(result.stderr);
    run = await readRun(join(out, 'latest'));
  });

  it('finishes with all six variants ok, exit 0, and prints the table', () => {
    expect(status).toBe(0);
    expect(run.complete).toBe(true);
    expect(run.variants.map((v) => [v.name, v.state])).toEqual(SIX_VARIANTS.map((n) => [n, 'ok']));
    for (const v of run.variants) expect(stdout).toMatch(new RegExp(`^${v.name}\\s+ok\\s`, 'm'));
    expect(stdout).toContain('Bases: offline stand-ins');
  });

  it('records sizes equal to the layer tars of `docker save`, and the engine’s own figure, to the byte', () => {
    const dir = mkdtempSync(join(tmpdir(), 'imgbench-save-'));
    try {
      for (const v of okVariants(run)) {
        const [size, layers] = dockerCli([
          'image',
          'inspect',
          '-f',
          '{{.Size}} {{len .RootFS.Layers}}',
          v.image,
        ]).split(' ');
        expect(v.size.engineSizeBytes, v.name).toBe(Number(size));
        expect(v.size.layerCount, v.name).toBe(Number(layers));
        expect(dockerCli(['image', 'inspect', '-f', '{{.Id}}', v.image])).toBe(v.imageId);
        // The independent count: tar's own listing of the saved image, layer by layer.
        const saved = join(dir, `${v.name}.tar`);
        dockerCli(['save', '-o', saved, v.image]);
        const [manifest] = JSON.parse(
          execFileSync('tar', ['-xOf', saved, 'manifest.json'], { encoding: 'utf8' }),
        ) as Array<{ Layers: string[] }>;
        const listing = execFileSync('tar', ['-tvf', saved], { encoding: 'utf8' });
        const entryBytes = new Map(
          listing
            .split('\n')
            .map((line) => line.trim().split(/\s+/))
            .filter((f) => f.length >= 6)
            .map((f) => [f.at(-1) as string, Number(f[2])]),
        );
        const sum = (manifest?.Layers ?? []).reduce((n, l) => n + (entryBytes.get(l) ?? NaN), 0);
        expect(v.size.basis, v.name).toBe('layer-tars');
        expect(v.size.sizeBytes, v.name).toBe(sum);
        rmSync(saved);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('orders sizes as the seeds say: golang > alpine > multi-stage > stripped, scratch < distroless', () => {
    const size = (n: string) => ok(n).size.sizeBytes;
    expect(size('golang')).toBeGreaterThan(size('alpine'));
    expect(size('alpine')).toBeGreaterThan(size('multi-stage'));
    expect(size('multi-stage')).toBeGreaterThan(size('stripped'));
    expect(size('scratch')).toBeLessThan(size('distroless'));
  });

  it('finds the scratch and stripped binaries static and the golang one dynamic (cgo on, glibc loader)', () => {
    expect(ok('scratch').size.binary.linkage).toBe('static');
    expect(ok('stripped').size.binary.linkage).toBe('static');
    expect(ok('golang').size.binary).toMatchObject({ linkage: 'dynamic', path: '/app/main' });
    expect(ok('golang').size.binary.interpreter).toMatch(/ld-linux/);
  });

  it('reads binary sizes that agree with the file in the image and with the single-layer scratch image', () => {
    const listed = dockerCli([
      'run',
      '--rm',
      '--entrypoint',
      'stat',
      ok('golang').image,
      '-c',
      '%s',
      '/app/main',
    ]);
    expect(ok('golang').size.binary.sizeBytes).toBe(Number(listed));
    // scratch holds the binary alone: the engine counts exactly the binary, the
    // layer tar adds its headers and padding (a few 512-byte blocks).
    const scratch = ok('scratch').size;
    expect(scratch.engineSizeBytes).toBe(scratch.binary.sizeBytes);
    expect(scratch.sizeBytes - scratch.binary.sizeBytes).toBeGreaterThan(0);
    expect(scratch.sizeBytes - scratch.binary.sizeBytes).toBeLessThan(10 * 512);
  });

  it('writes CSV and Markdown that agree with results.json, and marks every base as a stand-in', () => {
    const dir = join(out, readlinkSync(join(out, 'latest')));
    const rows = parse(readFileSync(join(dir, 'results.csv'), 'utf8'), { columns: true }) as Record<
      string,
      string
    >[];
    for (const v of okVariants(run)) {
      const row = rows.find((r) => r.variant === v.name);
      expect(Number(row?.image_size_bytes), v.name).toBe(v.size.sizeBytes);
    }
    const md = readFileSync(join(dir, 'summary.md'), 'utf8');
    expect(md).toMatch(/^\| distroless \| ok \|/m);
    expect(run.bases.profile).toBe('offline');
    for (const base of run.bases.images) {
      expect(base.standIn).toBe(true);
      expect(base.image).toMatch(/^imgbench\/standin-/);
    }
  });

  it('writes a results.json the published schema validates', () => {
    expect(fileSchemaProblems(join(out, 'latest', 'results.json'))).toEqual([]);
  });

  it('leaves no container behind', () => {
    expect(labelledContainers()).toEqual([]);
  });
});
