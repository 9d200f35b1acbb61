import { cpSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleServiceDir } from '../../src/paths.js';
import { readRun } from '../../src/results/read-run.js';
import { tempDir } from '../temp-dir.js';
import {
  hostLeftovers,
  imgbench,
  labelledContainers,
  removeImagesOfServiceAfterTest,
} from './helpers.js';

/**
 * The sample service plus one file that only a cgo build compiles: golang
 * (cgo on) fails to build, the static variants build. Its images are removed
 * when the test finishes.
 */
function serviceWithCgoBug(): string {
  const service = tempDir('cgo-bug');
  removeImagesOfServiceAfterTest(service);
  cpSync(sampleServiceDir(), service, { recursive: true });
  cpSync(
    join(import.meta.dirname, 'fixtures', 'cgo-only-bug', 'cgo_only.go'),
    join(service, 'cgo_only.go'),
  );
  return service;
}

describe('failures a user meets', () => {
  it('fails only the variant whose Go code does not compile, with the compiler message, and finishes the others', async () => {
    const out = tempDir('fail');
    const service = serviceWithCgoBug();
    const result = await imgbench([
      'run',
      '--metrics',
      'size',
      '--service',
      service,
      '--variants',
      'golang,scratch',
      '--bases',
      'offline',
      '--out',
      out,
    ]);
    expect(result.status).toBe(1);
    const run = await readRun(join(out, 'latest'));
    const [golang, scratch] = run.variants;
    expect(golang?.state).toBe('failed');
    if (golang?.state !== 'failed') return;
    expect(golang.failure.stage).toBe('build');
    expect(golang.failure.message).toBe('./cgo_only.go:8:29: undefined: notDefinedAnywhere');
    expect(golang.failure.engineError).toMatch(/exit code: 1/);
    expect(scratch?.state).toBe('ok');
    expect(result.stdout).toMatch(/^golang\s+failed\s.*undefined: notDefinedAnywhere/m);
    expect(labelledContainers()).toEqual([]);
  });

  it('--bail stops at the first variant that fails: the others stay pending, the run says why', async () => {
    const out = tempDir('bail');
    const service = serviceWithCgoBug();
    const result = await imgbench([
      'run',
      '--metrics',
      'size,build',
      '--service',
      service,
      '--variants',
      'golang,scratch',
      '--bases',
      'offline',
      '--bail',
      '--out',
      out,
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^stopped at the first failure \(--bail\): golang failed at build; later steps did not run/m,
    );
    const run = await readRun(join(out, 'latest'));
    expect(run.stoppedBy).toBe('bail');
    expect(run.complete).toBe(false);
    // With the build metric on the variants are built in shuffled order (the first cold
    // round): what came before golang is ok, what would have come after it never started.
    const order = [...result.stderr.matchAll(/^\[\d+\/2\] (\S+): building/gm)].map((m) => m[1]);
    expect(order[order.length - 1]).toBe('golang');
    const expected = (name: string) =>
      name === 'golang' ? 'failed' : order.includes(name) ? 'ok' : 'pending';
    expect(run.variants.map((v) => v.state)).toEqual(run.variants.map((v) => expected(v.name)));
    expect(labelledContainers()).toEqual([]);
  });

  it('a build past --timeout build fails that variant with the operation and the limit; the run goes on', async () => {
    const out = tempDir('timeout');
    // 20 ms: less than even a fully cached build takes (context upload and solve).
    const build = await imgbench([
      'run',
      '--metrics',
      'size',
      '--variants',
      'scratch,multi-stage',
      '--timeout',
      'build=20ms',
      '--out',
      out,
    ]);
    expect(build.status).toBe(1);
    const run = await readRun(join(out, 'latest'));
    expect(run.complete).toBe(true);
    for (const v of run.variants) {
      expect(v.state).toBe('failed');
      if (v.state !== 'failed') continue;
      expect(v.failure).toMatchObject({ stage: 'build', code: 'E_TIMEOUT' });
      expect(v.failure.message).toBe(
        `build of \`imgbench/sample:${v.name}\` timed out after 20 ms; raise the limit with \`--timeout build=40ms\``,
      );
    }
    expect(labelledContainers()).toEqual([]);
  });

  it('a variant that crashes on start fails with the runtime’s words and does not stop the other five; the gaps table shows scratch without CA bundle and zones, distroless with both and non-root', async () => {
    const out = tempDir('crash');
    const result = await imgbench([
      'run',
      '--metrics',
      'size,gaps,startup',
      '--quick',
      '--bases',
      'offline',
      '--variants',
      'golang,alpine,cgo-scratch,multi-stage,stripped,scratch,distroless',
      '--out',
      out,
    ]);
    expect(result.status).toBe(1);
    const run = await readRun(join(out, 'latest'));
    expect(run.complete).toBe(true);
    for (const v of run.variants.filter((x) => x.name !== 'cgo-scratch')) {
      expect(v.state, v.name).toBe('ok');
      if (v.state === 'ok') expect(v.startup?.startToReadyMs.n, v.name).toBe(5);
    }
    const crashed = run.variants.find((v) => v.name === 'cgo-scratch');
    expect(crashed?.state).toBe('failed');
    if (crashed?.state !== 'failed') return;
    expect(crashed.failure.stage).toBe('startup');
    // A dynamic binary on scratch: its loader is not there, and exec says so.
    expect(crashed.failure.message).toMatch(/no such file or directory/);
    // Its size stays in the table, and the reason is printed below the tables.
    expect(result.stdout).toMatch(/^cgo-scratch\s+failed at startup\s+\d+\.\d+ MB/m);
    expect(result.stdout).toMatch(/^ {2}cgo-scratch: startup failed: .*no such file or directory/m);
    // Its practical gaps say the same, and scratch and distroless differ as the seeds say.
    expect(crashed.gaps?.runtimeMissing).toMatch(/did not get ready: .*no such file or directory/);
    const okVariant = (name: string) => {
      const v = run.variants.find((x) => x.name === name);
      if (v?.state !== 'ok') throw new Error(`${name} is ${v?.state}`);
      return v;
    };
    const scratch = okVariant('scratch');
    const distroless = okVariant('distroless');
    expect(scratch.gaps?.runtime?.ca.ok).toBe(false);
    expect(scratch.gaps?.runtime?.tz.ok).toBe(false);
    expect(scratch.gaps?.runtime?.tmp.ok).toBe(false);
    expect(scratch.gaps?.image).toMatchObject({ caBundle: null, zoneinfoFiles: 0, shells: [] });
    expect(distroless.gaps?.runtime?.ca).toMatchObject({ ok: true });
    expect(distroless.gaps?.runtime?.ca.certificates).toBeGreaterThan(100);
    expect(distroless.gaps?.runtime?.tz.ok).toBe(true);
    expect(distroless.gaps?.runtime?.user).toMatchObject({ uid: 65532, root: false });
    expect(result.stdout).toMatch(/^scratch +fails: no certificates +fails: unknown time zone/m);
    expect(labelledContainers()).toEqual([]);
    expect(hostLeftovers()).toEqual([]);
  });

  it('doctor on a machine with no engine says so and names the fix', async () => {
    const result = await imgbench(['doctor'], {
      DOCKER_HOST: 'unix:///tmp/imgbench-no-engine.sock',
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(
      /^MISSING\s+engine\s+No Docker engine answers at `unix:\/\/\/tmp\/imgbench-no-engine.sock`/m,
    );
    expect(result.stdout).toMatch(
      /fix: DOCKER_HOST is `unix:\/\/\/tmp\/imgbench-no-engine.sock`: start the engine it names/,
    );
  });

  it('a registry port that is taken gives one line and exit 2 before anything is built', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const out = tempDir('port');
      const result = await imgbench(['run', '--registry-port', String(port), '--out', out]);
      expect(result.status).toBe(2);
      expect(result.stderr.trim().split('\n')).toEqual([
        `imgbench: \`--registry-port\` ${port} is taken on 127.0.0.1; pass a free port, or 0 to let imgbench pick one`,
      ]);
      expect(result.stdout).not.toMatch(/building/);
    } finally {
      server.close();
    }
  });

  it('run with no engine gives one line, the fix, and exit 2', async () => {
    const result = await imgbench(['run'], { DOCKER_HOST: 'unix:///tmp/imgbench-no-engine.sock' });
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(
      /^imgbench: No Docker engine answers at .*; fix: run `bash scripts\/setup.sh`/,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it.each([
    [
      ['run', '--variants', 'tiny'],
      /^imgbench: Unknown variant `tiny` in `--variants`; known: golang, alpine/,
    ],
    [['run', '--metrics', 'speed'], /^imgbench: Unknown metric `speed`/],
    [
      ['run', '--service', '/nonexistent'],
      /^imgbench: `--service` `\/nonexistent` is not a directory/,
    ],
    [
      ['run', '--bases', 'cloud'],
      /^imgbench: Expected `--bases` to be one of auto, upstream, offline, got `cloud`/,
    ],
    [['run', '--bogus'], /^imgbench: Unknown option '--bogus'; see `imgbench run --help`/],
    [['run', '--link', '100mb'], /^imgbench: Expected `--link` values such as `1gbit`/],
    [
      ['run', '--pull-concurrency', '0'],
      /^imgbench: Expected `--pull-concurrency` to be an integer from 1 to 32, got `0`/,
    ],
    [
      ['run', '--pull-storage', 'ssd'],
      /^imgbench: Expected `--pull-storage` to be one of memory, disk, got `ssd`/,
    ],
    [['frobnicate'], /^imgbench: Unknown command `frobnicate`/],
    [
      ['run', '--variants-dir', join(import.meta.dirname, 'fixtures', 'bad-variants')],
      /^imgbench: The Dockerfile of variant `typo` does not parse: line 4: unknown instruction `ENTRYPONT` \(`\S+\/typo\/Dockerfile`\); fix it and run again$/,
    ],
    [
      ['run', '--variants-dir', '/nonexistent'],
      /^imgbench: `--variants-dir` `\/nonexistent` is not a folder/,
    ],
    [
      ['run', '--config', join(import.meta.dirname, 'fixtures', 'bad-config.json')],
      /^imgbench: Invalid config `\S+bad-config\.json`: `budgets\[0\]\.max` must be a number of at least 0, got "20MB"$/,
    ],
    [
      ['report', import.meta.dirname],
      /^imgbench: `\S+` is not a run folder: it has no results\.json; pass a folder that `imgbench run` wrote/,
    ],
    [
      ['compare', join(import.meta.dirname, 'fixtures', 'bad-config.json'), import.meta.dirname],
      /^imgbench: `\S+bad-config\.json` is not an imgbench results\.json \(no schemaVersion or variants\)/,
    ],
    [['run', '--repeat', '1'], /^imgbench: Expected `--repeat` to be an integer of at least 2/],
    [
      ['run', '--timeout', 'pull=soon'],
      /^imgbench: Expected `--timeout pull=` to be a duration such as 90s, 20m or 1h, got `soon`/,
    ],
  ])('%j: one line, exit 2', async (args, message) => {
    const result = await imgbench(args);
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
  });
});
