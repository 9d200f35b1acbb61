import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { figuresOf } from '../../src/metrics/run-result.js';
import { sampleServiceDir } from '../../src/paths.js';
import { readRun } from '../../src/results/read-run.js';
import { tempDir } from '../temp-dir.js';
import {
  dockerCli,
  imgbench,
  labelledContainers,
  removeImagesOfServiceAfterTest,
  serviceCopyForTest,
} from './helpers.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'services');

const imagesOf = (dir: string) =>
  dockerCli(['images', '-q', '--filter', `label=org.imgbench.service=${dir}`]).trim();

/** `imgbench run` of a service on the offline bases: what it printed, its exit, and its out folder. */
async function run(dir: string, args: string[] = []) {
  const out = tempDir('check-out');
  const result = await imgbench([
    'run',
    '--service',
    dir,
    '--bases',
    'offline',
    '--quick',
    '--out',
    out,
    ...args,
  ]);
  return { ...result, out };
}

describe('a service is resolved and checked before anything is built', () => {
  it('a library (go.mod, one package that is not main): one line naming it and the main packages found, exit 2, no image', async () => {
    const dir = serviceCopyForTest(join(FIXTURES, 'library'), 'library');
    const { status, stderr } = await run(dir);
    expect(status).toBe(2);
    expect(stderr.trim().split('\n')).toEqual([
      `imgbench: \`${dir}\` holds no main package: no folder of its module has a file that says \`package main\` and defines \`func main\` (a library has no program to put in an image); point \`--service\` at a module with a command`,
    ]);
    expect(imagesOf(dir)).toBe('');
  });

  it('`--main` that is not there: one line naming the main packages, exit 2, no image', async () => {
    const dir = serviceCopyForTest(sampleServiceDir(), 'sample');
    const { status, stderr } = await run(dir, ['--main', './nope']);
    expect(status).toBe(2);
    expect(stderr.trim()).toBe(
      `imgbench: \`--main\` \`./nope\` is not a folder of \`${dir}\`; its main packages: \`.\``,
    );
    expect(imagesOf(dir)).toBe('');
  });

  it("a go.mod with a syntax error: Go's own words from the builder, exit 2, no image", async () => {
    const dir = serviceCopyForTest(sampleServiceDir(), 'broken-mod');
    writeFileSync(
      join(dir, 'go.mod'),
      'module example.com/sample\n\nrequir example.com/x v1.0.0\n\ngo 1.22\n',
    );
    const { status, stderr } = await run(dir);
    expect(status).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr.trim()).toMatch(
      /^imgbench: `\S+\/go\.mod` does not parse: go\.mod:3: unknown directive: requir \(as `go mod edit` in `imgbench\/standin-golang[^`]*` reads it\); fix the go\.mod$/,
    );
    expect(imagesOf(dir)).toBe('');
  });

  it('an image whose command is a package archive, not a program: failed at size, its size kept, exit 1', async () => {
    const dir = serviceCopyForTest(sampleServiceDir(), 'archive');
    const { status, stdout, out } = await run(dir, [
      '--variants-dir',
      join(import.meta.dirname, 'fixtures', 'archive-variants'),
      '--metrics',
      'size',
    ]);
    expect(status).toBe(1);
    const [variant] = (await readRun(join(out, 'latest'))).variants;
    expect(variant?.state).toBe('failed');
    if (variant?.state !== 'failed') return;
    expect(variant.failure.stage).toBe('size');
    expect(variant.failure.message).toMatch(
      /^`\/main`, which the image runs, is not a program: a Go package archive, which `go build -o` writes for a package that is not `main` \([\d,]+ bytes\); build a main package \(`--main`\)$/,
    );
    // The size the engine has for it, and the file as it is.
    const size = figuresOf(variant).size;
    expect(size?.binary).toMatchObject({ path: '/main', linkage: 'not-elf' });
    const inspected = Number(
      dockerCli(['image', 'inspect', '--format', '{{.Size}}', variant.image]).trim(),
    );
    expect(size?.engineSizeBytes).toBe(inspected);
    expect(stdout).toMatch(/^library-build +failed at size +\S+ MB +\d+ .* not-elf$/m);
    expect(labelledContainers()).toEqual([]);
  });
});

describe('a service of a monorepo (`replace` to a sibling folder)', () => {
  it('without --context: one line naming the directive and the --context to pass, exit 2, no image', async () => {
    const repo = serviceCopyForTest(join(FIXTURES, 'monorepo'), 'monorepo');
    const api = join(repo, 'api');
    const { status, stderr } = await run(api);
    expect(status).toBe(2);
    expect(stderr.trim().split('\n')).toEqual([
      `imgbench: go.mod's \`replace example.com/fixtures/shared => ../shared\` reaches \`${join(repo, 'shared')}\`, outside the build context \`${api}\` (the service folder); pass \`--context ${repo}\`, a folder that holds the service and what it replaces`,
    ]);
    expect(imagesOf(api)).toBe('');
  });

  it('with --context: the six build from the repo root, each binary a program, the context recorded', async () => {
    const repo = serviceCopyForTest(join(FIXTURES, 'monorepo'), 'monorepo');
    const api = join(repo, 'api');
    removeImagesOfServiceAfterTest(api);
    const { status, out } = await run(api, ['--context', repo, '--metrics', 'size']);
    expect(status).toBe(0);
    const result = await readRun(join(out, 'latest'));
    expect(result.service).toMatchObject({ dir: api, context: repo, mainPackage: '.' });
    expect(result.variants.map((v) => [v.name, v.state])).toEqual(
      ['golang', 'alpine', 'multi-stage', 'stripped', 'scratch', 'distroless'].map((n) => [
        n,
        'ok',
      ]),
    );
    for (const variant of result.variants) {
      expect(figuresOf(variant).size?.binary?.linkage).toMatch(/^(static|dynamic)$/);
    }
    expect(labelledContainers()).toEqual([]);
  });
});
