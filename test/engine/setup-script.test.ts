import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.js';

const setup = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  execa('bash', [join(packageRoot(), 'scripts/setup.sh'), ...args], {
    reject: false,
    env,
    cwd: packageRoot(),
  });

/** The build engine's process: the pid file setup.sh's dockerd writes, else the oldest dockerd. */
async function enginePid(): Promise<string> {
  try {
    return readFileSync('/var/run/docker.pid', 'utf8').trim();
  } catch {
    return (await execa('pgrep', ['-o', '-x', 'dockerd'])).stdout.trim();
  }
}

/**
 * A copy of this machine's dpkg database as a machine with Docker's own
 * packages has it: docker.io not installed, and a `docker-ce` (an empty
 * package built here) that declares `Conflicts: docker.io` installed.
 */
async function dockerCeDatabase(dir: string): Promise<string> {
  const admindir = join(dir, 'dpkg');
  await execa('cp', ['-a', '/var/lib/dpkg', admindir]);
  const status = join(admindir, 'status');
  const stanzas = readFileSync(status, 'utf8')
    .split(/\n\n+/)
    .filter((s) => s.trim() !== '' && !/^Package: docker\.io$/m.test(s));
  writeFileSync(status, `${stanzas.join('\n\n')}\n`);
  const pkg = join(dir, 'docker-ce');
  mkdirSync(join(pkg, 'DEBIAN'), { recursive: true });
  writeFileSync(
    join(pkg, 'DEBIAN', 'control'),
    [
      'Package: docker-ce',
      'Version: 5:28.0.0-1~imgbench-test',
      'Architecture: all',
      'Maintainer: imgbench tests <tests@imgbench.invalid>',
      'Conflicts: docker.io',
      "Description: stands in for Docker's docker-ce package in a test; no files",
      '',
    ].join('\n'),
  );
  await execa('dpkg-deb', ['--build', pkg, join(dir, 'docker-ce.deb')]);
  mkdirSync(join(dir, 'root'));
  await execa('dpkg', [
    `--admindir=${admindir}`,
    `--instdir=${join(dir, 'root')}`,
    '--force-script-chrootless',
    '-i',
    join(dir, 'docker-ce.deb'),
  ]);
  return admindir;
}

describe('scripts/setup.sh on a machine that already has an engine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'imgbench-setup-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('plans and installs nothing engine-related beside docker-ce, and the engine is the same process afterwards', async () => {
    const admindir = await dockerCeDatabase(dir);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own field syntax
    const query = ['--admindir', admindir, '-W', '-f=${Status}'];
    expect((await execa('dpkg-query', [...query, 'docker-ce'])).stdout).toBe(
      'install ok installed',
    );
    expect((await execa('dpkg-query', [...query, 'docker.io'], { reject: false })).stdout).not.toBe(
      'install ok installed',
    );
    // What the old script did here, `apt-get install docker.io`, would remove docker-ce:
    const apt = await execa(
      'apt-get',
      ['install', '-s', 'docker.io', '-o', `Dir::State::status=${join(admindir, 'status')}`],
      { reject: false },
    );
    expect(apt.stdout).toMatch(/^Remv docker-ce /m);

    const before = await enginePid();
    const answering = await setup(['--dry-run', '--admindir', admindir]);
    expect(answering.exitCode, answering.stderr).toBe(0);
    expect(answering.stderr).toMatch(/^setup: engine: an engine answers at .*; installing none$/m);
    expect(answering.stderr).not.toMatch(/docker\.io|start dockerd/);

    // Not answering (a DOCKER_HOST nobody listens on): the installed docker-ce alone counts.
    const packageOnly = await setup(['--dry-run', '--admindir', admindir], {
      DOCKER_HOST: `unix://${join(dir, 'nobody.sock')}`,
    });
    expect(packageOnly.exitCode, packageOnly.stderr).toBe(0);
    expect(packageOnly.stderr).toMatch(
      /^setup: engine: package docker-ce is installed; installing none$/m,
    );
    expect(packageOnly.stderr).not.toMatch(/plan: install .*docker\.io/);

    // And for real: nothing to install, no dockerd started.
    const real = await setup(['--admindir', admindir]);
    expect(real.exitCode, real.stderr).toBe(0);
    expect(real.stderr).toMatch(/^setup: plan: no package to install$/m);
    expect(real.stderr).toMatch(/^setup: engine answers at /m);
    expect(await enginePid()).toBe(before);
  });

  it('refuses an unknown option in one line and exit 2', async () => {
    const result = await setup(['--remove-my-engine']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe('setup: unknown option --remove-my-engine');
  });
});
