import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeNotElf } from '../../src/measure/elf.js';
import { figuresOf } from '../../src/metrics/run-result.js';
import { toTable } from '../../src/report/table.js';
import { runSuite } from '../../src/run/run-suite.js';
import { selectVariants } from '../../src/variants/variant-catalog.js';
import { tempDir } from '../temp-dir.js';
import { fakeEngineWithStandIns } from './fake-engine.js';

/** The first bytes of what `go build -o main .` writes for a package that is not main. */
const ARCHIVE_HEAD = Buffer.from(
  '!<arch>\n__.PKGDEF       0           0     0     644     1618      `\n',
);

function sampleLikeService(goMod = 'module example.com/s\n\ngo 1.22\n'): string {
  const dir = tempDir('svc');
  writeFileSync(join(dir, 'go.mod'), goMod);
  writeFileSync(join(dir, 'main.go'), 'package main\n\nfunc main() {}\n');
  return dir;
}

describe('an image is ok only with a program in it', () => {
  it('says what a file that is not ELF is', () => {
    expect(describeNotElf(ARCHIVE_HEAD)).toBe(
      'a Go package archive, which `go build -o` writes for a package that is not `main`',
    );
    expect(describeNotElf(Buffer.from('#!/bin/sh\nexec /app/real "$@"\n'))).toBe(
      'a script (`#!/bin/sh`)',
    );
    expect(describeNotElf(Buffer.from('hello'))).toBe('a file that is not an ELF executable');
  });

  it('a variant whose image runs no ELF executable fails at size, and keeps its size figures', async () => {
    const engine = fakeEngineWithStandIns({
      imageFile: (variant) =>
        variant === 'scratch' ? { sizeBytes: 1_982, head: ARCHIVE_HEAD } : undefined,
    });
    const { run } = await runSuite(
      engine,
      {
        bases: 'offline',
        outDir: tempDir('not-elf-out'),
        metrics: ['size'],
        serviceDir: sampleLikeService(),
        variants: ['scratch', 'distroless'],
      },
      { pullSite: engine.pullSite(), root: false },
    );
    const [scratch, distroless] = run.variants;
    expect(distroless?.state).toBe('ok');
    expect(scratch?.state).toBe('failed');
    if (scratch?.state !== 'failed') return;
    expect(scratch.failure).toMatchObject({ stage: 'size', code: 'E_MEASURE' });
    expect(scratch.failure.message).toMatch(
      /^`\/\S+`, which the image runs, is not a program: a Go package archive, which `go build -o` writes for a package that is not `main` \(1,982 bytes\); build a main package \(`--main`\)$/,
    );
    expect(figuresOf(scratch).size?.binary).toMatchObject({ sizeBytes: 1_982, linkage: 'not-elf' });
    // The size table still shows what was measured.
    const table = toTable(run);
    expect(table).toMatch(/^scratch +failed at size +8\.03 MB +8030718 .* not-elf$/m);
    expect(table).toMatch(
      /^ {2}scratch: size failed: `\/app\/main`, which the image runs, is not a program/m,
    );
  });
});

describe('checked before anything is built', () => {
  it("a go.mod that does not parse: Go's own words, one line, no build", async () => {
    const engine = fakeEngineWithStandIns({
      command: (_, cmd) =>
        cmd.join(' ').includes('go mod edit')
          ? {
              exitCode: 1,
              output:
                'go1.24.4\ngo: errors parsing go.mod:\n/tmp/imgbench-go-mod/go.mod:3: unknown directive: requir\n',
            }
          : { exitCode: 0, output: 'go1.24.4\n' },
    });
    const dir = sampleLikeService('module example.com/s\n\nrequir example.com/x v1.0.0\n');
    const error = await runSuite(
      engine,
      { bases: 'offline', outDir: tempDir('gomod-out'), metrics: ['size'], serviceDir: dir },
      { pullSite: engine.pullSite(), root: false },
    ).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      `\`${join(dir, 'go.mod')}\` does not parse: go.mod:3: unknown directive: requir (as \`go mod edit\` in \`imgbench/standin-golang:1.24\` reads it); fix the go.mod`,
    );
    expect(engine.builds).toEqual([]);
  });

  it('`--variants` naming one twice: one line', () => {
    expect(() => selectVariants([], ['golang', 'scratch', 'golang'])).toThrow(
      '`--variants` names `golang` twice; name each variant once',
    );
  });
});
