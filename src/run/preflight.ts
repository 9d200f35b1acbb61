import { createServer } from 'node:net';
import { UsageError } from '../errors.js';
import type { RunOptions } from '../options.js';

/** Metrics that run on the second dockerd, behind the run's registry. */
const ISOLATED_METRICS = new Set(['pull', 'startup', 'memory']);

/** Whether something already listens on 127.0.0.1:`port`. */
export function loopbackPortTaken(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') resolve(true);
      else reject(error);
    });
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(false)));
  });
}

/**
 * What can be known to fail before the first build: the stage that pulls
 * comes minutes later, and a user should not wait for it to hear that it
 * needs root or that the registry's port is taken.
 */
export async function preflight(
  options: RunOptions,
  isRoot = process.getuid?.() === 0,
): Promise<void> {
  const isolated = options.metrics.filter((m) => ISOLATED_METRICS.has(m));
  if (isolated.length === 0) return;
  if (!isRoot) {
    throw new UsageError(
      `${isolated.join(', ')} ${isolated.length === 1 ? 'runs' : 'run'} on a second dockerd, which needs root; run imgbench as root or measure only size and build (\`--metrics size,build\`)`,
    );
  }
  if (options.registryPort !== 0 && (await loopbackPortTaken(options.registryPort))) {
    throw new UsageError(
      `\`--registry-port\` ${options.registryPort} is taken on 127.0.0.1; pass a free port, or 0 to let imgbench pick one`,
    );
  }
}
