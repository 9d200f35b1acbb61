import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { variantsDir } from '../../src/paths.js';
import {
  cacheMountMark,
  cacheMountScope,
  hasCacheMounts,
  runCacheMountMark,
  scopeCacheMounts,
} from '../../src/service/cache-mounts.js';
import { runMetric } from './metrics/metric-run.js';

const recipe = readFileSync(join(variantsDir(), 'recipes/cache-mounts/Dockerfile'), 'utf8');

describe('cache mounts of a run’s own', () => {
  it('put every cache mount’s id in the variant’s scope and open its RUN with a mark naming it', () => {
    const { dockerfile, cacheMounts } = scopeCacheMounts(recipe, 'imgbench-R-cache-mounts');
    expect(cacheMounts).toBe(true);
    const run = dockerfile
      .split('\n')
      .find((line) => line.startsWith('RUN --mount'))
      ?.replace(/\s+/g, ' ');
    expect(run).toBe(
      'RUN --mount=type=cache,target=/go/pkg/mod,id=imgbench-R-cache-mounts/go/pkg/mod ' +
        '--mount=type=cache,target=/root/.cache/go-build,id=imgbench-R-cache-mounts/root/.cache/go-build ' +
        `: imgbench-R-cache-mounts && cd \${SERVICE_DIR} && CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags="-s -w" -o /server \${MAIN_PKG}`,
    );
    // The engine describes a cache mount by that command: the mark finds it, one run's, one variant's.
    const described = `cached mount /go/pkg/mod from exec /bin/sh -c ${run?.split('go-build ')[1]}`;
    expect(described).toContain(cacheMountMark('imgbench-R-cache-mounts'));
    expect(described).toContain(runCacheMountMark('R'));
    expect(described).not.toContain(cacheMountMark('imgbench-R-cache'));
    expect(described).not.toContain(runCacheMountMark('S'));
    // The article's words in the header comment, and the other instructions, stay as written.
    expect(dockerfile.split('\n').slice(0, 2)).toEqual(recipe.split('\n').slice(0, 2));
    expect(dockerfile).toContain(`FROM \${DISTROLESS_IMAGE}\nCOPY --from=builder /server /server`);
  });

  it('scope a given id, leave other mounts, exec-form commands and Dockerfiles without cache mounts alone', () => {
    const text =
      'FROM x\nRUN --mount=type=cache,id=gomod,target=/go/pkg/mod --mount=type=bind,target=/src go build\n';
    expect(scopeCacheMounts(text, 's').dockerfile).toBe(
      'FROM x\nRUN --mount=type=cache,target=/go/pkg/mod,id=s/gomod --mount=type=bind,target=/src : s && go build\n',
    );
    expect(
      scopeCacheMounts('FROM x\nRUN --mount=type=cache,target=/c ["go", "build"]\n', 's')
        .dockerfile,
    ).toBe('FROM x\nRUN --mount=type=cache,target=/c,id=s/c ["go", "build"]\n');
    const plain = readFileSync(join(variantsDir(), 'distroless/Dockerfile'), 'utf8');
    expect(scopeCacheMounts(plain, 's')).toEqual({ dockerfile: plain, cacheMounts: false });
    expect(hasCacheMounts(plain)).toBe(false);
  });

  it('are emptied before each cold build of a variant that has them, and removed when the run ends', async () => {
    const { run, engine } = await runMetric(
      'build',
      {},
      { variants: ['cache-mounts', 'distroless'] },
    );
    // Before it starts, a run run as root also sweeps what runs that ended left (`: imgbench-`).
    const removals = engine.calls
      .filter((c) => c.operation === 'remove-cache-mounts' && c.variant !== ': imgbench-')
      .map((c) => c.variant);
    // Round 1's cold build is the size build (the run's ids start empty); round 2 empties them first.
    expect(removals).toEqual([
      cacheMountMark(cacheMountScope(run.runId, 'cache-mounts')),
      runCacheMountMark(run.runId),
    ]);
    const builds = (name: string) => run.variants.find((v) => v.name === name);
    expect(builds('cache-mounts')).toMatchObject({ builds: { cacheMounts: true } });
    expect(builds('distroless')).not.toMatchObject({ builds: { cacheMounts: true } });
  });
});
