import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { onTestFinished } from 'vitest';
import { packageRoot } from '../../src/paths.js';

/** The docker CLI: the independent witness for what imgbench reports. */
export function dockerCli(args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8' }).trim();
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the compiled CLI the way a user does. Asynchronous on purpose: a
 * blocking spawn through a minutes-long run starves vitest's worker RPC.
 */
export async function imgbench(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const result = await execa(process.execPath, [join(packageRoot(), 'dist/cli/main.js'), ...args], {
    reject: false,
    env: { CI: '1', ...env },
    timeout: 30 * 60_000,
  });
  return {
    status: result.exitCode ?? null,
    stdout: String(result.stdout),
    stderr: String(result.stderr),
  };
}

/**
 * Removes, when the current test finishes, the images a run builds from a
 * service folder of the test's own (`imgbench/<folder>:<variant>`), so tests
 * leave no image behind.
 */
export function removeImagesOfServiceAfterTest(service: string): void {
  onTestFinished(() => {
    const ids = dockerCli(['images', '-q', '--filter', `label=org.imgbench.service=${service}`])
      .split('\n')
      .filter(Boolean);
    if (ids.length > 0) dockerCli(['rmi', '-f', ...new Set(ids)]);
  });
}

/** Containers imgbench made that are still there. */
export function labelledContainers(): string[] {
  return dockerCli(['ps', '-a', '-q', '--filter', 'label=org.imgbench.managed=true'])
    .split('\n')
    .filter(Boolean);
}

/**
 * What a run may leave on the host and must not: dockerd or registry
 * processes besides the build engine's, imgbench bridges, a qdisc on lo, and
 * the isolated engines' folders.
 */
export function hostLeftovers(): string[] {
  const left: string[] = [];
  const processes = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.trim())
    .filter((l) =>
      // The second dockerd, its containerd and shims, the registry, port
      // proxies on a run's bridge, and the service in a container.
      /\bdockerd\b.*--data-root|\/run\/imgbench\/|docker-registry serve|docker-proxy .*10\.213\.|^\d+ (\.\/main|\/main|\/server)$/.test(
        l,
      ),
    );
  left.push(...processes);
  const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
  left.push(...(links.match(/imgbench-[0-9a-f]{4}/g) ?? []));
  const qdisc = execFileSync('tc', ['qdisc', 'show', 'dev', 'lo', 'root'], { encoding: 'utf8' });
  if (!/^qdisc noqueue\b/.test(qdisc.trim())) left.push(qdisc.trim());
  for (const dir of ['/run/imgbench', '/var/lib/imgbench', '/run/imgbench-owners']) {
    if (existsSync(dir)) left.push(dir);
  }
  left.push(...readdirSync(tmpdir()).filter((d) => d.startsWith('imgbench-registry-')));
  return left;
}
