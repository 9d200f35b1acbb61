import { access, mkdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { freemem } from 'node:os';
import { dirname, join } from 'node:path';
import { DockerEngine } from '../engine/docker-engine.js';
import type { Engine, ImageStore } from '../engine/engine.js';
import { errorMessage, ImgbenchError, UsageError } from '../errors.js';
import { BackgroundProcess } from '../exec/background-process.js';
import { runCommand, which } from '../exec/run-command.js';

/** How long a fresh dockerd may take to answer on its socket. @default 60 s */
export const ISOLATED_ENGINE_START_TIMEOUT_MS = 60_000;

/**
 * Layers dockerd downloads at once. @default 3, Docker's own default. A layer
 * is extracted only once it is complete and in order, so on a slow link
 * parallel downloads, which share its bandwidth, hold back the first
 * extraction; with 1, extraction overlaps the next layer's download.
 */
export const DOCKER_CONCURRENT_DOWNLOADS = 3;

/**
 * Where the isolated engine keeps images and layers. `memory` (the default): a
 * tmpfs of the run's own, so that a pull times the network, decompression and
 * extraction without the host disk's writeback, which on shared virtual disks
 * varies by more than the figure being measured (the same 240 MB pull read
 * 10–25 s on disk, 8.1–9.6 s on tmpfs). `disk`: a folder on the build
 * engine's disk, as a node pulls.
 */
export type PullStorage = 'disk' | 'memory';
export const PULL_STORAGES: readonly PullStorage[] = ['memory', 'disk'];
export const DEFAULT_PULL_STORAGE: PullStorage = 'memory';

/**
 * The `memory` data root may fill half of the memory free at start; tmpfs
 * takes RAM only for what is written, and an engine emptied before every
 * pull holds one image at a time.
 */
export const MEMORY_DATA_ROOT_SHARE = 0.5;
/** Below this much free memory `memory` storage is refused. @default 2 GiB */
export const MEMORY_DATA_ROOT_MIN_BYTES = 2 * 1024 ** 3;

export interface IsolatedEngineOptions {
  /** @default DOCKER_CONCURRENT_DOWNLOADS */
  maxConcurrentDownloads?: number;
  /** @default DEFAULT_PULL_STORAGE */
  storage?: PullStorage;
  /** Settings for its own config file (e.g. `registry-mirrors`); none that a flag above sets. @default {} */
  config?: Record<string, unknown>;
  /**
   * The dockerd to run; the containerd, shim and runc beside it are used
   * first when there. @default the dockerd on PATH
   */
  dockerd?: string;
  /** `containerd`: the containerd image store (`features.containerd-snapshotter`). @default 'classic' */
  imageStore?: ImageStore;
}

/** The size of the `memory` data root for `free` bytes of free memory; refuses too little. */
export function memoryDataRootBytes(free = freemem()): number {
  const bytes = Math.floor(free * MEMORY_DATA_ROOT_SHARE);
  if (bytes < MEMORY_DATA_ROOT_MIN_BYTES) {
    throw new UsageError(
      `Only ${(free / 1024 ** 3).toFixed(1)} GiB of memory is free, too little to pull into memory; pass \`--pull-storage disk\``,
    );
  }
  return bytes;
}

async function mountTmpfs(dir: string): Promise<void> {
  const bytes = memoryDataRootBytes();
  const result = await runCommand(
    'mount',
    ['-t', 'tmpfs', '-o', `size=${bytes},mode=0710`, 'imgbench-pull', dir],
    { timeoutMs: 10_000 },
  );
  if (result.exitCode !== 0) {
    throw new ImgbenchError(
      'E_HOST',
      `Could not mount a tmpfs for the isolated engine at ${dir}: ${result.stderr.trim()}`,
    );
  }
}

/** Parent of each isolated engine's exec root, pid file and socket. */
export const ISOLATED_ROOT_DIR = '/run/imgbench';
/** Parent of each isolated engine's data root. */
export const ISOLATED_DATA_DIR = '/var/lib/imgbench';

/** A bridge of the run's own, so the second engine never touches `docker0`. */
export interface BridgeSpec {
  /** At most 15 characters (a Linux interface name). */
  name: string;
  /** The host's address on it, with prefix: `10.213.N.1/24`. */
  address: string;
}

/**
 * The bridge for a run: `imgbench-<last 4 of the run id>` and a 10.213.N.0/24
 * that no route of the host already covers.
 */
export function chooseBridge(runId: string, routes: string, random = Math.random): BridgeSpec {
  const name = `imgbench-${runId.slice(-4)}`;
  for (let attempt = 0; attempt < 64; attempt++) {
    const n = 1 + Math.floor(random() * 254);
    if (!routes.includes(`10.213.${n}.`)) return { name, address: `10.213.${n}.1/24` };
  }
  throw new ImgbenchError(
    'E_HOST',
    'No free 10.213.N.0/24 subnet for the isolated engine’s bridge',
  );
}

/**
 * The second dockerd's command line. Its own data root, exec root, pid file
 * and socket; no iptables rules and no forwarding changes; and a bridge of its
 * own: with `--bridge none` dockerd deletes the host's `docker0` at start,
 * which breaks the build engine's containers.
 */
export function isolatedDockerdArgs(
  root: string,
  dataRoot: string,
  bridge: string,
  runId: string,
  maxConcurrentDownloads = DOCKER_CONCURRENT_DOWNLOADS,
): string[] {
  return [
    // A config file of its own, so that nothing of the host's /etc/docker/daemon.json
    // (hosts, data-root, mirrors, limits) reaches it or clashes with these flags.
    '--config-file',
    join(root, 'daemon.json'),
    // A containerd of its own, not the host's (/run/containerd) where one runs.
    '--containerd',
    containerdSocket(root),
    '--data-root',
    dataRoot,
    '--exec-root',
    join(root, 'exec'),
    '--pidfile',
    join(root, 'dockerd.pid'),
    '--host',
    `unix://${join(root, 'docker.sock')}`,
    '--bridge',
    bridge,
    '--iptables=false',
    '--ip-masq=false',
    '--ip-forward=false',
    '--containerd-namespace',
    `imgbench-${runId}`,
    '--containerd-plugins-namespace',
    `imgbench-${runId}-plugins`,
    '--max-concurrent-downloads',
    String(maxConcurrentDownloads),
    '--log-level',
    'warn',
  ];
}

/** The isolated engine's own containerd: its socket under the engine's root. */
export const containerdSocket = (root: string): string =>
  join(root, 'containerd', 'containerd.sock');

/**
 * The config of the isolated engine's containerd: state under the engine's
 * root, content and snapshots under its data root (as dockerd lays out the
 * containerd it starts itself), no CRI plugin, nothing from /etc/containerd.
 */
export function containerdConfig(root: string, dataRoot: string): string {
  const socket = containerdSocket(root);
  return [
    'version = 2',
    `root = ${JSON.stringify(join(dataRoot, 'containerd', 'daemon'))}`,
    `state = ${JSON.stringify(join(root, 'containerd', 'daemon'))}`,
    'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
    '[grpc]',
    `  address = ${JSON.stringify(socket)}`,
    '[ttrpc]',
    `  address = ${JSON.stringify(`${socket}.ttrpc`)}`,
    '[debug]',
    `  address = ${JSON.stringify(join(root, 'containerd', 'debug.sock'))}`,
    '[plugins."io.containerd.internal.v1.opt"]',
    `  path = ${JSON.stringify(join(dataRoot, 'containerd', 'opt'))}`,
    '',
  ].join('\n');
}

/**
 * The second dockerd's config file: what the caller sets (mirrors, say) and,
 * for the containerd image store, `features.containerd-snapshotter`; every
 * other setting is a flag (see isolatedDockerdArgs).
 */
export function daemonSettings(
  config: Record<string, unknown>,
  imageStore: ImageStore,
): Record<string, unknown> {
  if (imageStore !== 'containerd') return config;
  const features = {
    ...(config.features as Record<string, unknown>),
    'containerd-snapshotter': true,
  };
  return { ...config, features };
}

/**
 * Where a dockerd's own containerd and shim are: beside it (Docker's static
 * bundle), or in the `bin` beside its `sbin` (a Debian package unpacked).
 */
export function ownFolders(dockerd: string): string[] {
  const dir = dirname(dockerd);
  return dir.endsWith('/sbin') ? [dir, join(dirname(dir), 'bin')] : [dir];
}

/** Starts the isolated engine's containerd and waits for its socket. */
async function startContainerd(
  dockerd: string,
  root: string,
  dataRoot: string,
  env: Record<string, string>,
): Promise<BackgroundProcess> {
  // Found on the PATH dockerd gets: its own containerd first, then the host's.
  const binary = (await which('containerd', env.PATH)) ?? join(dirname(dockerd), 'containerd');
  const dir = join(root, 'containerd');
  await mkdir(dir, { recursive: true });
  const config = join(dir, 'containerd.toml');
  await writeFile(config, containerdConfig(root, dataRoot));
  const daemon = BackgroundProcess.start(
    binary,
    ['--config', config, '--log-level', 'warn'],
    join(root, 'containerd.log'),
    env,
  );
  await daemon.waitUntilReady(() => access(containerdSocket(root)).then(() => true), {
    timeoutMs: ISOLATED_ENGINE_START_TIMEOUT_MS,
    intervalMs: 100,
    exited: () =>
      new ImgbenchError(
        'E_HOST',
        `The isolated engine's containerd exited with code ${daemon.exitCode}: ${daemon.logTail(5)}`,
      ),
    timedOut: () =>
      new ImgbenchError(
        'E_HOST',
        `The isolated engine's containerd made no socket at ${containerdSocket(root)} within ${ISOLATED_ENGINE_START_TIMEOUT_MS / 1000} s; log: ${daemon.logFile}`,
      ),
  });
  return daemon;
}

async function ip(args: string[]): Promise<void> {
  const result = await runCommand('ip', args, { timeoutMs: 10_000 });
  if (result.exitCode !== 0) {
    throw new ImgbenchError(
      'E_HOST',
      `\`ip ${args.join(' ')}\` failed: ${result.stderr.trim() || result.stdout.trim()}`,
    );
  }
}

/** Deletes a run's bridge (and with it the veths still on it). */
export async function deleteBridge(name: string): Promise<void> {
  await ip(['link', 'del', name]);
}

/** Mount points at or under `dir`, deepest first (what a killed dockerd leaves mounted). */
async function mountsUnder(dir: string): Promise<string[]> {
  const table = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  return table
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((point) => point === dir || point.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

/**
 * A clean Docker engine beside the build engine, for cold pulls and for
 * running the service: no image, no BuildKit cache, nothing in common with
 * the engine that built the variants. Needs root (it makes a bridge).
 */
export class IsolatedEngine {
  /** Replaceable by a wrapper (the bench times every engine call). */
  engine: Engine;
  /** Sockets, pid file, log and the runtime's state: `/run/imgbench/<run id>`. */
  readonly root: string;
  /** Images and layers: `/var/lib/imgbench/<run id>`, a tmpfs with `memory` storage. */
  readonly dataRoot: string;
  readonly storage: PullStorage;
  readonly bridge: BridgeSpec;
  /** Its own dockerd config file: `{}` (every setting imgbench makes is a flag) and what `config` adds. */
  readonly configFile: string;
  readonly containerdSocket: string;
  readonly maxConcurrentDownloads: number;
  readonly dockerd: string;
  readonly #process: BackgroundProcess;
  readonly #containerd: BackgroundProcess;

  private constructor(
    engine: Engine,
    paths: { root: string; dataRoot: string },
    storage: PullStorage,
    bridge: BridgeSpec,
    maxConcurrentDownloads: number,
    processes: { dockerd: BackgroundProcess; containerd: BackgroundProcess },
    dockerd: string,
  ) {
    this.dockerd = dockerd;
    this.engine = engine;
    this.root = paths.root;
    this.dataRoot = paths.dataRoot;
    this.storage = storage;
    this.bridge = bridge;
    this.configFile = join(paths.root, 'daemon.json');
    this.containerdSocket = containerdSocket(paths.root);
    this.maxConcurrentDownloads = maxConcurrentDownloads;
    this.#process = processes.dockerd;
    this.#containerd = processes.containerd;
  }

  get pid(): number {
    return this.#process.pid;
  }

  /** How the process ended, when it has: `was killed by SIGKILL`. */
  get exitDescription(): string | undefined {
    return this.#process.exitDescription;
  }

  get socket(): string {
    return join(this.root, 'docker.sock');
  }

  /** Starts dockerd under `/run/imgbench/<run id>` (short: unix socket paths are limited to 107 bytes). */
  static async start(
    runId: string,
    {
      maxConcurrentDownloads = DOCKER_CONCURRENT_DOWNLOADS,
      storage = DEFAULT_PULL_STORAGE,
      config = {},
      dockerd: chosenDockerd,
      imageStore = 'classic',
    }: IsolatedEngineOptions = {},
  ): Promise<IsolatedEngine> {
    if (process.getuid?.() !== 0) {
      throw new UsageError(
        'pull, startup and memory run on a second dockerd, which needs root; run imgbench as root or leave those metrics out (`--metrics size,build`)',
      );
    }
    const dockerd = chosenDockerd ?? (await which('dockerd')) ?? '/usr/sbin/dockerd';
    // Its own folders first: a dockerd unpacked with its containerd and shim uses those.
    const env = {
      PATH: [...ownFolders(dockerd), process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin'].join(':'),
    };
    const root = join(ISOLATED_ROOT_DIR, runId);
    // Not under /run, which is often a tmpfs of limited size: with `disk` storage
    // pulls write to the disk, as a node's do; with `memory` a tmpfs of its own
    // is mounted here.
    const dataRoot = join(ISOLATED_DATA_DIR, runId);
    await mkdir(root, { recursive: true });
    await mkdir(dataRoot, { recursive: true });
    if (storage === 'memory') {
      await mountTmpfs(dataRoot).catch(async (error) => {
        await unmountAndRemove(dataRoot);
        await unmountAndRemove(root);
        throw error;
      });
    }
    const routes = (await runCommand('ip', ['-4', 'route', 'show'], { timeoutMs: 10_000 })).stdout;
    const bridge = chooseBridge(runId, routes);
    await ip(['link', 'add', bridge.name, 'type', 'bridge']);
    let daemon: BackgroundProcess | undefined;
    let containerd: BackgroundProcess | undefined;
    try {
      await ip(['addr', 'add', bridge.address, 'dev', bridge.name]);
      await ip(['link', 'set', bridge.name, 'up']);
      const settings = daemonSettings(config, imageStore);
      await writeFile(join(root, 'daemon.json'), `${JSON.stringify(settings)}\n`);
      containerd = await startContainerd(dockerd, root, dataRoot, env);
      daemon = BackgroundProcess.start(
        dockerd,
        isolatedDockerdArgs(root, dataRoot, bridge.name, runId, maxConcurrentDownloads),
        join(root, 'dockerd.log'),
        env,
      );
      const engine = await connectWhenReady(join(root, 'docker.sock'), daemon);
      return new IsolatedEngine(
        engine,
        { root, dataRoot },
        storage,
        bridge,
        maxConcurrentDownloads,
        { dockerd: daemon, containerd },
        dockerd,
      );
    } catch (error) {
      await daemon?.stop();
      await containerd?.stop();
      await deleteBridge(bridge.name).catch(() => {});
      await unmountAndRemove(dataRoot);
      await unmountAndRemove(root);
      throw error;
    }
  }

  /**
   * Removes every container and image, then checks that none is left: each
   * pull sample starts from an engine with nothing in it (layers are not
   * kept once no image uses them). Then, with `disk` storage, `sync`: the
   * deleted layers' writes and discards would otherwise compete with the next
   * pull for the disk (a 700 MB pull read 11 s on a quiet disk and 19 s right
   * after a deletion).
   */
  async empty(): Promise<void> {
    for (const id of await this.engine.listContainers({})) await this.engine.removeContainer(id);
    for (const image of await this.engine.listImages({})) {
      await this.engine.removeImage(image.id, { force: true });
    }
    const left = await this.engine.listImages({});
    if (left.length > 0) {
      throw new ImgbenchError(
        'E_HOST',
        `The isolated engine still holds ${left.length} image(s) after emptying: ${left.map((i) => i.repoTags[0] ?? i.id).join(', ')}`,
      );
    }
    if (this.storage === 'disk') await runCommand('sync', [], { timeoutMs: 120_000 });
  }

  /** Stops dockerd, then its containerd, deletes its bridge and its files. */
  async stop(): Promise<void> {
    await this.#process.stop();
    await this.#containerd.stop();
    await deleteBridge(this.bridge.name).catch(() => {});
    await unmountAndRemove(this.dataRoot);
    await unmountAndRemove(this.root);
  }
}

/** Unmounts whatever is mounted at or under `root`, deletes it, and its parent once empty. */
export async function unmountAndRemove(root: string): Promise<void> {
  for (const point of await mountsUnder(root)) {
    await runCommand('umount', ['-l', point], { timeoutMs: 10_000 });
  }
  await rm(root, { recursive: true, force: true });
  // The parent /run/imgbench goes too once no run uses it.
  await rmdir(dirname(root)).catch(() => {});
}

function connectWhenReady(socketPath: string, daemon: BackgroundProcess): Promise<Engine> {
  return daemon.waitUntilReady(() => DockerEngine.connect({ socketPath, timeoutMs: 2_000 }), {
    timeoutMs: ISOLATED_ENGINE_START_TIMEOUT_MS,
    intervalMs: 200,
    exited: () =>
      new ImgbenchError(
        'E_HOST',
        `The isolated dockerd exited with code ${daemon.exitCode}: ${daemon.logTail(5)}`,
      ),
    timedOut: (last) =>
      new ImgbenchError(
        'E_HOST',
        `The isolated dockerd did not answer on ${socketPath} within ${ISOLATED_ENGINE_START_TIMEOUT_MS / 1000} s (${errorMessage(last)}); log: ${daemon.logFile}`,
      ),
  });
}
