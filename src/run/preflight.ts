import { statfs } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { type EngineInfo, engineName, imageStoreOfInfo } from '../engine/engine.js';
import { UsageError } from '../errors.js';
import { SECOND_ENGINE_METRICS } from '../metrics/registry.js';
import type { RunOptions } from '../metrics/run-options.js';
import { memoryDataRootBytes } from '../second-engine/isolated-engine.js';
import { checkOutDir } from './out-dir.js';

/** Free space a run needs on the engine's data root: builds, build-metric images, pushes. @default 3 GB */
export const MIN_ENGINE_FREE_BYTES = 3e9;
/** Free space a run needs in the temp dir: build contexts and the registry's storage. @default 1 GB */
export const MIN_TMP_FREE_BYTES = 1e9;

/** Bytes free to a non-root writer at `path`, or undefined when it is not on this host. */
async function freeBytes(path: string): Promise<number | undefined> {
  try {
    const stats = await statfs(path);
    return stats.bavail * stats.bsize;
  } catch {
    return undefined;
  }
}

/**
 * Refuses a disk that is nearly full before the first build, rather than a
 * build failing halfway with "no space left on device". `dockerRootDir` is
 * skipped when it is not on this host (a remote engine).
 */
export async function checkDiskSpace(
  dockerRootDir: string,
  free: (path: string) => Promise<number | undefined> = freeBytes,
): Promise<void> {
  for (const [path, need, what] of [
    [dockerRootDir, MIN_ENGINE_FREE_BYTES, 'the engine’s data root'],
    [tmpdir(), MIN_TMP_FREE_BYTES, 'the temp dir'],
  ] as const) {
    const bytes = await free(path);
    if (bytes !== undefined && bytes < need) {
      throw new UsageError(
        `Only ${(bytes / 1e9).toFixed(1)} GB free under \`${path}\` (${what}); a run needs ${need / 1e9} GB: free some (\`docker system prune\`) and run again`,
      );
    }
  }
}

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
 * The first Docker whose containerd image store builds from a tar context:
 * moby/moby#49178, backported to 27.x as moby/moby#49194 and released in 27.5.0.
 */
export const CONTAINERD_STORE_TAR_BUILDS_FROM = '27.5';

/** An engine's version as [major, minor], read from its leading digits ("26.1.5+dfsg1" → [26, 1]). */
function majorMinor(version: string): [number, number] | undefined {
  const found = /^(\d+)\.(\d+)/.exec(version);
  return found ? [Number(found[1]), Number(found[2])] : undefined;
}

/** Whether a version is older than a "major.minor" one; an unreadable version is not. */
export function olderThan(version: string, than: string): boolean {
  const [a, b] = [majorMinor(version), majorMinor(than)];
  if (!a || !b) return false;
  return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
}

/**
 * dockerd before 27.5 with the containerd image store fails every `POST /build`
 * whose context is a tar (moby/moby#47717: it looks up a `build-context-…`
 * host and reports a DNS error). Said before any build, in one line, rather
 * than shown as each variant's build error.
 */
export function tarBuildProblem(engine: EngineInfo): { problem: string; fix: string } | undefined {
  if (
    imageStoreOfInfo(engine) !== 'containerd' ||
    !olderThan(engine.serverVersion, CONTAINERD_STORE_TAR_BUILDS_FROM)
  ) {
    return undefined;
  }
  return {
    problem: `${engineName(engine)} cannot build from a tar context (moby/moby#47717, fixed in Docker ${CONTAINERD_STORE_TAR_BUILDS_FROM}.0)`,
    fix: `build on its classic store (\`"features": {"containerd-snapshotter": false}\` in daemon.json), or on Docker ${CONTAINERD_STORE_TAR_BUILDS_FROM}.0+`,
  };
}

/** Stops a run on such an engine before its first build, in one line (see tarBuildProblem). */
export function checkEngineBuilds(engine: EngineInfo): void {
  const found = tarBuildProblem(engine);
  if (found) throw new UsageError(`${found.problem}; ${found.fix}`);
}

/**
 * What can be known to fail before the first build: the stage that pulls
 * comes minutes later, and a user should not wait for it to hear that it
 * needs root or that the registry's port is taken.
 */
export async function preflight(
  options: RunOptions,
  /** Whether the run can start its second engine: root, for the host's. */
  canStartEngine = process.getuid?.() === 0,
): Promise<void> {
  await checkOutDir(options.outDir);
  const isolated = options.metrics.filter((m) => SECOND_ENGINE_METRICS.includes(m));
  if (isolated.length === 0) return;
  if (!canStartEngine) {
    throw new UsageError(
      `${isolated.join(', ')} ${isolated.length === 1 ? 'runs' : 'run'} on a second dockerd, which needs root; run imgbench as root or measure only size and build (\`--metrics size,build\`)`,
    );
  }
  if (options.pullStorage === 'memory') memoryDataRootBytes();
  if (options.registryPort !== 0 && (await loopbackPortTaken(options.registryPort))) {
    throw new UsageError(
      `\`--registry-port\` ${options.registryPort} is taken on 127.0.0.1; pass a free port, or 0 to let imgbench pick one`,
    );
  }
}
