import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { execa } from 'execa';
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

/** Containers imgbench made that are still there. */
export function labelledContainers(): string[] {
  return dockerCli(['ps', '-a', '-q', '--filter', 'label=org.imgbench.managed=true'])
    .split('\n')
    .filter(Boolean);
}
