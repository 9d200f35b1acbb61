import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAND_IN_RECIPES } from '../../src/bases/stand-in-recipes.js';
import { DockerEngine } from '../../src/engine/docker-engine.js';
import { hostLeftovers, imgbench } from './helpers.js';
import { RegistryMirror } from './registry-mirror.js';

/**
 * The upstream profile for real, offline: a build engine of the test's own
 * whose config file sends Docker Hub pulls to a registry on 127.0.0.1, which
 * holds test images (the stand-ins, labelled as test images) under the Docker
 * Hub names. imgbench then pulls `golang:1.24` exactly as on a connected
 * machine; the distroless role, not a Docker Hub image, comes through
 * `--base-image`.
 */
describe('--bases upstream and auto through a registry mirror', () => {
  const out = mkdtempSync(join(tmpdir(), 'imgbench-mirror-'));
  let mirror: RegistryMirror;
  const distroless = () => mirror.distroless;
  const onEngine = (args: string[]) => mirror.docker(args);
  const run = (args: string[]) =>
    imgbench(['run', '--metrics', 'size', '--out', out, ...args], {
      DOCKER_HOST: `unix://${mirror.engine.socket}`,
    });
  const results = () => JSON.parse(readFileSync(join(out, 'latest', 'results.json'), 'utf8'));
  const dropUpstream = () => {
    for (const image of ['golang:1.24', 'golang:1.24-alpine', 'alpine:3.20']) {
      execFileSync('docker', ['-H', `unix://${mirror.engine.socket}`, 'rmi', '-f', image], {
        stdio: 'ignore',
      });
    }
  };

  beforeAll(async () => {
    mirror = await RegistryMirror.start();
  }, 15 * 60_000);

  afterAll(async () => {
    await mirror?.stop();
    rmSync(out, { recursive: true, force: true });
  });

  it('upstream pulls the bases through the engine, builds all six, and records their digests', async () => {
    const result = await run([
      '--bases',
      'upstream',
      '--base-image',
      `distroless-static=${distroless()}`,
    ]);
    expect(result.status, result.stderr).toBe(0);
    const r = results();
    expect(r.variants.map((v: { state: string }) => v.state)).toEqual(Array(6).fill('ok'));
    expect(r.bases.profile).toBe('upstream');
    const byRole = Object.fromEntries(
      r.bases.images.map((b: { role: string }) => [b.role, b]),
    ) as Record<string, { image: string; standIn: boolean; repoDigests?: string[] }>;
    for (const [role, image] of [
      ['golang', 'golang:1.24'],
      ['golang-alpine', 'golang:1.24-alpine'],
      ['alpine', 'alpine:3.20'],
    ] as const) {
      expect(byRole[role], role).toMatchObject({ image, standIn: false });
      expect(byRole[role]?.repoDigests?.[0], role).toMatch(
        new RegExp(`^${image.split(':')[0]}@sha256:[0-9a-f]{64}$`),
      );
    }
    // The engine pulled them before the builds, from the mirror: the test label came along.
    expect(
      onEngine([
        'inspect',
        '-f',
        '{{index .Config.Labels "org.imgbench.test-image"}}',
        'golang:1.24',
      ]),
    ).toBe('true');
    const summary = readFileSync(join(out, 'latest', 'summary.md'), 'utf8');
    expect(summary).toMatch(
      /^Bases: upstream \(golang:1\.24, golang:1\.24-alpine, alpine:3\.20\); given with --base-image: distroless-static 127\.0\.0\.1:\d+\/distroless\/static-debian12:nonroot; why: --bases upstream; --base-image distroless-static=127\.0\.0\.1:\d+\/distroless\/static-debian12:nonroot\.$/m,
    );
  });

  it('auto picks them too when they are not in the engine but their registry answers', async () => {
    dropUpstream();
    const result = await run(['--bases', 'auto', '--variants', 'scratch,multi-stage']);
    expect(result.status, result.stderr).toBe(0);
    expect(results().bases).toMatchObject({
      profile: 'upstream',
      reason:
        'auto: golang:1.24-alpine, alpine:3.20 not in the engine, and their registry answered; pulled before the builds',
    });
    expect(result.stdout).toContain('why: auto: golang:1.24-alpine, alpine:3.20 not in the engine');
  });

  it('with the mirror stopped, auto falls back to the stand-ins within its limit and says why', async () => {
    dropUpstream();
    await mirror.registry.stop();
    // The stand-in the scratch variant builds on, moved into this engine.
    execFileSync(
      'bash',
      [
        '-c',
        `docker save ${STAND_IN_RECIPES['golang-alpine'].tag} | docker -H unix://${mirror.engine.socket} load -q`,
      ],
      { stdio: 'ignore' },
    );
    const direct = await DockerEngine.connect({ socketPath: mirror.engine.socket });
    const started = performance.now();
    const why = await direct.registryAnswers('golang:1.24-alpine', 5_000);
    expect(why).toBeDefined();
    expect(performance.now() - started).toBeLessThan(6_000);

    const result = await run(['--bases', 'auto', '--bases-timeout', '5', '--variants', 'scratch']);
    expect(result.status, result.stderr).toBe(0);
    const r = results();
    expect(r.bases.profile).toBe('offline');
    expect(r.bases.reason).toMatch(
      /^auto: golang:1\.24-alpine not in the engine, and the registry did not answer within 5 s \(golang:1\.24-alpine: .+\); using local stand-ins/,
    );
    expect(result.stdout).toMatch(
      /^Bases: offline stand-ins .*; why: auto: golang:1\.24-alpine not in the engine/m,
    );
    onEngine(['rmi', STAND_IN_RECIPES['golang-alpine'].tag]);
  });

  it('leaves nothing of its own behind', async () => {
    await mirror.stop();
    expect(hostLeftovers()).toEqual([]);
  });
});
