import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { onTestFinished } from 'vitest';
import { packageRoot } from '../../src/paths.js';
import { tempDir } from '../temp-dir.js';
import { dockerCli } from './host-leftovers.js';

export { dockerCli, hostLeftovers, labelledContainers } from './host-leftovers.js';

/**
 * Starts `imgbench run args` as a user does and resolves with the running
 * process once `marker` has appeared in its output and `delayMs` more have
 * passed (for a test to signal it at that point). Wrapped in an object: the
 * process is itself a promise, which `await` would wait out.
 */
export async function startRunUntil(
  args: string[],
  marker: RegExp,
  delayMs = 0,
): Promise<{ child: ResultPromise<{ reject: false; env: { CI: string }; all: true }> }> {
  const child = execa(process.execPath, [join(packageRoot(), 'dist/cli/main.js'), 'run', ...args], {
    reject: false,
    env: { CI: '1' },
    all: true,
  });
  let seen = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`never saw ${marker}: ${seen}`)), 300_000);
    child.all?.on('data', (chunk: Buffer) => {
      seen += String(chunk);
      if (marker.test(seen)) {
        clearTimeout(timer);
        setTimeout(resolve, delayMs);
      }
    });
  });
  return { child };
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

/** A copy of the service at `source` in a folder of the test's own, named `name`, whose images are removed after the test. */
export function serviceCopyForTest(source: string, name: string): string {
  const dir = join(tempDir(`svc-${name}`), name);
  cpSync(source, dir, { recursive: true });
  removeImagesOfServiceAfterTest(dir);
  return dir;
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
