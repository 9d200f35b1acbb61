import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { cliReference } from '../../src/cli/cli-doc.js';
import { declareRun } from '../../src/cli/commands/run.js';
import { runCli } from '../../src/cli/run-cli.js';
import { RUN_OPTIONS } from '../../src/metrics/run-options.js';
import { packageRoot } from '../../src/paths.js';

const root = packageRoot();

/**
 * `imgbench ARGS` as a user runs it: node started on the sources. Each call
 * starts node and transpiles the CLI, seconds on a busy two-core machine, so
 * only what needs a process of its own does this (the entry's Node check,
 * another user's permissions), with more than vitest's default 5 s.
 */
const SPAWNS = { timeout: 60_000 };

async function spawned(args: string[], options: { uid?: number; gid?: number } = {}) {
  const result = await execa(
    process.execPath,
    ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args],
    {
      reject: false,
      env: { CI: '1' },
      cwd: root,
      ...options,
    },
  );
  return { status: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** `imgbench ARGS` in this process, its output captured; no engine is reached by these. */
async function imgbench(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runCli(args, {
    stdout: { write: (text: string) => out.push(text) > 0 },
    stderr: { write: (text: string) => err.push(text) > 0, isTTY: false, columns: 80 },
    env: { CI: '1' },
    connect: () => Promise.reject(new Error('these tests reach no engine')),
  });
  return { status, stdout: out.join(''), stderr: err.join('') };
}

describe('the declared command line', SPAWNS, () => {
  it('docs/cli.md is what the declarations render (run `npm run docs` when this fails)', () => {
    expect(readFileSync(join(root, 'docs', 'cli.md'), 'utf8')).toBe(cliReference());
  });

  it('`imgbench run --help` lists every declared option of run, each valued one with its default', async () => {
    const { status, stdout } = await imgbench(['run', '--help']);
    expect(status).toBe(0);
    const options = declareRun().options;
    expect(options.map((o) => o.long)).toEqual([
      '--metrics',
      '--repeat',
      '--quick',
      '--budget',
      '--margin',
      '--needs',
      '--link',
      '--registry-port',
      '--pull-concurrency',
      '--pull-storage',
      '--pull-dockerd',
      '--pull-image-store',
      '--variants',
      '--variants-dir',
      '--dockerfile',
      '--bail',
      '--reference',
      '--timeout',
      '--service',
      '--main',
      '--context',
      '--port',
      '--ready',
      '--arg',
      '--env',
      '--load',
      '--load-requests',
      '--load-concurrency',
      '--bases',
      '--go',
      '--bases-timeout',
      '--base-image',
      '--out',
      '--config',
      '--json',
    ]);
    // No run option is declared and left off the command line.
    for (const option of Object.values(RUN_OPTIONS)) {
      expect(
        options.map((o) => o.flags),
        option.flags,
      ).toContain(option.flags);
    }
    for (const option of options) {
      const line = stdout.split('\n').findIndex((l) => l.trimStart().startsWith(option.flags));
      expect(line, option.flags).toBeGreaterThanOrEqual(0);
      if (!option.isBoolean()) {
        // The option's own help runs until the next option's flags.
        const text =
          stdout
            .split('\n')
            .slice(line)
            .join('\n')
            .split(/\n {2}--/)[0] ?? '';
        expect(text.replace(/\s+/g, ' '), option.flags).toMatch(/\(default: [^)]+\)/);
      }
    }
  });

  it('`imgbench --version` prints the package version and exits 0', async () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const { status, stdout } = await spawned(['--version']);
    expect({ status, stdout: stdout.trim() }).toEqual({ status: 0, stdout: version });
  });

  it.each([
    [['run', '--bogus'], /^imgbench: Unknown option '--bogus'; see `imgbench run --help`$/],
    [
      ['run', '--bial'],
      /^imgbench: Unknown option '--bial' \(did you mean --bail\?\); see `imgbench run --help`$/,
    ],
    [
      ['report', 'a', 'b'],
      /^imgbench: Too many arguments for 'report'\. Expected 1 argument but got 2: a, b; see `imgbench report --help`$/,
    ],
    [
      ['frobnicate'],
      /^imgbench: Unknown command `frobnicate`; expected one of run, bases, doctor, clean, report, compare, merge, history, claims; see `imgbench --help`$/,
    ],
    // An empty list is refused before the engine is reached, not read as "every variant".
    [
      ['run', '--variants', ''],
      /^imgbench: Expected `--variants` to list at least one name, got ``$/,
    ],
    [
      ['run', '--variants', ' , '],
      /^imgbench: Expected `--variants` to list at least one name, got ` , `$/,
    ],
    [
      ['run', '--dockerfile', 'Ours=Dockerfile'],
      /^imgbench: Expected `--dockerfile` to be NAME=PATH with a name of lowercase letters, digits, `\.`, `_` or `-`, got `Ours=Dockerfile`$/,
    ],
    [
      ['run', '--dockerfile', 'a=x', '--dockerfile', 'a=y'],
      /^imgbench: `--dockerfile` names `a` twice; give each Dockerfile a name of its own$/,
    ],
    [
      ['run', '--repeat', 'x'],
      /^imgbench: Expected `--repeat` to be an integer of at least 2, got `x`$/,
    ],
    // Checked by the options' schemas and the variants folder, before the engine is reached
    // (these tests' engine connect fails: a check made after it would show that failure).
    [
      ['run', '--repeat', '1'],
      /^imgbench: Expected `--repeat` to be an integer of at least 2 \(a spread needs two samples\), got `1`$/,
    ],
    [
      ['run', '--metrics', 'sise'],
      /^imgbench: Unknown metric `sise` in `--metrics`; this version measures: size, /,
    ],
    [['run', '--variants', 'nope'], /^imgbench: Unknown variant `nope` in `--variants`; known: /],
    [
      ['run', '--variants', 'scratch', '--reference', 'golang'],
      /^imgbench: `--reference` golang is not a variant of this run; pass one of: scratch$/,
    ],
    [
      ['run', '--budget', '10 minutes'],
      /^imgbench: Expected `--budget` to be a duration such as 10m, 90s or 1h, or none, got `10 minutes`$/,
    ],
    [
      ['run', '--margin', '0'],
      /^imgbench: Expected `--margin` to be a percentage above 0 and below 100, such as 5, got `0`$/,
    ],
  ])('%j: one line, exit 2', async (args, message) => {
    const { status, stderr } = await imgbench(args);
    expect(status).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr.trim()).toMatch(message);
  });
});

describe('`--out` checked before anything else', SPAWNS, () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    [
      '/proc/x',
      /^imgbench: `--out` `\/proc\/x` cannot be created: `\/proc` is not writable \(\w+\); pass a folder you can write to$/,
    ],
    [
      '/dev/null/x',
      /^imgbench: `--out` `\/dev\/null\/x` cannot be created: `\/dev\/null` is not a folder; pass a folder for the run folders$/,
    ],
    ['/dev/null', /^imgbench: `--out` `\/dev\/null` is not a folder/],
  ])('`--out %s`: one line, exit 2', async (out, message) => {
    const { status, stderr } = await imgbench(['run', '--out', out]);
    expect(status).toBe(2);
    expect(stderr.trim()).toMatch(message);
  });

  it('a read-only folder: one line, exit 2, and nothing created in it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'imgbench-readonly-'));
    dirs.push(dir);
    chmodSync(dir, 0o555);
    // Root passes every mode bit; the check is made as an unprivileged user there.
    const user = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    for (const out of [dir, join(dir, 'runs')]) {
      const { status, stderr } = await spawned(['run', '--out', out], user);
      expect(status).toBe(2);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(/is not writable \(EACCES\); pass a folder you can write to/);
    }
    expect(readdirSync(dir)).toEqual([]);
  });
});
