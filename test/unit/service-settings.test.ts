import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { GO_BUILDER_ROLES } from '../../src/bases/base-roles.js';
import { recipeHash, standInRecipes } from '../../src/bases/stand-in-recipes.js';
import { LABEL_RECIPE_HASH } from '../../src/engine/labels.js';
import { DEFAULT_RUNTIME_OPTIONS } from '../../src/measure/container-runtime.js';
import {
  ReadyRefused,
  type ReadyTarget,
  ReadyTimeout,
  type WaitOptions,
  waitForReady,
} from '../../src/measure/http-probe.js';
import { probeRuntime } from '../../src/metrics/gaps/runtime-probes.js';
import { normalizeRunOptions } from '../../src/metrics/run-options.js';
import { toTable } from '../../src/report/table.js';
import { runSuite } from '../../src/run/run-suite.js';
import { hostGoBuildArgs, proxyOnLoopback } from '../../src/service/host-go-env.js';
import {
  commandWith,
  normalizeServiceSettings,
  recordedServiceSettings,
} from '../../src/service/service-settings.js';
import { tempDir } from '../temp-dir.js';
import { fakeEngineWithStandIns } from './fake-engine.js';

// A ready path that answers only 404 counts as missing after REFUSED_FOR_MS (5 s)
// of that; the runs here wait 0.3 s instead, on real HTTP answers.
vi.mock('../../src/measure/http-probe.js', async (importOriginal) => {
  const probe = await importOriginal<typeof import('../../src/measure/http-probe.js')>();
  return {
    ...probe,
    waitForReady: (target: ReadyTarget, options: WaitOptions) =>
      probe.waitForReady(target, { ...options, refusedForMs: options.refusedForMs ?? 300 }),
  };
});

describe('service settings', () => {
  it('fill in the sample service defaults, and another service loads its ready path', () => {
    expect(normalizeServiceSettings({}, true)).toMatchObject({
      port: 8080,
      ready: { kind: 'http', path: '/healthz' },
      args: [],
      env: [],
      load: { path: '/api/items', requests: 2000, concurrency: 16 },
    });
    expect(normalizeServiceSettings({ ready: '/livez' }).load.path).toBe('/livez');
    expect(normalizeServiceSettings({ ready: 'tcp' }).ready).toEqual({ kind: 'tcp' });
  });

  it('refuse a bad port, ready check or environment entry in one line', () => {
    expect(() => normalizeServiceSettings({ port: 0 })).toThrow(
      'Expected `--port` to be an integer from 1 to 65535, got `0`',
    );
    expect(() => normalizeServiceSettings({ ready: 'healthz' })).toThrow(
      'Expected `--ready` to be an HTTP path such as /healthz, or tcp, got `healthz`',
    );
    expect(() => normalizeServiceSettings({ env: ['TOKEN'] })).toThrow(
      'Expected `--env` to be NAME=VALUE, got `TOKEN…`',
    );
  });

  it('are recorded with the environment by name only', () => {
    const settings = normalizeServiceSettings({ env: ['API_TOKEN=s3cr3t-value', 'MODE=demo'] });
    const recorded = recordedServiceSettings(settings);
    expect(recorded.envNames).toEqual(['API_TOKEN', 'MODE']);
    expect(JSON.stringify(recorded)).not.toMatch(/s3cr3t|demo/);
  });

  it('put the arguments after an ENTRYPOINT, or after a CMD the image runs alone', () => {
    expect(commandWith({ entrypoint: ['/server'], cmd: [] }, ['-addr', ':9090'])).toEqual([
      '-addr',
      ':9090',
    ]);
    expect(commandWith({ entrypoint: [], cmd: ['./main'] }, ['-addr', ':9090'])).toEqual([
      './main',
      '-addr',
      ':9090',
    ]);
    expect(commandWith({ entrypoint: [], cmd: ['./main'] }, [])).toBeUndefined();
  });

  it('reach the run options from the library input', () => {
    const options = normalizeRunOptions({ service: { port: 9090, ready: '/ping', args: ['-v'] } });
    expect(options.service).toMatchObject({ port: 9090, ready: { kind: 'http', path: '/ping' } });
  });
});

/** A server on 127.0.0.1 that answers every request with `status` and `body`. */
async function answering(status: number, body: string) {
  const server = createServer((_, response) => response.writeHead(status).end(body));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/healthz`, close: () => server.close() };
}

describe('waiting for ready', () => {
  it('fails as refused when the path answers 404 and nothing else, naming the status and body', async () => {
    const server = await answering(404, '404 page not found\nmore');
    try {
      const error = await waitForReady(
        { kind: 'http', url: server.url },
        { timeoutMs: 10_000, refusedForMs: 300 },
      ).catch((e: unknown) => e);
      // Refused, not timed out: it did not wait for the 10 s limit.
      expect(error).toBeInstanceOf(ReadyRefused);
      expect((error as Error).message).toBe(
        '/healthz answered 404 for 0.3 s (`404 page not found`)',
      );
    } finally {
      server.close();
    }
  });

  it('waits on a 503, and times out with it as the last answer', async () => {
    const server = await answering(503, 'warming up');
    try {
      const error = await waitForReady(
        { kind: 'http', url: server.url },
        { timeoutMs: 400, refusedForMs: 100 },
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ReadyTimeout);
      expect((error as ReadyTimeout).lastAnswer).toEqual({ status: 503, firstLine: 'warming up' });
    } finally {
      server.close();
    }
  });

  it('a tcp check is ready when the port accepts a connection', async () => {
    const server = await answering(404, '');
    try {
      const port = Number(new URL(server.url).port);
      const ready = await waitForReady(
        { kind: 'tcp', host: '127.0.0.1', port },
        { timeoutMs: 2_000 },
      );
      expect(ready.attempts).toBeGreaterThanOrEqual(1);
    } finally {
      server.close();
    }
  });
});

describe('a run whose ready path the service does not have', () => {
  it('fails each variant at startup naming the status and `--ready`, and the size table keeps every size', async () => {
    const engine = fakeEngineWithStandIns({ ready: () => ({ status: 404 }) });
    const { run, dir } = await runSuite(
      engine,
      {
        bases: 'offline',
        outDir: tempDir('wrong-ready'),
        metrics: ['size', 'startup'],
        variants: ['scratch', 'distroless'],
        repeat: 2,
      },
      { pullSite: engine.pullSite(), root: false },
    );
    for (const v of run.variants) {
      expect(v).toMatchObject({
        state: 'failed',
        failure: {
          stage: 'startup',
          message: expect.stringMatching(
            /^the ready path \/healthz answered 404 for 0\.3 s \(`404 page not found: \/healthz`\): the service has no such route; set the path that answers 200 with `--ready PATH`/,
          ),
        },
      });
    }
    const table = toTable(run);
    expect(table).toMatch(/^scratch +failed at startup +\d+\.\d+ MB/m);
    expect(table).toMatch(/^distroless +failed at startup +\d+\.\d+ MB/m);
    const written = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    expect(written.service.runtime).toMatchObject({ port: 8080, ready: '/healthz' });
  });
});

describe('Go toolchain and base images', () => {
  it('a go.mod that needs a newer Go than the builder is refused before anything is built', async () => {
    const service = tempDir('newer-go');
    writeFileSync(join(service, 'go.mod'), 'module example.com/x\n\ngo 1.26\n');
    writeFileSync(join(service, 'main.go'), 'package main\nfunc main() {}\n');
    const engine = fakeEngineWithStandIns();
    const error = await runSuite(
      engine,
      { bases: 'offline', outDir: tempDir('newer-go-out'), metrics: ['size'], serviceDir: service },
      { pullSite: engine.pullSite(), root: false },
    ).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /^`\S+\/go\.mod` needs go 1\.26, and the builder `imgbench\/standin-golang:1\.24` \(stand-in for golang:1\.24\) has go1\.24\.4; run with `--go 1\.26` \(golang:1\.26 images, or offline stand-ins with Debian's Go 1\.26\), give the golang role a newer Go image with `--base-image golang=IMAGE`, or lower the go line$/,
    );
    expect(engine.builds).toEqual([]);
  });

  it('--go 1.26 builds such a go.mod on the stand-ins with Go 1.26, and records the release', async () => {
    const service = tempDir('go-126');
    writeFileSync(join(service, 'go.mod'), 'module example.com/x\n\ngo 1.26\n');
    writeFileSync(join(service, 'main.go'), 'package main\nfunc main() {}\n');
    const engine = fakeEngineWithStandIns({
      command: (image) => ({
        exitCode: 0,
        output: image.endsWith(':1.26') ? 'go1.26.11\n' : 'go1.24.4\n',
      }),
    });
    const recipes = standInRecipes('1.26');
    for (const role of GO_BUILDER_ROLES) {
      engine.addImage(recipes[role].tag, {
        labels: { [LABEL_RECIPE_HASH]: recipeHash(recipes[role]) },
      });
    }
    const out = tempDir('go-126-out');
    const outcome = await runSuite(
      engine,
      { bases: 'offline', go: '1.26', outDir: out, metrics: ['size'], serviceDir: service },
      { pullSite: engine.pullSite(), root: false },
    );
    const builders = outcome.run.bases.images.filter((b) => GO_BUILDER_ROLES.includes(b.role));
    expect(builders.map((b) => [b.image, b.upstream])).toEqual(
      expect.arrayContaining([['imgbench/standin-golang-alpine:1.26', 'golang:1.26-alpine']]),
    );
    expect(builders.every((b) => b.image.endsWith(':1.26'))).toBe(true);
    expect(outcome.run.settings?.go).toBe('1.26');
  });

  it('--base-image gives a role an image in the engine, recorded as chosen and named in the bases line', async () => {
    const engine = fakeEngineWithStandIns({
      command: (image) => ({
        exitCode: 0,
        output: image === 'golang:1.26' ? 'go1.26.0\n' : 'go1.24.4\n',
      }),
    });
    engine.addImage('golang:1.26', { repoDigests: ['golang@sha256:abc'] });
    const service = tempDir('newer-go');
    writeFileSync(join(service, 'go.mod'), 'module example.com/x\n\ngo 1.26\n');
    writeFileSync(join(service, 'main.go'), 'package main\nfunc main() {}\n');
    const { run } = await runSuite(
      engine,
      {
        bases: 'offline',
        outDir: tempDir('chosen-out'),
        metrics: ['size'],
        serviceDir: service,
        variants: ['golang'],
        baseImages: { golang: 'golang:1.26' },
      },
      { pullSite: engine.pullSite(), root: false },
    );
    expect(run.variants[0]?.state).toBe('ok');
    expect(run.bases.images).toEqual([
      expect.objectContaining({
        role: 'golang',
        image: 'golang:1.26',
        chosen: true,
        standIn: false,
      }),
    ]);
    expect(engine.builds[0]?.buildArgs).toMatchObject({ GOLANG_IMAGE: 'golang:1.26' });
    expect(toTable(run)).toMatch(
      /given with --base-image: golang golang:1\.26; why: --bases offline; --base-image golang=golang:1\.26$/m,
    );
  });

  it('--base-image of an image not in the engine is refused in one line', async () => {
    const engine = fakeEngineWithStandIns();
    const error = await runSuite(
      engine,
      {
        bases: 'offline',
        outDir: tempDir('chosen-out'),
        metrics: ['size'],
        variants: ['golang'],
        baseImages: { golang: 'golang:9.9' },
      },
      { pullSite: engine.pullSite(), root: false },
    ).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      '`--base-image golang=golang:9.9`: `golang:9.9` is not in the engine; pull or build it first',
    );
  });
});

describe("the host's Go module settings", () => {
  it('reach the build as HOST_* args when set, and nothing when not', () => {
    expect(
      hostGoBuildArgs({
        GOPROXY: 'http://127.0.0.1:3000',
        GONOSUMDB: 'example.com',
        HOME: '/root',
      }),
    ).toEqual({ HOST_GOPROXY: 'http://127.0.0.1:3000', HOST_GONOSUMDB: 'example.com' });
    expect(hostGoBuildArgs({})).toEqual({});
  });

  it('a proxy on the host loopback makes the build use the host network', () => {
    expect(proxyOnLoopback({ GOPROXY: 'http://127.0.0.1:3000' })).toBe(true);
    expect(
      proxyOnLoopback({ GOPROXY: 'https://proxy.example.com,http://localhost:8081|direct' }),
    ).toBe(true);
    expect(proxyOnLoopback({ GOPROXY: 'https://proxy.golang.org,direct' })).toBe(false);
    expect(proxyOnLoopback({ GOPROXY: 'off' })).toBe(false);
  });
});

describe('the running half of gaps, on a service without the probe routes', () => {
  it('a catch-all route that answers 200 with its own text counts as no probe routes', async () => {
    const engine = fakeEngineWithStandIns();
    engine.addImage('imgbench/own:scratch', { entrypoint: ['/main'] });
    const answers = await probeRuntime(engine, 'imgbench/own:scratch', {
      ...DEFAULT_RUNTIME_OPTIONS,
      labels: {},
    });
    expect(answers).toBeUndefined();
  });
});
