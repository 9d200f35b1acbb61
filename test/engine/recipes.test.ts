import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerEngine } from '../../src/engine/docker-engine.js';
import type { RunResult } from '../../src/metrics/run-result.js';
import { readRun } from '../../src/results/read-run.js';
import { okVariant } from '../variants.js';
import { dockerCli, imgbench } from './helpers.js';

interface CacheRecord {
  ID: string;
  Type: string;
  Description?: string;
}

/** The engine's cache mounts, as `docker system df -v` lists them (GET /system/df). */
async function cacheMounts(): Promise<CacheRecord[]> {
  const df = (await new Docker().df()) as { BuildCache?: CacheRecord[] };
  return (df.BuildCache ?? []).filter((r) => r.Type === 'exec.cachemount');
}

/** The user's own cache mount is made by this RUN (new to the engine's cache); its description names it. */
const OWN_RUN = `echo user-${process.pid}-${Date.now()} > /root/.cache/go-build/owner`;

describe('the cache-mounts recipe on the real engine', () => {
  const out = mkdtempSync(join(tmpdir(), 'imgbench-recipes-'));
  // A cache mount of the user's own, at the target the recipe uses: a run must neither read nor remove it.
  const own = mkdtempSync(join(tmpdir(), 'imgbench-own-cache-'));
  let run: RunResult;
  let status: number | null;
  let before: CacheRecord[];

  beforeAll(async () => {
    writeFileSync(
      join(own, 'Dockerfile'),
      `FROM imgbench/standin-golang-alpine:1.24\nRUN --mount=type=cache,target=/root/.cache/go-build ${OWN_RUN}\n`,
    );
    // Debian's docker client (20.10) builds with BuildKit by itself; a newer one needs buildx.
    execFileSync('/usr/bin/docker', ['build', '-q', '-t', 'imgbench-test-own-cache', own], {
      env: { ...process.env, DOCKER_BUILDKIT: '1' },
    });
    before = await cacheMounts();
    expect(before.some((r) => r.Description?.includes(OWN_RUN))).toBe(true);
    const result = await imgbench([
      'run',
      '--variants',
      'cache-mounts',
      '--metrics',
      'size,build',
      '--repeat',
      '2',
      '--bases',
      'offline',
      '--out',
      out,
    ]);
    status = result.status;
    if (status !== 0) console.error(result.stderr);
    run = await readRun(join(out, 'latest'));
  });

  afterAll(async () => {
    dockerCli(['rmi', '-f', 'imgbench-test-own-cache']);
    await (await DockerEngine.connect()).removeCacheMounts(OWN_RUN);
    rmSync(out, { recursive: true, force: true });
    rmSync(own, { recursive: true, force: true });
  });

  it('rebuilds warm from its cache mounts, its cold builds starting from empty ones', () => {
    expect(status).toBe(0);
    const builds = okVariant(run, 'cache-mounts').builds;
    expect(builds?.cacheMounts).toBe(true);
    // A cold build compiles the standard library; a warm one with the build cache only the service.
    const ratio = (builds?.warm.durationMs.p50 ?? 0) / (builds?.cold.durationMs.p50 ?? 1);
    expect(ratio).toBeLessThan(0.3);
    for (const cold of builds?.cold.durationMs.samples ?? []) expect(cold).toBeGreaterThan(5_000);
  });

  it('leaves no cache mount of its own, and the user’s where it was', async () => {
    const after = await cacheMounts();
    expect(after.filter((r) => r.Description?.includes(': imgbench-'))).toEqual([]);
    expect(after.map((r) => r.ID).sort()).toEqual(before.map((r) => r.ID).sort());
  });
});

describe('the recipes that fix scratch and cgo, on the real engine', () => {
  const out = mkdtempSync(join(tmpdir(), 'imgbench-recipes-'));
  let run: RunResult;
  let status: number | null;

  beforeAll(async () => {
    const result = await imgbench([
      'run',
      '--variants',
      'scratch-certs,scratch-nonroot,distroless-base-cgo,cgo-static,upx',
      '--metrics',
      'size,gaps',
      '--bases',
      'offline',
      '--out',
      out,
    ]);
    status = result.status;
    if (status !== 0) console.error(result.stderr);
    run = await readRun(join(out, 'latest'));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('scratch-certs loads its CA bundle and time zones as uid 65534; scratch-nonroot runs as 65534', () => {
    expect(status).toBe(0);
    const runtime = (name: string) => okVariant(run, name).gaps?.runtime;
    expect(runtime('scratch-certs')).toMatchObject({
      ca: { ok: true },
      tz: { ok: true },
      user: { uid: 65534, root: false },
    });
    expect(runtime('scratch-nonroot')).toMatchObject({
      ca: { ok: false },
      user: { uid: 65534, root: false },
    });
  });

  it('the cgo binary starts on distroless/base, and the static cgo one on scratch', () => {
    const base = okVariant(run, 'distroless-base-cgo');
    expect(base.size.binary.linkage).toBe('dynamic');
    expect(base.gaps?.runtime).toBeDefined();
    const musl = okVariant(run, 'cgo-static');
    expect(musl.size.binary.linkage).toBe('static');
    expect(musl.gaps?.runtime).toBeDefined();
    // Packed: the binary is a fraction of the stripped one's 6.57 MB, and still runs.
    const upx = okVariant(run, 'upx');
    expect(upx.size.binary.sizeBytes).toBeLessThan(3_500_000);
    expect(upx.gaps?.runtime).toBeDefined();
  });
});
