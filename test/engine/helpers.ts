import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
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

/** Runs the compiled CLI the way a user does. */
export function imgbench(args: string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const result = spawnSync(process.execPath, [join(packageRoot(), 'dist/cli/main.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, CI: '1', ...env },
    timeout: 30 * 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Containers imgbench made that are still there. */
export function labelledContainers(): string[] {
  return dockerCli(['ps', '-a', '-q', '--filter', 'label=org.imgbench.managed=true'])
    .split('\n')
    .filter(Boolean);
}
