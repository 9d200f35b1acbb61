import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reapDeadRuns } from '../../src/cleanup/reaper.js';
import { packageRoot } from '../../src/paths.js';
import { fileSchemaProblems } from '../results-schema.js';
import { hostLeftovers, labelledContainers } from './helpers.js';

/** A user of this machine's `docker` group and nothing more, made for these tests and removed after. */
const USER = 'imgbench-nonroot';

describe('a user without root, in the docker group', () => {
  const home = mkdtempSync(join(tmpdir(), 'imgbench-nonroot-'));
  const checkout = join(home, 'imgbench');

  /** Runs `command` as that user in its copy of the checkout. */
  const asUser = (command: string[]) =>
    execa('runuser', ['-u', USER, '--', 'env', `HOME=${home}`, 'CI=1', ...command], {
      cwd: checkout,
      reject: false,
      all: true,
    });

  beforeAll(async () => {
    await execa('userdel', [USER], { reject: false });
    await execa('useradd', [
      '--system',
      '--no-create-home',
      '--home-dir',
      home,
      '-G',
      'docker',
      USER,
    ]);
    // Its own copy (with modes and times, so the compiled CLI and node_modules count as current).
    await execa('cp', ['-a', packageRoot(), checkout]);
    await execa('chown', ['-R', `${USER}:`, home]);
  });
  afterAll(async () => {
    await execa('userdel', [USER], { reject: false });
    rmSync(home, { recursive: true, force: true });
  });

  it('`npm run suite` and `imgbench run` measure size, gaps, flags and build, and say why pull, startup and memory are skipped', async () => {
    const id = await execa('runuser', ['-u', USER, '--', 'id', '-u']);
    expect(id.stdout).not.toBe('0');
    const variants = ['--variants', 'scratch,distroless', '--quick'];
    for (const command of [
      ['npm', 'run', 'suite', '--', ...variants, '--out', join(home, 'suite')],
      ['node', 'dist/cli/main.js', 'run', ...variants, '--out', join(home, 'run')],
    ]) {
      const result = await asUser(command);
      expect(result.exitCode, result.all).toBe(0);
      expect(result.all).toMatch(
        /^Skipped: pull, startup, memory \(runs on a second dockerd with a bridge of its own, which needs root; run imgbench as root \(sudo\) to measure it\)$/m,
      );
      const out = command.at(-1) as string;
      const file = join(out, 'latest', 'results.json');
      const run = JSON.parse(readFileSync(file, 'utf8'));
      expect(run.metrics).toEqual(['size', 'gaps', 'flags', 'build']);
      expect(run.skipped.map((s: { metric: string }) => s.metric)).toEqual([
        'pull',
        'startup',
        'memory',
      ]);
      for (const v of run.variants) {
        expect(v.state, v.name).toBe('ok');
        expect(v.builds?.cold.durationMs.p50, v.name).toBeGreaterThan(0);
        expect(v.gaps?.image.files, v.name).toBeGreaterThan(0);
      }
      expect(run.binaryFlags.binaries.sw.sizeBytes).toBeGreaterThan(0);
      expect(fileSchemaProblems(file)).toEqual([]);
    }
    // The suite's setup compiled and skipped nothing it needed: every package is already here.
    expect(existsSync(join(checkout, 'dist', 'cli', 'main.js'))).toBe(true);
  });

  it('a root run’s clean-up leaves that user’s run folders alone, and still removes a dead root run’s', async () => {
    // What a run without root has in /tmp while it builds, and what a killed root run left.
    const theirs = join(tmpdir(), 'imgbench-build-src-20261201-000000-aaaa-Their5');
    const ours = join(tmpdir(), 'imgbench-build-src-20261201-000000-bbbb-Ours55');
    await execa('runuser', ['-u', USER, '--', 'mkdir', theirs]);
    mkdirSync(ours);
    const report = await reapDeadRuns();
    expect(existsSync(theirs)).toBe(true);
    expect(existsSync(ours)).toBe(false);
    expect(report.removed).toContain(`the temp dir ${ours}`);
    rmSync(theirs, { recursive: true, force: true });
  });

  it('asking for a metric that needs root by name stops before any build, in one line, exit 2', async () => {
    const result = await asUser([
      'node',
      'dist/cli/main.js',
      'run',
      '--metrics',
      'size,startup',
      '--out',
      join(home, 'asked'),
    ]);
    expect(result.exitCode).toBe(2);
    expect(result.all?.trim().split('\n')).toEqual([
      expect.stringMatching(/^imgbench: startup runs on a second dockerd, which needs root; /),
    ]);
    expect(labelledContainers()).toEqual([]);
    expect(hostLeftovers()).toEqual([]);
  });
});
