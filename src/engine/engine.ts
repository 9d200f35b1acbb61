import type { Readable } from 'node:stream';
import type { BuildTranscript } from './build-transcript.js';
import type { LayerSize } from './layer-sizes.js';
import type { Listener } from './listeners.js';

/** Facts about the engine, recorded in every run. */
export interface EngineInfo {
  /** Where it was reached: `unix:///var/run/docker.sock` or the DOCKER_HOST value. */
  endpoint: string;
  serverVersion: string;
  apiVersion: string;
  os: string;
  arch: string;
  kernelVersion: string;
  storageDriver: string;
  cgroupVersion: string;
  cgroupDriver: string;
  dockerRootDir: string;
  cpus: number;
  memTotalBytes: number;
  /** Whether the API accepts BuildKit builds; imgbench asks for BuildKit on every build. */
  buildkit: boolean;
  /**
   * Where the engine keeps images: `classic` (graph drivers such as overlay2) or
   * `containerd` (the containerd image store, Docker 24+'s snapshotters).
   * Absent in runs written before it was recorded.
   */
  imageStore?: ImageStore;
}

export type ImageStore = 'classic' | 'containerd';
export const IMAGE_STORES: readonly ImageStore[] = ['classic', 'containerd'];

/**
 * The engine's image store; for a run written before it was recorded, read
 * from the driver (the containerd store reports its snapshotter, `overlayfs`).
 */
export function imageStoreOfInfo(engine: EngineInfo): ImageStore {
  return engine.imageStore ?? (engine.storageDriver === 'overlayfs' ? 'containerd' : 'classic');
}

/** The engine as footers and compare name it: `dockerd 26.1.5, containerd image store`. */
export function engineName(engine: EngineInfo): string {
  return `dockerd ${engine.serverVersion}, ${imageStoreOfInfo(engine)} image store`;
}

export interface ImageDetails {
  id: string;
  repoTags: string[];
  /** `name@sha256:…` for an image pulled from a registry; empty for one built here. */
  repoDigests: string[];
  /** Bytes, exactly as `docker image inspect --format '{{.Size}}'`. */
  sizeBytes: number;
  layerCount: number;
  /** The layers' diff_ids (`sha256:…`), bottom first; absent from fakes that do not say. */
  layerDigests?: string[];
  labels: Record<string, string>;
  entrypoint: string[];
  cmd: string[];
  workingDir: string;
  /** The image's ENV, `NAME=value` each (absent from fakes that do not say). */
  env?: string[];
  user: string;
  created: string;
  /** TCP ports the image's EXPOSE lines name (absent from fakes that do not say). */
  exposedPorts?: number[];
}

export interface BuildRequest {
  /** A tar stream of the build context. */
  context: Readable;
  /** Path of the Dockerfile inside the context. */
  dockerfile: string;
  tag: string;
  buildArgs?: Record<string, string>;
  labels?: Record<string, string>;
  /** Bypass BuildKit's cache. @default false */
  noCache?: boolean;
  /** The network of the build's RUN steps: `host` reaches a module proxy on the host's loopback. @default the engine's default bridge */
  networkMode?: 'host';
  timeoutMs: number;
}

export interface BuildOutcome {
  imageId: string;
  durationMs: number;
  transcript: BuildTranscript;
}

export interface ImageFile {
  /** Bytes of the file as stored in the image. */
  sizeBytes: number;
  /** The first bytes of the file, up to the length asked for. */
  head: Buffer;
  /** The path read after following symbolic links. */
  resolvedPath: string;
}

/** One entry of an image's filesystem. */
export interface ImageEntry {
  /** Absolute path, e.g. `/etc/passwd`. */
  path: string;
  type: 'file' | 'directory' | 'symlink' | 'other';
  /** Permission bits including setuid (0o4000), setgid (0o2000) and sticky (0o1000). */
  mode: number;
  sizeBytes: number;
  linkTarget?: string;
}

/** An image's whole filesystem listed, with the contents of the files asked for. */
export interface ImageFiles {
  entries: ImageEntry[];
  contents: Map<string, Buffer>;
}

export interface ContainerSpec {
  image: string;
  labels: Record<string, string>;
  /** Container port to publish on 127.0.0.1:`hostPort`; none published without it. */
  containerPort?: number;
  hostPort?: number;
  /** Replaces the image's CMD. */
  cmd?: string[];
  /** `NAME=value` entries added to the image's environment. */
  env?: string[];
  /** No network at all (for a process that needs none). @default false */
  networkDisabled?: boolean;
  /** Hard memory limit in bytes. */
  memoryBytes: number;
  pidsLimit: number;
}

/** What a pull did, from the engine's progress stream. */
export interface PullOutcome {
  /** Request sent → progress stream ended (the image is ready), ms: what `time docker pull` shows. */
  durationMs: number;
  /**
   * Request sent → the last layer's bytes all arrived ("Download complete", or the status
   * after it when dockerd skipped that one), ms; the rest is extraction.
   */
  transferMs: number;
  /** Layers the engine fetched. */
  layersPulled: number;
  /** Layers the engine reported as already there; a cold pull has none. */
  layersPresent: number;
}

export interface ContainerState {
  running: boolean;
  /** Host pid of the container's first process (0 when not running). */
  pid: number;
  exitCode: number;
  oomKilled: boolean;
  /** The runtime's error, e.g. `exec format error` or `no such file or directory`. */
  error: string;
  /** The container's address on its bridge, empty when it has none (not running, host network). */
  ipAddress?: string;
}

/**
 * The small interface through which everything in imgbench talks to Docker.
 * `DockerEngine` implements it with dockerode; unit tests use a fake.
 */
/**
 * The time an engine's operations are measured on, and waited on: the host's
 * own for a real engine; a virtual one in the unit tests' fake, whose
 * scripted durations are read, not slept.
 */
export interface Clock {
  /** ms, as performance.now(). */
  now(): number;
  /** Resolves after `ms` of this clock. */
  sleep(ms: number): Promise<void>;
}

/** The host's clock. */
export const HOST_CLOCK: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface Engine {
  /** The clock its containers' timings are read on. @default HOST_CLOCK */
  readonly clock?: Clock;
  info(): Promise<EngineInfo>;
  /** Builds with BuildKit; rejects with `BuildError` (carrying the failing step's output) on failure. */
  build(request: BuildRequest): Promise<BuildOutcome>;
  inspectImage(ref: string): Promise<ImageDetails | undefined>;
  /**
   * Reads a file from an image without running it (scratch has nothing to run
   * `cat` with), through a container that is created, never started, and
   * removed; `labels` go on that container.
   */
  readImageFile(
    ref: string,
    path: string,
    headBytes: number,
    labels?: Record<string, string>,
  ): Promise<ImageFile | undefined>;
  /**
   * Lists every file of an image (through a container that is created, never
   * started, exported and removed) and reads the files `want` picks.
   */
  scanImageFiles(
    ref: string,
    want: (path: string) => boolean,
    labels?: Record<string, string>,
  ): Promise<ImageFiles>;
  /**
   * The image's layers with their uncompressed tar sizes, read from the
   * `docker save` stream: the same bytes on every engine and image store.
   */
  layerSizes(ref: string): Promise<LayerSize[]>;
  /** Removes a tag or image; `force` also removes an image that several tags name. */
  removeImage(ref: string, options?: { force?: boolean }): Promise<void>;
  /**
   * Removes the BuildKit cache mounts (`RUN --mount=type=cache`) whose
   * description (`cached mount /go/pkg/mod from exec /bin/sh -c …`) contains
   * `mark`, and nothing else of the build cache; returns how many went.
   */
  removeCacheMounts(mark: string): Promise<number>;
  /** Gives the image `source` the extra name `target` (`host:port/repo:tag`). */
  tagImage(source: string, target: string): Promise<void>;
  /** Pushes `ref` to the registry its name points at; returns the manifest digest the engine reports. */
  pushImage(ref: string, timeoutMs: number): Promise<{ durationMs: number; digest: string }>;
  pullImage(ref: string, timeoutMs: number): Promise<PullOutcome>;
  /**
   * Asks the engine for `ref`'s manifest from its registry, through the
   * engine's own registry settings (mirrors included), without pulling:
   * undefined when the registry answered within `timeoutMs`, else why not.
   */
  registryAnswers(ref: string, timeoutMs: number): Promise<string | undefined>;
  /** Creates (does not start) a container; returns its id. */
  createContainer(spec: ContainerSpec): Promise<string>;
  /** Starts a created container; rejects with the runtime's error when it cannot run. */
  startContainer(id: string): Promise<void>;
  inspectContainer(id: string): Promise<ContainerState>;
  /**
   * The TCP sockets a running container listens on, or undefined when they
   * cannot be read from here (an engine on another host).
   */
  listeningSockets(id: string): Promise<Listener[] | undefined>;
  /** The last `lines` lines of stdout and stderr. */
  containerLogs(id: string, lines: number): Promise<string>;
  /** Force-removes a container and its anonymous volumes; a missing one is not an error. */
  removeContainer(id: string): Promise<void>;
  /** Every container, running or not, whose labels match every `key=value` given (all for `{}`). */
  listContainers(labels: Record<string, string>): Promise<string[]>;
  /** Images whose labels match every `key=value` given (all images for `{}`). */
  listImages(labels: Record<string, string>): Promise<Array<{ id: string; repoTags: string[] }>>;
}
