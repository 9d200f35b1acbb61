import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAND_IN_RECIPES } from '../../src/bases/stand-in-recipes.js';
import { DockerEngine } from '../../src/engine/docker-engine.js';
import { measureImageSize } from '../../src/measure/image-size.js';
import { packageRoot } from '../../src/paths.js';
import { dockerCli, hostLeftovers, imgbench } from './helpers.js';

/**
 * The engines users have, beside the host's 20.10: Debian 13's dockerd 26.1
 * (scripts/engine-26.sh), on its classic store and on the containerd image
 * store. The same images, moved with `docker save | docker load`, measure to
 * the same bytes on all three; each engine's own figure is kept beside.
 */
const script = join(packageRoot(), 'scripts', 'engine-26.sh');
const engine26 = (args: string[]) =>
  execFileSync('bash', [script, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
const socket = '/run/imgbench-engine26/docker.sock';
const on26 = (args: string[]) =>
  execFileSync('docker', ['-H', `unix://${socket}`, ...args], { encoding: 'utf8' }).trim();
const moveTo26 = (image: string) =>
  execFileSync('bash', ['-c', `docker save ${image} | docker -H unix://${socket} load -q`], {
    stdio: 'ignore',
  });

const IMAGES = ['imgbench/sample:golang', 'imgbench/sample:distroless'];

describe('one size basis on 20.10 classic, 26.1 classic and 26.1 containerd store', () => {
  const before = {
    pid: readFileSync('/var/run/docker.pid', 'utf8').trim(),
    docker0: execFileSync('ip', ['-o', 'link', 'show', 'docker0'], { encoding: 'utf8' }) !== '',
  };
  const out = mkdtempSync(join(tmpdir(), 'imgbench-engines-'));
  type Sized = { sizeBytes: number; engineSizeBytes?: number; layers?: unknown };
  const measured: Record<string, Record<string, Sized>> = {};

  beforeAll(async () => {
    // The images, as a run builds them on the host's engine.
    const built = await imgbench([
      'run',
      '--metrics',
      'size',
      '--variants',
      'golang,distroless',
      '--bases',
      'offline',
      '--out',
      out,
    ]);
    expect(built.status, built.stderr).toBe(0);
    const host = await DockerEngine.connect();
    const sizes: Record<string, Sized> = {};
    for (const image of IMAGES) sizes[image] = await measureImageSize(host, image);
    measured['20.10 classic'] = sizes;
  }, 20 * 60_000);

  afterAll(() => {
    engine26(['stop']);
    rmSync(out, { recursive: true, force: true });
  });

  for (const store of ['classic', 'containerd'] as const) {
    it(
      `26.1 ${store}: the layer tars sum to the same bytes, and the engine's own figure is kept`,
      async () => {
        expect(engine26(['start', store])).toBe(`DOCKER_HOST=unix://${socket}\n`);
        try {
          const engine = await DockerEngine.connect({ socketPath: socket });
          const info = await engine.info();
          expect(info.serverVersion).toMatch(/^26\.1\./);
          expect(info.imageStore).toBe(store);
          const sizes: Record<string, Sized> = {};
          measured[`26.1 ${store}`] = sizes;
          for (const image of IMAGES) {
            moveTo26(image);
            const size = await measureImageSize(engine, image);
            sizes[image] = size;
            const host = measured['20.10 classic']?.[image];
            expect(size.sizeBytes, image).toBe(host?.sizeBytes);
            expect(size.layers, image).toEqual(host?.layers);
            // The engine's own figure, as docker image inspect gives it there.
            expect(size.engineSizeBytes).toBe(
              Number(on26(['image', 'inspect', '-f', '{{.Size}}', image])),
            );
          }
          if (store === 'containerd') {
            // The containerd store counts more than the classic one, for the same image.
            const golang = measured['26.1 containerd']?.['imgbench/sample:golang'];
            expect(golang?.engineSizeBytes).toBeGreaterThan(
              measured['20.10 classic']?.['imgbench/sample:golang']?.engineSizeBytes ?? 0,
            );
          }
        } finally {
          engine26(['stop']);
        }
        // One line each, for the record: same basis, the engines' own figures.
        for (const image of IMAGES) {
          const row = Object.entries(measured).map(
            ([k, v]) => `${k}: ${v[image]?.sizeBytes} (engine ${v[image]?.engineSizeBytes})`,
          );
          console.log(`${image}: ${row.join('; ')}`);
        }
      },
      15 * 60_000,
    );
  }

  it(
    'a build on 26.1 with the containerd store stops before building, in one line',
    async () => {
      engine26(['start', 'containerd']);
      try {
        const result = await imgbench(
          ['run', '--metrics', 'size', '--variants', 'scratch', '--bases', 'offline', '--out', out],
          {
            DOCKER_HOST: `unix://${socket}`,
          },
        );
        expect(result.status).toBe(2);
        const lines = result.stderr.trim().split('\n');
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(
          /^imgbench: dockerd 26\.1\.\S+, containerd image store cannot build from a tar context \(moby\/moby#47717, fixed in Docker 27\.5\.0\); build on its classic store/,
        );
        expect(result.stderr).not.toMatch(/no such host/);
        expect(on26(['images', '-q', '--filter', 'label=org.imgbench.managed=true'])).toBe('');
      } finally {
        engine26(['stop']);
      }
    },
    5 * 60_000,
  );

  it(
    'a compare of a 20.10 run and a 26.1 run names the engine change',
    async () => {
      const scratchRun = (folder: string, env: NodeJS.ProcessEnv = {}) =>
        imgbench(
          [
            'run',
            '--metrics',
            'size,build',
            '--quick',
            '--variants',
            'scratch',
            '--bases',
            'offline',
            '--out',
            join(out, folder),
          ],
          env,
        );
      const hostRun = await scratchRun('host');
      expect(hostRun.status, hostRun.stderr).toBe(0);
      engine26(['start', 'classic']);
      try {
        // The stand-in the scratch variant builds on, moved in; the build itself runs on 26.1.
        moveTo26(STAND_IN_RECIPES['golang-alpine'].tag);
        const newRun = await scratchRun('new', { DOCKER_HOST: `unix://${socket}` });
        expect(newRun.status, newRun.stderr).toBe(0);
      } finally {
        engine26(['stop']);
      }
      const compare = await imgbench([
        'compare',
        join(out, 'host', 'latest'),
        join(out, 'new', 'latest'),
      ]);
      expect(compare.status, compare.stderr).toBe(0);
      expect(compare.stdout).toMatch(
        /^Engine changed: build engine: dockerd 20\.10\.\S+, classic image store → dockerd 26\.1\.\S+, classic image store\./m,
      );
      // The build times moved with the engine: not the variant's change.
      expect(compare.stdout).toMatch(/^scratch +build cold .*(engine changed|within noise)$/m);
      expect(compare.stdout).not.toMatch(/^scratch +build cold .*CHANGED/m);
      // The one image size basis compares across the engines (what 26.1's BuildKit wrote).
      expect(compare.stdout).toMatch(/^scratch +image size +/m);
      console.log(compare.stdout);
    },
    20 * 60_000,
  );

  it('leaves the build engine, docker0 and the host as they were', () => {
    expect(readFileSync('/var/run/docker.pid', 'utf8').trim()).toBe(before.pid);
    expect(before.docker0).toBe(true);
    expect(execFileSync('ip', ['-o', 'link', 'show', 'docker0'], { encoding: 'utf8' })).toMatch(
      /docker0/,
    );
    expect(execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' })).not.toMatch(/ib26br0/);
    expect(hostLeftovers()).toEqual([]);
    expect(dockerCli(['ps', '-aq', '--filter', 'label=org.imgbench.managed=true'])).toBe('');
  });
});
