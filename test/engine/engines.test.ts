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
 * and Debian unstable's 28.5 (scripts/engine.sh), on their classic store and
 * on the containerd image store. The same images, moved with `docker save |
 * docker load`, measure to the same bytes on all of them; each engine's own
 * figure is kept beside. 28.5 with the containerd store builds the six and
 * serves as the second engine.
 */
const script = join(packageRoot(), 'scripts', 'engine.sh');
const engineSh = (args: string[]) =>
  execFileSync('bash', [script, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
const VERSIONS = ['26.1', '28.5'] as const;
type Version = (typeof VERSIONS)[number];
const socketOf = (version: Version) => `/run/imgbench-engine${version.split('.')[0]}/docker.sock`;
const on = (version: Version, args: string[]) =>
  execFileSync('docker', ['-H', `unix://${socketOf(version)}`, ...args], {
    encoding: 'utf8',
  }).trim();
const moveTo = (version: Version, image: string) =>
  execFileSync(
    'bash',
    ['-c', `docker save ${image} | docker -H unix://${socketOf(version)} load -q`],
    { stdio: 'ignore' },
  );

const IMAGES = ['imgbench/sample:golang', 'imgbench/sample:distroless'];
const SIX = ['golang', 'alpine', 'multi-stage', 'stripped', 'scratch', 'distroless'];
/** The variants built in a second stage from the same builder: the same bytes on every engine. */
const MULTI_STAGE = ['multi-stage', 'stripped', 'scratch', 'distroless'];

type RunFile = {
  complete: boolean;
  engine: { serverVersion: string; imageStore?: string };
  secondEngine?: { info: { serverVersion: string; imageStore?: string } };
  variants: Array<{ name: string; state: string; size?: { sizeBytes: number } }>;
};
const readRunFile = (folder: string): RunFile =>
  JSON.parse(readFileSync(join(folder, 'latest', 'results.json'), 'utf8'));
const sizesOf = (run: RunFile) =>
  Object.fromEntries(run.variants.map((v) => [v.name, v.size?.sizeBytes]));

describe('one size basis on 20.10 classic and on 26.1 and 28.5, classic and containerd store', () => {
  const before = {
    pid: readFileSync('/var/run/docker.pid', 'utf8').trim(),
    docker0: execFileSync('ip', ['-o', 'link', 'show', 'docker0'], { encoding: 'utf8' }) !== '',
  };
  const out = mkdtempSync(join(tmpdir(), 'imgbench-engines-'));
  type Sized = { sizeBytes: number; engineSizeBytes?: number; layers?: unknown };
  const measured: Record<string, Record<string, Sized>> = {};

  let hostRun: RunFile | undefined;

  beforeAll(async () => {
    // The six, as a run builds them on the host's engine, with 28.5 on its
    // containerd store pulling, starting and loading them (the second engine).
    const dockerd = join(engineSh(['bin', '28.5']).trim(), 'dockerd');
    const built = await imgbench([
      'run',
      '--quick',
      '--bases',
      'offline',
      '--pull-dockerd',
      dockerd,
      '--pull-image-store',
      'containerd',
      '--out',
      join(out, 'six'),
    ]);
    expect(built.status, built.stderr).toBe(0);
    hostRun = readRunFile(join(out, 'six'));
    const host = await DockerEngine.connect();
    const sizes: Record<string, Sized> = {};
    for (const image of IMAGES) sizes[image] = await measureImageSize(host, image);
    measured['20.10 classic'] = sizes;
  }, 30 * 60_000);

  it('28.5 on its containerd store, as the second engine: six ok, every metric', () => {
    expect(hostRun?.complete).toBe(true);
    expect(hostRun?.variants.map((v) => [v.name, v.state])).toEqual(SIX.map((v) => [v, 'ok']));
    expect(hostRun?.secondEngine?.info.serverVersion).toMatch(/^28\.5\./);
    expect(hostRun?.secondEngine?.info.imageStore).toBe('containerd');
    console.log(`20.10 sizes: ${JSON.stringify(sizesOf(hostRun as RunFile))}`);
  });

  afterAll(() => {
    engineSh(['stop']);
    rmSync(out, { recursive: true, force: true });
  });

  for (const version of VERSIONS) {
    for (const store of ['classic', 'containerd'] as const) {
      it(
        `${version} ${store}: the layer tars sum to the same bytes, and the engine's own figure is kept`,
        async () => {
          expect(engineSh(['start', version, store])).toBe(
            `DOCKER_HOST=unix://${socketOf(version)}\n`,
          );
          try {
            const engine = await DockerEngine.connect({ socketPath: socketOf(version) });
            const info = await engine.info();
            expect(info.serverVersion.startsWith(`${version}.`)).toBe(true);
            expect(info.imageStore).toBe(store);
            const sizes: Record<string, Sized> = {};
            measured[`${version} ${store}`] = sizes;
            for (const image of IMAGES) {
              moveTo(version, image);
              const size = await measureImageSize(engine, image);
              sizes[image] = size;
              const host = measured['20.10 classic']?.[image];
              expect(size.sizeBytes, image).toBe(host?.sizeBytes);
              expect(size.layers, image).toEqual(host?.layers);
              // The engine's own figure, as docker image inspect gives it there.
              expect(size.engineSizeBytes).toBe(
                Number(on(version, ['image', 'inspect', '-f', '{{.Size}}', image])),
              );
            }
            if (store === 'containerd' && version === '26.1') {
              // 26.1's containerd store counts more than the classic one, for the same image
              // (each engine line changes that figure: it is kept, never compared).
              const golang = measured[`${version} containerd`]?.['imgbench/sample:golang'];
              expect(golang?.engineSizeBytes).toBeGreaterThan(
                measured['20.10 classic']?.['imgbench/sample:golang']?.engineSizeBytes ?? 0,
              );
            }
          } finally {
            engineSh(['stop', version]);
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
  }

  it(
    'a build on 26.1 with the containerd store stops before building, in one line',
    async () => {
      engineSh(['start', '26.1', 'containerd']);
      try {
        const result = await imgbench(
          ['run', '--metrics', 'size', '--variants', 'scratch', '--bases', 'offline', '--out', out],
          {
            DOCKER_HOST: `unix://${socketOf('26.1')}`,
          },
        );
        expect(result.status).toBe(2);
        const lines = result.stderr.trim().split('\n');
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(
          /^imgbench: dockerd 26\.1\.\S+, containerd image store cannot build from a tar context \(moby\/moby#47717, fixed in Docker 27\.5\.0\); build on its classic store/,
        );
        expect(result.stderr).not.toMatch(/no such host/);
        expect(on('26.1', ['images', '-q', '--filter', 'label=org.imgbench.managed=true'])).toBe(
          '',
        );
      } finally {
        engineSh(['stop', '26.1']);
      }
    },
    5 * 60_000,
  );

  it(
    "28.5 on its containerd store, as the build engine: six ok, the multi-stage images to the byte of 20.10's",
    async () => {
      engineSh(['start', '28.5', 'containerd']);
      try {
        // The stand-ins the six build on, moved in: the builds themselves run on 28.5.
        for (const role of ['golang', 'golang-alpine', 'alpine', 'distroless-static'] as const) {
          moveTo('28.5', STAND_IN_RECIPES[role].tag);
        }
        const result = await imgbench(
          ['run', '--quick', '--bases', 'offline', '--out', join(out, 'on-28.5')],
          { DOCKER_HOST: `unix://${socketOf('28.5')}` },
        );
        expect(result.status, result.stderr).toBe(0);
        const run = readRunFile(join(out, 'on-28.5'));
        expect(run.engine.serverVersion).toMatch(/^28\.5\./);
        expect(run.engine.imageStore).toBe('containerd');
        expect(run.variants.map((v) => [v.name, v.state])).toEqual(SIX.map((v) => [v, 'ok']));
        const here = sizesOf(run);
        const host = sizesOf(hostRun as RunFile);
        for (const name of MULTI_STAGE) expect(here[name], name).toBe(host[name]);
        console.log(`28.5 containerd sizes: ${JSON.stringify(here)}`);
        expect(on('28.5', ['ps', '-aq', '--filter', 'label=org.imgbench.managed=true'])).toBe('');
      } finally {
        engineSh(['stop', '28.5']);
      }
    },
    30 * 60_000,
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
      engineSh(['start', '26.1', 'classic']);
      try {
        // The stand-in the scratch variant builds on, moved in; the build itself runs on 26.1.
        moveTo('26.1', STAND_IN_RECIPES['golang-alpine'].tag);
        const newRun = await scratchRun('new', { DOCKER_HOST: `unix://${socketOf('26.1')}` });
        expect(newRun.status, newRun.stderr).toBe(0);
      } finally {
        engineSh(['stop', '26.1']);
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
    expect(execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' })).not.toMatch(
      /ib2[68]br0/,
    );
    expect(hostLeftovers()).toEqual([]);
    expect(dockerCli(['ps', '-aq', '--filter', 'label=org.imgbench.managed=true'])).toBe('');
  });
});
