import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isRunTempDir } from '../../src/exec/run-temp.js';

/**
 * What a run may leave on the host, for the engine tests and for
 * `bench/kill-faults.ts` (no vitest import here, so a script can use it).
 */

/** The docker CLI: the independent witness for what imgbench reports. */
export function dockerCli(args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8' }).trim();
}

/** Containers imgbench made that are still there. */
export function labelledContainers(): string[] {
  return dockerCli(['ps', '-a', '-q', '--filter', 'label=org.imgbench.managed=true'])
    .split('\n')
    .filter(Boolean);
}

/** Images of the build scenarios (they live only as long as their run). */
export function buildMetricImages(): string[] {
  return dockerCli(['images', '-q', '--filter', 'label=org.imgbench.kind=build-metric-image'])
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
  left.push(...readdirSync(tmpdir()).filter((d) => isRunTempDir(d)));
  return left;
}
