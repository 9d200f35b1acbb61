import { mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BuildOutcome, BuildRequest } from '../../src/engine/engine.js';
import {
  appendOneLine,
  buildRound,
  dockerfileSteps,
  moduleLayerCached,
} from '../../src/metrics/build/scenarios.js';
import { resolveServiceSource } from '../../src/service/service-context.js';
import { tempDir } from '../temp-dir.js';
import { FakeEngine } from './fake-engine.js';

/** Builds that succeed: each says whether it used the cache, and takes 10 s without it, 1 s with it. */
class BuildingEngine extends FakeEngine {
  override async build(request: BuildRequest): Promise<BuildOutcome> {
    this.builds.push(request);
    return {
      imageId: `sha256:${this.builds.length}`,
      durationMs: request.noCache ? 10_000 : 1_000,
      transcript: {
        steps: [
          { digest: 'm', name: '[builder 4/6] RUN go mod download', cached: !request.noCache },
        ],
      },
    };
  }
}

describe('build scenario bookkeeping', () => {
  const steps = [
    {
      digest: 'a',
      name: '[internal] load build definition from Dockerfile.imgbench',
      cached: false,
    },
    { digest: 'b', name: '[builder 1/6] FROM imgbench/standin-golang-alpine:1.24', cached: true },
    { digest: 'c', name: '[builder 4/6] RUN go mod download', cached: true },
    { digest: 'd', name: '[builder 6/6] RUN CGO_ENABLED=0 go build -o main .', cached: false },
    { digest: 'e', name: '[stage-1 1/1] COPY --from=builder /app/main /main', cached: false },
  ];

  it('keeps the Dockerfile steps and drops BuildKit bookkeeping', () => {
    expect(dockerfileSteps(steps).map((s) => s.name)).toEqual(steps.slice(1).map((s) => s.name));
  });

  it('finds whether the module download was a cache hit, and says nothing when there is none', () => {
    expect(moduleLayerCached(dockerfileSteps(steps))).toBe(true);
    expect(
      moduleLayerCached(dockerfileSteps([steps[1] as (typeof steps)[number]])),
    ).toBeUndefined();
  });

  it('changes one line of the first .go file of the main package, and not go.mod', async () => {
    const dir = tempDir('edit');
    mkdirSync(join(dir, 'cmd', 'server'), { recursive: true });
    writeFileSync(join(dir, 'go.mod'), 'module x\n');
    writeFileSync(join(dir, 'cmd', 'server', 'main.go'), 'package main\n');
    writeFileSync(join(dir, 'cmd', 'server', 'a_test.go'), 'package main\n');
    await expect(appendOneLine(dir, './cmd/server', 'round 1')).resolves.toMatchObject({
      file: 'cmd/server/main.go',
    });
    expect(readFileSync(join(dir, 'go.mod'), 'utf8')).toBe('module x\n');
    expect(readFileSync(join(dir, 'cmd', 'server', 'a_test.go'), 'utf8')).toBe('package main\n');
  });

  it('appends exactly one comment line, and undoes it to the same bytes and times', async () => {
    const dir = tempDir('edit');
    const file = join(dir, 'main.go');
    writeFileSync(file, 'package main\n');
    utimesSync(file, new Date('2026-01-02T03:04:05Z'), new Date('2026-01-02T03:04:05Z'));
    const before = statSync(file).mtimeMs;
    const edit = await appendOneLine(dir, '.', 'round 2');
    expect(readFileSync(file, 'utf8')).toBe('package main\n\n// imgbench warm build round 2\n');
    expect(statSync(file).mtimeMs).not.toBe(before);
    await edit.undo();
    expect(readFileSync(file, 'utf8')).toBe('package main\n');
    expect(statSync(file).mtimeMs).toBe(before);
  });

  describe('a round', () => {
    const request = (engine: FakeEngine, serviceDir: string) => ({
      engine,
      source: resolveServiceSource(serviceDir),
      mainPackage: '.',
      dockerfile: 'FROM scratch\n',
      fallbackIgnoreFile: join(serviceDir, '.dockerignore'),
      tag: 'imgbench/sample-build-metric:scratch',
      buildArgs: {},
      labels: {},
      timeoutMs: 60_000,
    });
    const service = () => {
      const dir = tempDir('round');
      writeFileSync(join(dir, 'go.mod'), 'module x\n');
      writeFileSync(join(dir, 'main.go'), 'package main\n');
      writeFileSync(join(dir, '.dockerignore'), '');
      return dir;
    };

    it('builds cold with no cache, then no-op and warm with it, the edit between them', async () => {
      const engine = new BuildingEngine();
      const dir = service();
      const round = await buildRound(request(engine, dir), 'round 1');
      expect(engine.builds.map((b) => b.noCache)).toEqual([true, false, false]);
      expect(round.durationMs).toBe(10_000);
      expect(round.detail.cold.moduleLayerCached).toBe(false);
      expect(round.detail.warm.moduleLayerCached).toBe(true);
      expect(engine.builds.length).toBe(3);
      expect(readFileSync(join(dir, 'main.go'), 'utf8')).toBe('package main\n');
    });

    it('takes a cold build already made as its cold sample and builds only no-op and warm', async () => {
      const engine = new BuildingEngine();
      const cold = { durationMs: 12_345, steps: [], moduleLayerCached: false };
      const round = await buildRound(request(engine, service()), 'round 1', cold);
      expect(engine.builds.map((b) => b.noCache)).toEqual([false, false]);
      expect(round.durationMs).toBe(12_345);
      expect(round.detail.cold).toBe(cold);
      expect(round.detail['no-op'].durationMs).toBe(1_000);
    });
  });
});
