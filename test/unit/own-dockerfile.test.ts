import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/config.js';
import { UsageError } from '../../src/errors.js';
import { runSuite } from '../../src/run/run-suite.js';
import { fromImages, parseOwnDockerfile } from '../../src/variants/variant-catalog.js';
import { tempDir } from '../temp-dir.js';
import { fakeEngineWithStandIns } from './fake-engine.js';

const OURS = [
  '# Our own: built on the Go image, run alone on scratch from /srv/app.',
  'FROM --platform=$BUILDPLATFORM golang:1.25-alpine AS build',
  'WORKDIR /src',
  'COPY . .',
  'RUN CGO_ENABLED=0 go build -o /out/app .',
  'FROM build AS test',
  'RUN go vet ./...',
  'FROM scratch',
  'COPY --from=build /out/app /srv/app',
  'ENTRYPOINT ["/srv/app"]',
  '',
].join('\n');

/** The sample-like service with our own Dockerfile in it; its path. */
function serviceWithDockerfile(): { service: string; dockerfile: string } {
  const service = tempDir('own');
  writeFileSync(join(service, 'go.mod'), 'module example.com/own\n\ngo 1.22\n');
  writeFileSync(join(service, 'main.go'), 'package main\n\nfunc main() {}\n');
  const dockerfile = join(service, 'Dockerfile');
  writeFileSync(dockerfile, OURS);
  return { service, dockerfile };
}

/** A size run of scratch and the Dockerfiles given, on the fake engine with stand-ins. */
function runScratchWith(
  engine: ReturnType<typeof fakeEngineWithStandIns>,
  service: string,
  dockerfiles: Record<string, string>,
) {
  return runSuite(
    engine,
    {
      bases: 'offline',
      outDir: tempDir('own-out'),
      metrics: ['size'],
      serviceDir: service,
      variants: ['scratch'],
      dockerfiles,
    },
    { pullSite: engine.pullSite(), root: false },
  );
}

describe('your own Dockerfile beside the variants', () => {
  it('is NAME=PATH, with a name an image tag can hold', () => {
    expect(parseOwnDockerfile('ours=./Dockerfile')).toEqual(['ours', './Dockerfile']);
    expect(parseOwnDockerfile('team-a.v2=deploy/Dockerfile')).toEqual([
      'team-a.v2',
      'deploy/Dockerfile',
    ]);
    for (const bad of ['ours', 'Ours=Dockerfile', '=Dockerfile', 'ours=', 'a b=Dockerfile']) {
      expect(() => parseOwnDockerfile(bad)).toThrow(
        `Expected \`--dockerfile\` to be NAME=PATH with a name of lowercase letters, digits, \`.\`, \`_\` or \`-\`, got \`${bad}\``,
      );
    }
  });

  it('records the images its FROM lines name as written: no stage, no scratch', () => {
    expect(fromImages(OURS)).toEqual(['golang:1.25-alpine']);
    expect(
      fromImages('FROM debian:12 AS a\nFROM a\nFROM gcr.io/distroless/base-debian12\n'),
    ).toEqual(['debian:12', 'gcr.io/distroless/base-debian12']);
  });

  it('is built and measured after the chosen variants, named, with its Dockerfile and FROM images recorded', async () => {
    const engine = fakeEngineWithStandIns();
    const { service, dockerfile } = serviceWithDockerfile();
    const { run } = await runScratchWith(engine, service, { ours: dockerfile });
    expect(run.variants.map((v) => [v.name, v.state])).toEqual([
      ['scratch', 'ok'],
      ['ours', 'ok'],
    ]);
    const ours = run.variants[1];
    expect(ours).toMatchObject({
      description: `your own Dockerfile, \`${dockerfile}\``,
      source: dockerfile,
      bases: [],
      own: { dockerfile, fromImages: ['golang:1.25-alpine'] },
    });
    expect(engine.builds.map((b) => b.tag)).toEqual([
      expect.stringMatching(/:scratch$/),
      expect.stringMatching(/:ours$/),
    ]);
  });

  it('a name a variant of the run has, or a path with no file: one line, nothing built', async () => {
    const engine = fakeEngineWithStandIns();
    const { service, dockerfile } = serviceWithDockerfile();
    const run = (dockerfiles: Record<string, string>) =>
      runScratchWith(engine, service, dockerfiles);
    await expect(run({ scratch: dockerfile })).rejects.toThrow(
      '`--dockerfile scratch=…` takes the name of a variant of this run; give your Dockerfile another name',
    );
    const missing = join(service, 'Nope.Dockerfile');
    await expect(run({ ours: missing })).rejects.toThrow(
      new UsageError(
        `\`--dockerfile ours=${missing}\`: no such file; give the path of your Dockerfile`,
      ),
    );
    expect(engine.builds).toEqual([]);
  });

  it("in the config file, its paths are the config file's folder's", () => {
    const config = validateConfig(
      { dockerfiles: { ours: 'deploy/Dockerfile' } },
      '/srv/team/imgbench.config.json',
    );
    expect(config.dockerfiles).toEqual({ ours: '/srv/team/deploy/Dockerfile' });
    expect(() => validateConfig({ dockerfiles: { ours: 3 } }, '/x/c.json')).toThrow(
      'Invalid config `/x/c.json`: `dockerfiles.ours` must be a path to a Dockerfile, got 3',
    );
  });
});
