import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { imageStoreOf } from '../../src/engine/docker-engine.js';
import { normalizeRunOptions } from '../../src/metrics/run-options.js';
import {
  checkDiskSpace,
  checkEngineBuilds,
  loopbackPortTaken,
  olderThan,
  preflight,
} from '../../src/run/preflight.js';
import { memoryDataRootBytes } from '../../src/second-engine/isolated-engine.js';

let server: Server | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

function listen(): Promise<number> {
  return new Promise((resolve) => {
    server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server?.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
}

describe('checks before the first build', () => {
  it('refuses a registry port that something already listens on', async () => {
    const port = await listen();
    expect(await loopbackPortTaken(port)).toBe(true);
    await expect(preflight(normalizeRunOptions({ registryPort: port }), true)).rejects.toThrow(
      `\`--registry-port\` ${port} is taken on 127.0.0.1; pass a free port, or 0 to let imgbench pick one`,
    );
  });

  it('accepts a free port, and any port when nothing is pulled', async () => {
    const port = await listen();
    server?.close();
    server = undefined;
    await new Promise((r) => setTimeout(r, 10));
    expect(await loopbackPortTaken(port)).toBe(false);
    await expect(preflight(normalizeRunOptions({ registryPort: port }), true)).resolves.toBe(
      undefined,
    );
    const taken = await listen();
    await expect(
      preflight(normalizeRunOptions({ registryPort: taken, metrics: ['size', 'build'] }), true),
    ).resolves.toBe(undefined);
  });

  it('says that pull, startup and memory need root, before anything is built', async () => {
    await expect(
      preflight(normalizeRunOptions({ metrics: ['size', 'startup'] }), false),
    ).rejects.toThrow(
      'startup runs on a second dockerd, which needs root; run imgbench as root or measure only size and build (`--metrics size,build`)',
    );
    await expect(preflight(normalizeRunOptions({ metrics: ['size'] }), false)).resolves.toBe(
      undefined,
    );
  });

  it('refuses a nearly full disk in one line that names the folder, and skips a remote engine’s', async () => {
    await expect(
      checkDiskSpace('/var/lib/docker', async (path) =>
        path === '/var/lib/docker' ? 1.2e9 : 50e9,
      ),
    ).rejects.toThrow(
      'Only 1.2 GB free under `/var/lib/docker` (the engine’s data root); a run needs 3 GB: free some (`docker system prune`) and run again',
    );
    await expect(
      checkDiskSpace('/var/lib/docker', async (path) =>
        path === '/var/lib/docker' ? 50e9 : 0.3e9,
      ),
    ).rejects.toThrow(/^Only 0\.3 GB free under `.+` \(the temp dir\); a run needs 1 GB/);
    await expect(
      checkDiskSpace('/remote/docker', async (path) =>
        path === '/remote/docker' ? undefined : 50e9,
      ),
    ).resolves.toBe(undefined);
  });

  it('refuses to pull into memory when less than 4 GiB is free', () => {
    expect(() => memoryDataRootBytes(3 * 1024 ** 3)).toThrow(
      'Only 3.0 GiB of memory is free, too little to pull into memory; pass `--pull-storage disk`',
    );
    expect(memoryDataRootBytes(8 * 1024 ** 3)).toBe(4 * 1024 ** 3);
  });
});

describe('an engine that cannot build from a tar context', () => {
  const engine = (serverVersion: string, imageStore: 'classic' | 'containerd') => ({
    endpoint: 'unix:///x.sock',
    serverVersion,
    apiVersion: '1.45',
    os: 'Debian',
    arch: 'amd64',
    kernelVersion: '6.1',
    storageDriver: imageStore === 'containerd' ? 'overlayfs' : 'overlay2',
    cgroupVersion: '1',
    cgroupDriver: 'cgroupfs',
    dockerRootDir: '/var/lib/docker',
    cpus: 2,
    memTotalBytes: 2 ** 34,
    buildkit: true,
    imageStore,
  });

  it('is refused before any build, in one line naming the engine and what works', () => {
    expect(() => checkEngineBuilds(engine('26.1.5+dfsg1', 'containerd'))).toThrow(
      /^dockerd 26\.1\.5\+dfsg1, containerd image store cannot build from a tar context \(moby\/moby#47717, fixed in Docker 27\.5\.0\); build on its classic store .*, or on Docker 27\.5\.0\+$/,
    );
    // The last release without the fix (moby/moby#49194 shipped in 27.5.0).
    expect(() => checkEngineBuilds(engine('27.4.1', 'containerd'))).toThrow(
      /^dockerd 27\.4\.1, containerd image store cannot build from a tar context/,
    );
  });

  it('lets the classic store and Docker 27.5+ with the containerd store build', () => {
    expect(() => checkEngineBuilds(engine('26.1.5+dfsg1', 'classic'))).not.toThrow();
    expect(() => checkEngineBuilds(engine('27.5.0', 'containerd'))).not.toThrow();
    expect(() => checkEngineBuilds(engine('27.5.1', 'containerd'))).not.toThrow();
    expect(() => checkEngineBuilds(engine('28.0.1', 'containerd'))).not.toThrow();
    expect(() => checkEngineBuilds(engine('29.1.0', 'containerd'))).not.toThrow();
    expect(() => checkEngineBuilds(engine('100.0.0', 'containerd'))).not.toThrow();
  });

  it('compares versions by major, then minor, and never refuses a version it cannot read', () => {
    expect(olderThan('27.4.1', '27.5')).toBe(true);
    expect(olderThan('26.10.0', '27.5')).toBe(true);
    expect(olderThan('27.10.0', '27.5')).toBe(false);
    expect(olderThan('28.0.0', '27.5')).toBe(false);
    expect(olderThan('dev', '27.5')).toBe(false);
  });

  it('reads the store from docker info: the containerd store reports its snapshotter', () => {
    expect(
      imageStoreOf({
        Driver: 'overlayfs',
        DriverStatus: [['driver-type', 'io.containerd.snapshotter.v1']],
      }),
    ).toBe('containerd');
    expect(
      imageStoreOf({ Driver: 'overlay2', DriverStatus: [['Backing Filesystem', 'extfs']] }),
    ).toBe('classic');
  });
});
