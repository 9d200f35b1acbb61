import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/metrics/run-result.js';
import { packageRoot } from '../../src/paths.js';
import { readRun } from '../../src/results/read-run.js';
import { tempDir } from '../temp-dir.js';
import { SIX_VARIANTS } from '../variants.js';
import { dockerCli, imgbench, labelledContainers, serviceCopyForTest } from './helpers.js';
import { startModuleProxy } from './module-proxy.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'services');

/** A copy of a fixture service in a folder of the test's own, whose images are removed after it. */
const serviceCopy = (name: string): string => serviceCopyForTest(join(FIXTURES, name), name);

/** `imgbench run` of a service with the offline bases, and the run it wrote. */
async function runService(dir: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const out = tempDir('own-out');
  const result = await imgbench(
    ['run', '--service', dir, '--bases', 'offline', '--quick', '--out', out, ...args],
    env,
  );
  const run = await readRun(join(out, 'latest'));
  return { result, run, out, text: readFileSync(join(out, 'latest', 'results.json'), 'utf8') };
}

const states = (run: RunResult) => run.variants.map((v) => [v.name, v.state]);
const allOk = SIX_VARIANTS.map((n) => [n, 'ok']);

describe('a service of your own, with nothing but options', () => {
  it('main under cmd/, a vendored module, its own ready route: all six build offline and start', async () => {
    const dir = serviceCopy('cmd-vendored');
    const { result, run } = await runService(dir, [
      '--main',
      './cmd/api',
      '--ready',
      '/livez',
      '--load',
      '/api/banner',
      '--metrics',
      'size,startup,memory',
    ]);
    expect(result.status, result.stderr).toBe(0);
    expect(states(run)).toEqual(allOk);
    for (const v of run.variants) {
      if (v.state !== 'ok') continue;
      expect(v.startup?.startToReadyMs.n).toBe(5);
      expect(v.memory?.loadFailures).toBe(0);
    }
    expect(run.service.runtime).toMatchObject({ ready: '/livez', load: { path: '/api/banner' } });
    expect(labelledContainers()).toEqual([]);
  });

  it('a service that needs a flag and an environment variable, listens on 9090 and answers every path: its port and ready path are found', async () => {
    const dir = serviceCopy('flagged');
    const { result, run, text } = await runService(dir, [
      '--arg',
      '-listen',
      '--arg',
      ':9090',
      '--env',
      'GREETING=hello-from-the-env',
      '--metrics',
      'size,gaps,startup',
    ]);
    expect(result.status, result.stderr).toBe(0);
    expect(states(run)).toEqual(allOk);
    // Its `/` answers every path with the greeting: /ping is the first path that answers otherwise.
    expect(result.stderr).toMatch(
      /^service: found port 9090 and ready path \/ping \(the first of \/healthz [^)]* to answer 200\) by starting `[^`]+` once; `--port 9090 --ready \/ping` skips this/m,
    );
    expect(run.service.runtime).toMatchObject({
      port: 9090,
      ready: '/ping',
      found: ['port', 'ready'],
      args: ['-listen', ':9090'],
      envNames: ['GREETING'],
    });
    // The value reached the container, not the results.
    expect(text).not.toContain('hello-from-the-env');
  });

  it('go:embed of docs/ and dist/, which the Go default .dockerignore drops: all six build and serve it', async () => {
    const dir = serviceCopy('embedded');
    const { result, run } = await runService(dir, ['--metrics', 'size,startup']);
    expect(result.status, result.stderr).toBe(0);
    expect(states(run)).toEqual(allOk);
    // What the service does not embed still stays out of the image.
    const golang = run.variants.find((v) => v.name === 'golang');
    const listing = dockerCli([
      'run',
      '--rm',
      '--entrypoint',
      'ls',
      golang?.image ?? '',
      '-R',
      '/app',
    ]);
    expect(listing).toContain('index.md');
    expect(listing).toContain('app.js');
    expect(listing).not.toContain('NOTES.md');
  });

  it('a third-party module through a module proxy the host names in GOPROXY', async () => {
    const dir = serviceCopy('proxied');
    const proxy = await startModuleProxy(tempDir('proxy'), [
      {
        path: 'example.com/quote',
        version: 'v0.3.1',
        dir: join(import.meta.dirname, 'fixtures', 'modules', 'quote'),
      },
    ]);
    try {
      writeFileSync(join(dir, 'go.sum'), proxy.goSum);
      const { result, run, text } = await runService(
        dir,
        ['--main', './cmd/quoted', '--metrics', 'size'],
        { GOPROXY: proxy.url, GONOSUMDB: 'example.com' },
      );
      expect(result.status, result.stderr).toBe(0);
      expect(states(run)).toEqual(allOk);
      expect(proxy.requests).toContain('/example.com/quote/@v/v0.3.1.zip');
      expect(text).not.toContain(proxy.url);
    } finally {
      await proxy.close();
    }
  });

  it('a ready path the service does not have fails each variant in seconds, naming the status and `--ready`; the size table keeps all six', async () => {
    const dir = serviceCopy('cmd-vendored');
    const out = tempDir('own-out');
    const child = execa(
      process.execPath,
      [
        join(packageRoot(), 'dist/cli/main.js'),
        'run',
        '--service',
        dir,
        '--main',
        './cmd/api',
        // Given, so not found: the route this service does not have.
        '--ready',
        '/healthz',
        '--bases',
        'offline',
        '--quick',
        '--metrics',
        'size,startup',
        '--out',
        out,
      ],
      { reject: false, env: { CI: '1' } },
    );
    let startupBegan: number | undefined;
    child.stderr?.on('data', (chunk: Buffer) => {
      if (startupBegan === undefined && /warm-up start of/.test(String(chunk))) {
        startupBegan = performance.now();
      }
    });
    const result = await child;
    const startupMs = performance.now() - (startupBegan ?? Number.NaN);
    expect(result.exitCode).toBe(1);
    const run = await readRun(join(out, 'latest'));
    for (const v of run.variants) {
      expect(v).toMatchObject({
        state: 'failed',
        failure: {
          stage: 'startup',
          message: expect.stringMatching(
            /^the ready path \/healthz answered 404 for 5 s \(`404 page not found`\): the service has no such route; set the path that answers 200 with `--ready PATH`/,
          ),
        },
      });
    }
    for (const name of SIX_VARIANTS) {
      expect(String(result.stdout)).toMatch(
        new RegExp(`^${name} +failed at startup +\\d+(\\.\\d+)? MB`, 'm'),
      );
    }
    // The warm-up start and one start per variant, each given up on within 10 s.
    expect(startupMs).toBeLessThan(7 * 10_000);
    expect(labelledContainers()).toEqual([]);
  });
});

describe('a go.mod that needs a newer Go than 1.24', () => {
  it("is refused naming --go, and with --go 1.26 all six build and start offline on stand-ins with Debian's Go 1.26", async () => {
    const dir = serviceCopyForTest(join(packageRoot(), 'bench', 'service'), 'go126');
    const goMod = join(dir, 'go.mod');
    writeFileSync(goMod, readFileSync(goMod, 'utf8').replace(/^go 1\.24$/m, 'go 1.26'));

    const without = await imgbench([
      'run',
      '--service',
      dir,
      '--bases',
      'offline',
      '--metrics',
      'size',
      '--out',
      tempDir('go124'),
    ]);
    expect(without.status).toBe(2);
    expect(without.stderr).toMatch(
      /needs go 1\.26, and the builder .* has go1\.24\.\d+; run with `--go 1\.26`/,
    );

    const { result, run } = await runService(dir, ['--go', '1.26', '--metrics', 'size,startup']);
    expect(result.status, result.stderr).toBe(0);
    expect(states(run)).toEqual(allOk);
    expect(run.settings?.go).toBe('1.26');
    const builders = run.bases.images.filter((b) => b.role.startsWith('golang'));
    expect(builders.map((b) => b.image).sort()).toEqual([
      'imgbench/standin-golang-alpine:1.26',
      'imgbench/standin-golang:1.26',
    ]);
    expect(builders.every((b) => b.standIn && b.upstream.startsWith('golang:1.26'))).toBe(true);
  });
});

describe('your own Dockerfile beside the variants', () => {
  it('is built with the same context, measured by each metric, named in every table and report; its binary found from its ENTRYPOINT', async () => {
    const dir = serviceCopyForTest(join(packageRoot(), 'bench', 'service'), 'ours');
    const dockerfile = join(dir, 'Dockerfile');
    writeFileSync(
      dockerfile,
      [
        '# Our own: a static build on the Go image, alone on scratch, run from /srv/app as nobody.',
        'FROM imgbench/standin-golang-alpine:1.24 AS build',
        'WORKDIR /src',
        'COPY . .',
        'RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/app .',
        'FROM scratch',
        'COPY --from=build /out/app /srv/app',
        'USER 65534',
        'ENTRYPOINT ["/srv/app"]',
        '',
      ].join('\n'),
    );
    const { result, run, out } = await runService(dir, [
      '--variants',
      'scratch,distroless',
      '--dockerfile',
      `ours=${dockerfile}`,
      '--metrics',
      'size,gaps,startup',
    ]);
    expect(result.status, result.stderr).toBe(0);
    expect(states(run)).toEqual([
      ['scratch', 'ok'],
      ['distroless', 'ok'],
      ['ours', 'ok'],
    ]);
    const ours = run.variants[2];
    if (ours?.state !== 'ok') return;
    expect(ours.own).toEqual({
      dockerfile,
      fromImages: ['imgbench/standin-golang-alpine:1.24'],
    });
    expect(ours.bases).toEqual([]);
    expect(ours.size.binary).toMatchObject({ path: '/srv/app', linkage: 'static' });
    expect(ours.size.engineSizeBytes).toBe(
      Number(dockerCli(['image', 'inspect', '--format', '{{.Size}}', ours.image]).trim()),
    );
    expect(ours.gaps?.runtime?.user).toMatchObject({ uid: 65534 });
    expect(ours.startup?.startToReadyMs.n).toBe(5);
    // A row in each of the three tables the terminal shows, and in the reports.
    expect(result.stdout.match(/^ours +/gm)).toHaveLength(3);
    const summary = readFileSync(join(out, 'latest', 'summary.md'), 'utf8');
    expect(summary.match(/^\| ours \|/gm)).toHaveLength(3);
    expect(readFileSync(join(out, 'latest', 'report.html'), 'utf8')).toContain('ours');
    expect(labelledContainers()).toEqual([]);
  });
});
