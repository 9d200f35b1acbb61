import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { runSuite } from '../../src/run/run-suite.js';
import { findMainPackages, resolveMainPackage } from '../../src/service/main-package.js';
import { tempDir } from '../temp-dir.js';
import { fakeEngineWithStandIns } from './fake-engine.js';

const MAIN = 'package main\n\nfunc main() {}\n';

/** A Go module in a temp folder: go.mod and the files given, by path. */
function goModule(files: Record<string, string>): string {
  const dir = tempDir('module');
  writeFileSync(join(dir, 'go.mod'), 'module example.com/m\n\ngo 1.22\n');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('the main package', () => {
  it('is the module itself when it is one', async () => {
    const dir = goModule({ 'main.go': MAIN, 'cmd/tool/main.go': MAIN });
    expect(await resolveMainPackage(dir, undefined)).toEqual({ path: '.', chosen: 'root' });
  });

  it('is found when the module has one, as go-httpbin keeps it under cmd/', async () => {
    const dir = goModule({
      'httpbin/httpbin.go': 'package httpbin\n',
      'cmd/go-httpbin/main.go': 'package main\n\nimport "os"\n\nfunc main() { os.Exit(0) }\n',
      // A nested module is not this module's package; nor are tests, testdata, vendor, dot and underscore folders.
      'examples/custom/go.mod': 'module example.com/custom\n',
      'examples/custom/main.go': MAIN,
      'httpbin/testdata/main.go': MAIN,
      'vendor/example.com/v/main.go': MAIN,
      '.tools/main.go': MAIN,
      '_old/main.go': MAIN,
      'internal/x/x_test.go': MAIN,
    });
    expect(await findMainPackages(dir)).toEqual(['./cmd/go-httpbin']);
    expect(await resolveMainPackage(dir, undefined)).toEqual({
      path: './cmd/go-httpbin',
      chosen: 'found',
    });
  });

  it('needs `func main`, counts it from any file of the package, and leaves out `//go:build ignore` files', async () => {
    const dir = goModule({
      'lib.go': 'package lib\n',
      'gen.go': '// Generates tables.\n//go:build ignore\n\npackage main\n\nfunc main() {}\n',
      'noentry/a.go': 'package main\n',
      'split/a.go': '// Package main is split.\npackage main\n',
      'split/b.go': '/* the entry */\npackage main\n\nfunc main() {\n}\n',
    });
    expect(await findMainPackages(dir)).toEqual(['./split']);
  });

  it('a library: one line naming the problem and the main packages found (none)', async () => {
    const dir = goModule({ 'lib.go': 'package lib\n\nfunc Add(a, b int) int { return a + b }\n' });
    const error = await resolveMainPackage(dir, undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(
      `\`${dir}\` holds no main package: no folder of its module has a file that says \`package main\` and defines \`func main\` (a library has no program to put in an image); point \`--service\` at a module with a command`,
    );
  });

  it('several and no `--main`: names them and the option', async () => {
    const dir = goModule({ 'cmd/a/main.go': MAIN, 'cmd/b/main.go': MAIN, 'lib.go': 'package m\n' });
    await expect(resolveMainPackage(dir, undefined)).rejects.toThrow(
      /is not a main package itself and holds 2: `\.\/cmd\/a`, `\.\/cmd\/b`; pass the one to measure with `--main`$/,
    );
    expect(await resolveMainPackage(dir, './cmd/b')).toEqual({ path: './cmd/b', chosen: 'given' });
  });

  it('`--main` that is no folder, or no main package: one line with the main packages there are', async () => {
    const dir = goModule({ 'cmd/server/main.go': MAIN, 'pkg/util.go': 'package util\n' });
    await expect(resolveMainPackage(dir, './nope')).rejects.toThrow(
      `\`--main\` \`./nope\` is not a folder of \`${dir}\`; its main packages: \`./cmd/server\``,
    );
    await expect(resolveMainPackage(dir, './pkg')).rejects.toThrow(
      /^`--main` `\.\/pkg` is not a main package \(no file of it says `package main` and defines `func main`\); the main packages of `.+`: `\.\/cmd\/server`$/,
    );
  });

  it('a run of a library stops before the engine builds or runs anything, and never calls a variant ok', async () => {
    const engine = fakeEngineWithStandIns();
    const dir = goModule({ 'lib.go': 'package lib\n' });
    const error = await runSuite(
      engine,
      { bases: 'offline', outDir: tempDir('library-out'), metrics: ['size'], serviceDir: dir },
      { pullSite: engine.pullSite(), root: false },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/holds no main package/);
    expect(engine.builds).toEqual([]);
    expect(engine.calls).toEqual([]);
  });

  it('found, it is said, recorded in results.json, and built', async () => {
    const engine = fakeEngineWithStandIns();
    const dir = goModule({ 'cmd/svc/main.go': MAIN });
    const said: string[] = [];
    const { run } = await runSuite(
      engine,
      {
        bases: 'offline',
        outDir: tempDir('found-out'),
        metrics: ['size'],
        serviceDir: dir,
        variants: ['scratch'],
      },
      {
        pullSite: engine.pullSite(),
        root: false,
        onEvent: (e) => e.type === 'stage' && said.push(e.message),
      },
    );
    expect(said).toContain(
      'main package: `./cmd/svc`, the only one of the module (no `--main` given)',
    );
    expect(run.service).toMatchObject({ mainPackage: './cmd/svc', mainPackageChosen: 'found' });
    expect(engine.builds[0]?.buildArgs).toMatchObject({ MAIN_PKG: './cmd/svc' });
    expect(run.variants[0]?.state).toBe('ok');
  });
});
