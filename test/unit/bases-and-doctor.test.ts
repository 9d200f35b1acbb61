import { describe, expect, it } from 'vitest';
import { BASE_ROLES, UPSTREAM_IMAGES } from '../../src/bases/base-roles.js';
import { resolveBases } from '../../src/bases/resolve-bases.js';
import { recipeHash, STAND_IN_RECIPES } from '../../src/bases/stand-in-recipes.js';
import { runDoctor } from '../../src/doctor/doctor.js';
import { FakeEngine, fakeEngineWithStandIns } from './fake-engine.js';
import { sampleRun } from './sample-run.js';

const withStandIns = (hashFor?: Parameters<typeof fakeEngineWithStandIns>[1]) =>
  fakeEngineWithStandIns({}, hashFor);

describe('runDoctor', () => {
  it('names a stand-in made from an older recipe and the command that rebuilds it', async () => {
    const engine = withStandIns((role) =>
      role === 'alpine' ? 'sha256:old' : recipeHash(STAND_IN_RECIPES[role]),
    );
    engine.info = async () => ({ ...sampleRun().engine });
    const checks = await runDoctor(async () => engine);
    const bases = checks.find((c) => c.name === 'offline bases');
    expect(bases).toMatchObject({
      state: 'warning',
      fix: expect.stringContaining('imgbench bases'),
    });
    expect(bases?.detail).toContain('imgbench/standin-alpine:3.20');
    expect(bases?.detail).not.toContain('standin-golang');
  });

  it('knows the containerd image store: fine on Docker 27.5+, missing where builds fail', async () => {
    const storage = async (serverVersion: string, imageStore: 'classic' | 'containerd') => {
      const engine = new FakeEngine();
      const driver = imageStore === 'containerd' ? 'overlayfs' : 'overlay2';
      engine.info = async () => ({
        ...sampleRun().engine,
        serverVersion,
        imageStore,
        storageDriver: driver,
      });
      return (await runDoctor(async () => engine)).find((c) => c.name === 'storage driver');
    };
    expect(await storage('29.1.0', 'containerd')).toEqual({
      name: 'storage driver',
      state: 'ok',
      detail: 'overlayfs (containerd image store)',
    });
    expect(await storage('26.1.5+dfsg1', 'containerd')).toMatchObject({
      state: 'missing',
      detail: expect.stringMatching(
        /^overlayfs \(containerd image store\): dockerd 26\.1\.5\+dfsg1, containerd image store cannot build from a tar context/,
      ),
      fix: expect.stringMatching(/^build on its classic store/),
    });
    expect(await storage('26.1.5+dfsg1', 'classic')).toMatchObject({
      state: 'ok',
      detail: 'overlay2 (classic image store)',
    });
  });

  it('reports an engine that cannot be reached as missing, with a fix', async () => {
    const checks = await runDoctor(async () => {
      throw new Error('connect ENOENT /var/run/docker.sock');
    });
    expect(checks[0]).toMatchObject({ name: 'engine', state: 'missing' });
    expect(checks[0]?.fix).toMatch(/scripts\/setup\.sh|DOCKER_HOST/);
    expect(checks.find((c) => c.name === 'offline bases')).toBeUndefined();
  });

  it.each([
    ['offline', 'missing'],
    ['auto', 'warning'],
    ['upstream', 'not needed'],
  ] as const)('with --bases %s, a machine without mmdebstrap: %s', async (bases, state) => {
    const engine = withStandIns();
    engine.info = async () => ({ ...sampleRun().engine });
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const checks = await runDoctor(async () => engine, bases);
      expect(checks.find((c) => c.name === 'mmdebstrap')?.state).toBe(state);
      // What every profile needs stays missing.
      expect(checks.find((c) => c.name === 'docker-registry')?.state).toBe('missing');
      expect(checks.some((c) => c.name === 'offline bases')).toBe(bases !== 'upstream');
    } finally {
      process.env.PATH = path;
    }
  });
});

describe('resolveBases', () => {
  it('auto picks offline stand-ins when an upstream image is missing, and says which', async () => {
    const engine = withStandIns();
    engine.addImage(UPSTREAM_IMAGES.golang);
    const bases = await resolveBases(engine, 'auto', ['golang', 'alpine']);
    expect(bases.profile).toBe('offline');
    expect(bases.reason).toContain('alpine:3.20 not in the engine');
    expect(bases.images.map((b) => [b.image, b.standIn, b.upstream])).toEqual([
      ['imgbench/standin-golang:1.24', true, 'golang:1.24'],
      ['imgbench/standin-alpine:3.20', true, 'alpine:3.20'],
    ]);
    expect(engine.builds).toHaveLength(0);
  });

  it('auto picks upstream when every upstream image is in the engine', async () => {
    const engine = new FakeEngine();
    for (const role of BASE_ROLES) engine.addImage(UPSTREAM_IMAGES[role]);
    const bases = await resolveBases(engine, 'auto', BASE_ROLES);
    expect(bases.profile).toBe('upstream');
    expect(bases.images.every((b) => !b.standIn && b.image === b.upstream)).toBe(true);
  });

  it('upstream pulls the images the engine lacks before any build, and records their digests', async () => {
    const engine = new FakeEngine();
    engine.addImage(UPSTREAM_IMAGES.golang, { repoDigests: ['golang@sha256:aa'] });
    const pulled: string[] = [];
    engine.pullImage = async (ref) => {
      pulled.push(ref);
      engine.addImage(ref, { repoDigests: [`${ref.split(':')[0]}@sha256:bb`] });
      return { durationMs: 1, transferMs: 1, layersPulled: 1, layersPresent: 0 };
    };
    const progress: string[] = [];
    const bases = await resolveBases(engine, 'upstream', ['golang', 'alpine'], {
      onProgress: (m) => progress.push(m),
    });
    expect(pulled).toEqual(['alpine:3.20']);
    expect(progress).toEqual(['pulling alpine:3.20 (before the builds, not timed)']);
    expect(bases.images.map((b) => [b.image, b.repoDigests])).toEqual([
      ['golang:1.24', ['golang@sha256:aa']],
      ['alpine:3.20', ['alpine@sha256:bb']],
    ]);
    expect(engine.builds).toHaveLength(0);
  });

  it('auto pulls the missing upstream images when their registry answers the engine', async () => {
    const engine = new FakeEngine();
    engine.addImage(UPSTREAM_IMAGES.golang);
    const asked: Array<[string, number]> = [];
    engine.registryAnswers = async (ref, timeoutMs) => {
      asked.push([ref, timeoutMs]);
      return undefined;
    };
    engine.pullImage = async (ref) => {
      engine.addImage(ref, { repoDigests: [`${ref.split(':')[0]}@sha256:cc`] });
      return { durationMs: 1, transferMs: 1, layersPulled: 1, layersPresent: 0 };
    };
    const bases = await resolveBases(engine, 'auto', ['golang', 'alpine']);
    expect(asked).toEqual([['alpine:3.20', 5_000]]);
    expect(bases.profile).toBe('upstream');
    expect(bases.reason).toBe(
      'auto: alpine:3.20 not in the engine, and their registry answered; pulled before the builds',
    );
    expect(bases.images.find((b) => b.role === 'alpine')?.repoDigests).toEqual([
      'alpine@sha256:cc',
    ]);
  });

  it('auto falls back to the stand-ins when the registry does not answer in time, and says why', async () => {
    const engine = withStandIns();
    engine.registryAnswers = async (_, timeoutMs) => `no answer within ${timeoutMs / 1000} s`;
    const bases = await resolveBases(engine, 'auto', ['alpine'], { basesTimeoutMs: 2_000 });
    expect(bases.profile).toBe('offline');
    expect(bases.reason).toBe(
      'auto: alpine:3.20 not in the engine, and the registry did not answer within 2 s (alpine:3.20: no answer within 2 s); using local stand-ins (pull them, or pass `--bases upstream`)',
    );
  });

  it('upstream that cannot pull a base says which, why, and what to do', async () => {
    const engine = new FakeEngine();
    engine.pullImage = async () => {
      throw new Error('dial tcp: lookup registry-1.docker.io: no such host');
    };
    await expect(resolveBases(engine, 'upstream', ['alpine'])).rejects.toThrow(
      '`--bases upstream` needs alpine:3.20, and the engine could not pull it (dial tcp: lookup registry-1.docker.io: no such host); pull it yourself, or pass `--bases offline`',
    );
  });

  it('gives every stand-in a tag that says stand-in and differs from the upstream name', () => {
    for (const role of BASE_ROLES) {
      const recipe = STAND_IN_RECIPES[role];
      expect(recipe.tag).toMatch(/^imgbench\/standin-/);
      expect(recipe.tag).not.toBe(UPSTREAM_IMAGES[role]);
      expect(recipe.standsInFor).toBe(UPSTREAM_IMAGES[role]);
    }
  });
});
