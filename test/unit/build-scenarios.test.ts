import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  appendOneLine,
  dockerfileSteps,
  moduleLayerCached,
} from '../../src/measure/build-scenarios.js';
import { tempDir } from '../temp-dir.js';

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
    await expect(appendOneLine(dir, './cmd/server', 'round 1')).resolves.toBe('cmd/server/main.go');
    expect(readFileSync(join(dir, 'go.mod'), 'utf8')).toBe('module x\n');
    expect(readFileSync(join(dir, 'cmd', 'server', 'a_test.go'), 'utf8')).toBe('package main\n');
  });

  it('appends exactly one comment line', async () => {
    const dir = tempDir('edit');
    writeFileSync(join(dir, 'main.go'), 'package main\n');
    await appendOneLine(dir, '.', 'round 2');
    expect(readFileSync(join(dir, 'main.go'), 'utf8')).toBe(
      'package main\n\n// imgbench warm build round 2\n',
    );
  });
});
