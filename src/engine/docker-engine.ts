import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import Docker from 'dockerode';
import { extract } from 'tar-stream';
import { BuildError, EngineError, errorMessage, ImgbenchError } from '../errors.js';
import { tail } from '../exec/run-command.js';
import { TimeoutError } from '../timeouts.js';
import { BuildTranscriptReader, failureHeadline } from './build-transcript.js';
import type {
  BuildOutcome,
  BuildRequest,
  ContainerSpec,
  ContainerState,
  Engine,
  EngineInfo,
  ImageDetails,
  ImageEntry,
  ImageFile,
  ImageFiles,
  ImageStore,
  PullOutcome,
} from './engine.js';
import { managedLabels } from './labels.js';
import { type LayerSize, layerSizesFromSave } from './layer-sizes.js';
import { type Listener, readListeners } from './listeners.js';
import { PullProgressTally } from './pull-progress.js';
import { splitReference } from './reference.js';

/** `version=2` (BuildKit) on `POST /build` exists from API 1.39 on. */
export const BUILDKIT_API_VERSION = '1.39';
/** dockerd 19.03; 20.10 (API 1.41) is the oldest tested. */
export const MIN_API_VERSION = '1.40';
const DEFAULT_SOCKET = '/var/run/docker.sock';
/** How long `connect` waits for the engine to answer `/version`. @default 10 s */
export const CONNECT_TIMEOUT_MS = 10_000;
const ENGINE_FIX =
  'run `bash scripts/setup.sh` (installs docker.io and starts dockerd), or set DOCKER_HOST to an engine that answers';

export function describeEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_HOST ?? `unix://${DEFAULT_SOCKET}`;
}

// dockerode's version() takes an options object with abortSignal; @types/dockerode omits it.
type VersionWithOptions = (opts: { abortSignal: AbortSignal }) => Promise<Docker.DockerVersion>;

function compareApiVersions(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split('.').map(Number);
  const [bMajor = 0, bMinor = 0] = b.split('.').map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

/**
 * The containerd image store reports its snapshotter as the driver
 * (`overlayfs`) with `driver-type io.containerd.snapshotter.v1` in DriverStatus.
 */
export function imageStoreOf(info: Record<string, unknown>): ImageStore {
  const status = Array.isArray(info.DriverStatus) ? (info.DriverStatus as unknown[][]) : [];
  return status.some(
    ([key, value]) =>
      key === 'driver-type' && String(value).startsWith('io.containerd.snapshotter'),
  )
    ? 'containerd'
    : 'classic';
}

function isNotFound(error: unknown): boolean {
  return (error as { statusCode?: number }).statusCode === 404;
}

/**
 * Engine backed by dockerode, reached through DOCKER_HOST or the default
 * socket. This is the only module that imports dockerode.
 */
export class DockerEngine implements Engine {
  readonly endpoint: string;
  readonly #docker: Docker;

  private constructor(docker: Docker, endpoint: string) {
    this.#docker = docker;
    this.endpoint = endpoint;
  }

  /**
   * Connects and checks that the engine answers and is recent enough.
   * Rejects with an `EngineError` that names the endpoint and the fix.
   */
  static async connect(
    options: { timeoutMs?: number; socketPath?: string } = {},
  ): Promise<DockerEngine> {
    const endpoint = options.socketPath ? `unix://${options.socketPath}` : describeEndpoint();
    // docker-modem reads DOCKER_HOST itself; with none it uses the default socket.
    // No modem-wide timeout: it would also cut long build streams that go quiet.
    const docker = options.socketPath
      ? new Docker({ socketPath: options.socketPath })
      : new Docker();
    let version: Docker.DockerVersion;
    const ask = () =>
      (docker.version as unknown as VersionWithOptions).call(docker, {
        abortSignal: AbortSignal.timeout(options.timeoutMs ?? CONNECT_TIMEOUT_MS),
      });
    try {
      // A kept-alive connection to an engine that restarted on the same socket
      // fails once with EPIPE or ECONNRESET; a new one is asked once more.
      version = await ask().catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'EPIPE' || error.code === 'ECONNRESET') return ask();
        throw error;
      });
    } catch (error) {
      throw new EngineError(
        'E_ENGINE_UNREACHABLE',
        `No Docker engine answers at \`${endpoint}\` (${errorMessage(error)})`,
        { cause: error, hint: ENGINE_FIX },
      );
    }
    if (compareApiVersions(version.ApiVersion, MIN_API_VERSION) < 0) {
      throw new EngineError(
        'E_ENGINE_TOO_OLD',
        `The engine at \`${endpoint}\` speaks API ${version.ApiVersion}; imgbench needs ${MIN_API_VERSION} or newer for BuildKit builds`,
        { hint: 'install Docker 19.03 or newer (Debian 12: `apt-get install docker.io`)' },
      );
    }
    return new DockerEngine(docker, endpoint);
  }

  async info(): Promise<EngineInfo> {
    const [info, version] = await Promise.all([
      this.#docker.info() as Promise<Record<string, unknown>>,
      this.#docker.version(),
    ]);
    return {
      endpoint: this.endpoint,
      serverVersion: version.Version,
      apiVersion: version.ApiVersion,
      os: String(info.OperatingSystem ?? version.Os),
      arch: version.Arch,
      kernelVersion: version.KernelVersion,
      storageDriver: String(info.Driver ?? ''),
      cgroupVersion: String(info.CgroupVersion ?? ''),
      cgroupDriver: String(info.CgroupDriver ?? ''),
      dockerRootDir: String(info.DockerRootDir ?? ''),
      cpus: Number(info.NCPU ?? 0),
      memTotalBytes: Number(info.MemTotal ?? 0),
      buildkit: compareApiVersions(version.ApiVersion, BUILDKIT_API_VERSION) >= 0,
      imageStore: imageStoreOf(info),
    };
  }

  async layerSizes(ref: string): Promise<LayerSize[]> {
    const stream = (await this.#docker.getImage(ref).get()) as unknown as Readable;
    return layerSizesFromSave(stream);
  }

  async build(request: BuildRequest): Promise<BuildOutcome> {
    const started = performance.now();
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), request.timeoutMs);
    const reader = new BuildTranscriptReader();
    try {
      const stream = (await this.#docker.buildImage(request.context, {
        t: request.tag,
        dockerfile: request.dockerfile,
        buildargs: request.buildArgs ?? {},
        labels: request.labels ?? {},
        nocache: request.noCache ?? false,
        ...(request.networkMode ? { networkmode: request.networkMode } : {}),
        rm: true,
        forcerm: true,
        version: '2',
        abortSignal: abort.signal,
      } as Docker.ImageBuildOptions)) as Readable;
      let rest = '';
      for await (const chunk of stream) {
        rest = reader.pushText(rest + String(chunk));
      }
      reader.pushText(`${rest}\n`);
    } catch (error) {
      if (abort.signal.aborted) {
        throw new TimeoutError('build', `\`${request.tag}\``, request.timeoutMs, { cause: error });
      }
      throw new BuildError(`Build of \`${request.tag}\` failed: ${errorMessage(error)}`, '', {
        cause: error,
      });
    } finally {
      clearTimeout(timer);
    }
    const transcript = reader.transcript();
    if (transcript.error || !transcript.imageId) {
      const engineError =
        transcript.error ?? `Build of \`${request.tag}\` ended without an image id`;
      throw new BuildError(
        failureHeadline(transcript.failedStepLog, engineError),
        tail(transcript.failedStepLog ?? '', 40),
        { engineError },
      );
    }
    return { imageId: transcript.imageId, durationMs: performance.now() - started, transcript };
  }

  async inspectImage(ref: string): Promise<ImageDetails | undefined> {
    try {
      const image = await this.#docker.getImage(ref).inspect();
      return {
        id: image.Id,
        repoTags: image.RepoTags ?? [],
        repoDigests: image.RepoDigests ?? [],
        sizeBytes: image.Size,
        layerCount: image.RootFS?.Layers?.length ?? 0,
        layerDigests: image.RootFS?.Layers ?? [],
        labels: image.Config?.Labels ?? {},
        entrypoint: toArray(image.Config?.Entrypoint),
        cmd: toArray(image.Config?.Cmd),
        workingDir: image.Config?.WorkingDir ?? '',
        env: image.Config?.Env ?? [],
        user: image.Config?.User ?? '',
        created: image.Created,
        exposedPorts: Object.keys(image.Config?.ExposedPorts ?? {}).flatMap((key) => {
          const [port, protocol = 'tcp'] = key.split('/');
          return protocol === 'tcp' && Number(port) > 0 ? [Number(port)] : [];
        }),
      };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async readImageFile(
    ref: string,
    path: string,
    headBytes: number,
    labels: Record<string, string> = {},
  ): Promise<ImageFile | undefined> {
    return this.#withImageFiles(ref, labels, async (container) => {
      let current = path;
      for (let hops = 0; hops < 8; hops++) {
        const entry = await readArchiveHead(container, current, headBytes);
        if (!entry) return undefined;
        if (entry.linkTarget === undefined) {
          return { sizeBytes: entry.sizeBytes, head: entry.head, resolvedPath: current };
        }
        current = posix.resolve(posix.dirname(current), entry.linkTarget);
      }
      return undefined;
    });
  }

  /**
   * Gives `read` a container of `ref` that is created, never started, and
   * removed after: how an image's files are read without running anything.
   */
  async #withImageFiles<T>(
    ref: string,
    labels: Record<string, string>,
    read: (container: Docker.Container) => Promise<T>,
  ): Promise<T> {
    const container = await this.#docker.createContainer({
      Image: ref,
      // A command is given so that images with none can be created.
      Cmd: ['/imgbench-never-run'],
      Labels: managedLabels('inspect-container', labels),
      NetworkDisabled: true,
    });
    try {
      return await read(container);
    } finally {
      await container.remove({ force: true, v: true });
    }
  }

  async scanImageFiles(
    ref: string,
    want: (path: string) => boolean,
    labels: Record<string, string> = {},
  ): Promise<ImageFiles> {
    return this.#withImageFiles(ref, labels, async (container) =>
      scanTar((await container.export()) as unknown as Readable, want),
    );
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    const port = spec.containerPort === undefined ? undefined : `${spec.containerPort}/tcp`;
    const container = await this.#docker.createContainer({
      Image: spec.image,
      Labels: spec.labels,
      ...(spec.cmd ? { Cmd: spec.cmd } : {}),
      ...(spec.env ? { Env: spec.env } : {}),
      ...(spec.networkDisabled ? { NetworkDisabled: true } : {}),
      ...(port ? { ExposedPorts: { [port]: {} } } : {}),
      HostConfig: {
        // Published on loopback only: nothing of ours listens on other addresses.
        ...(port
          ? { PortBindings: { [port]: [{ HostIp: '127.0.0.1', HostPort: String(spec.hostPort) }] } }
          : {}),
        Memory: spec.memoryBytes,
        PidsLimit: spec.pidsLimit,
        AutoRemove: false,
      },
    });
    return container.id;
  }

  async startContainer(id: string): Promise<void> {
    await this.#docker.getContainer(id).start();
  }

  async inspectContainer(id: string): Promise<ContainerState> {
    const { State, NetworkSettings } = await this.#docker.getContainer(id).inspect();
    // Each network's own address: the top-level NetworkSettings.IPAddress, the
    // default bridge's, is deprecated since API 1.21 and gone from Docker 29.
    const networks = Object.values(NetworkSettings?.Networks ?? {});
    return {
      running: State.Running,
      pid: State.Pid,
      exitCode: State.ExitCode,
      oomKilled: State.OOMKilled,
      error: State.Error ?? '',
      ipAddress: networks.find((n) => n.IPAddress)?.IPAddress ?? '',
    };
  }

  async listeningSockets(id: string): Promise<Listener[] | undefined> {
    // The container's pid names a process of this host only when the engine is on it.
    if (!this.endpoint.startsWith('unix://')) return undefined;
    const { pid } = await this.inspectContainer(id);
    return readListeners(pid);
  }

  async containerLogs(id: string, lines: number): Promise<string> {
    const raw = (await this.#docker.getContainer(id).logs({
      stdout: true,
      stderr: true,
      tail: lines,
      follow: false,
    })) as unknown as Buffer;
    return demuxLogs(raw);
  }

  async removeContainer(id: string): Promise<void> {
    try {
      await this.#docker.getContainer(id).remove({ force: true, v: true });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  async removeImage(ref: string, options: { force?: boolean } = {}): Promise<void> {
    try {
      await this.#docker.getImage(ref).remove({ force: options.force ?? false, noprune: false });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  async removeCacheMounts(mark: string): Promise<number> {
    const df = (await this.#docker.df()) as {
      BuildCache?: Array<{ ID: string; Type: string; Description?: string; InUse?: boolean }>;
    };
    const ours = (df.BuildCache ?? []).filter(
      (r) => r.Type === 'exec.cachemount' && (r.Description ?? '').includes(mark),
    );
    for (const record of ours) {
      // dockerd takes one value per filter; `id` is matched as a pattern, so anchor it.
      await this.#dial({
        path: '/build/prune?',
        method: 'POST',
        options: { all: true, filters: JSON.stringify({ id: [`^${record.ID}$`] }) },
        statusCodes: { 200: true, 500: 'server error' },
      });
    }
    return ours.length;
  }

  /** A request dockerode has no method for, through its connection to the engine. */
  #dial(request: Record<string, unknown>): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.#docker.modem.dial(request as never, (error: unknown, data: unknown) =>
        error ? reject(error) : resolve(data),
      );
    });
  }

  async tagImage(source: string, target: string): Promise<void> {
    const { repository, tag } = splitReference(target);
    await this.#docker.getImage(source).tag({ repo: repository, tag });
  }

  async pushImage(ref: string, timeoutMs: number): Promise<{ durationMs: number; digest: string }> {
    const started = performance.now();
    let digest = '';
    await this.#progress(
      'push',
      ref,
      timeoutMs,
      async (abortSignal) =>
        // An empty auth config: without the X-Registry-Auth header the engine refuses to push.
        (await this.#docker.getImage(ref).push({
          authconfig: {},
          abortSignal,
        } as unknown as Docker.ImagePushOptions)) as unknown as Readable,
      (event) => {
        const found = /digest: (sha256:[0-9a-f]{64})/.exec(event.status ?? '');
        if (found?.[1]) digest = found[1];
      },
    );
    return { durationMs: performance.now() - started, digest };
  }

  async pullImage(ref: string, timeoutMs: number): Promise<PullOutcome> {
    const started = performance.now();
    const tally = new PullProgressTally();
    await this.#progress(
      'pull',
      ref,
      timeoutMs,
      async (abortSignal) =>
        (await this.#docker.pull(ref, { abortSignal } as object)) as unknown as Readable,
      (event) => tally.add(event, performance.now() - started),
    );
    const durationMs = performance.now() - started;
    return {
      durationMs,
      // An image whose every layer was already there transferred nothing but its manifest.
      transferMs: tally.lastArrivalMs ?? durationMs,
      layersPulled: tally.layersPulled,
      layersPresent: tally.layersPresent,
    };
  }

  async registryAnswers(ref: string, timeoutMs: number): Promise<string | undefined> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    try {
      await this.#dial({
        path: `/distribution/${ref}/json`,
        method: 'GET',
        statusCodes: { 200: true, 401: 'no such image, or not allowed', 500: 'server error' },
        abortSignal: abort.signal,
      });
      return undefined;
    } catch (error) {
      if (abort.signal.aborted) return `no answer within ${timeoutMs / 1000} s`;
      return errorMessage(error).split('\n')[0];
    } finally {
      clearTimeout(timer);
    }
  }

  /** Runs a push or pull and reads its JSON progress stream to the end; an `error` in it rejects. */
  async #progress(
    operation: 'push' | 'pull',
    ref: string,
    timeoutMs: number,
    open: (abortSignal: AbortSignal) => Promise<Readable>,
    onEvent: (event: ProgressEvent) => void,
  ): Promise<void> {
    const what = `${operation === 'push' ? 'Push' : 'Pull'} of \`${ref}\``;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    try {
      const stream = await open(abort.signal);
      let rest = '';
      for await (const chunk of stream) {
        const lines = (rest + String(chunk)).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) handleProgressLine(line, what, onEvent);
      }
      handleProgressLine(rest, what, onEvent);
    } catch (error) {
      if (abort.signal.aborted) {
        throw new TimeoutError(operation, `\`${ref}\``, timeoutMs, { cause: error });
      }
      if (error instanceof ImgbenchError) throw error;
      throw new ImgbenchError('E_TRANSFER', `${what} failed: ${errorMessage(error)}`, {
        cause: error,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  async listContainers(labels: Record<string, string>): Promise<string[]> {
    const label = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
    const containers = await this.#docker.listContainers({
      all: true,
      filters: JSON.stringify({ label }),
    });
    return containers.map((c) => c.Id);
  }

  async listImages(
    labels: Record<string, string>,
  ): Promise<Array<{ id: string; repoTags: string[] }>> {
    const label = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
    const images = await this.#docker.listImages({ filters: JSON.stringify({ label }) });
    return images.map((i) => ({ id: i.Id, repoTags: i.RepoTags ?? [] }));
  }
}

interface ProgressEvent {
  id?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
}

function handleProgressLine(
  line: string,
  what: string,
  onEvent: (event: ProgressEvent) => void,
): void {
  if (!line.trim()) return;
  const event = JSON.parse(line) as ProgressEvent;
  const error = event.errorDetail?.message ?? event.error;
  if (error) throw new ImgbenchError('E_TRANSFER', `${what} failed: ${error}`);
  onEvent(event);
}

/**
 * Logs of a container without a TTY come as frames: 8-byte header (stream,
 * 0, 0, 0, big-endian length) then the payload. Keeps the text of both streams.
 */
export function demuxLogs(raw: Buffer): string {
  const parts: Buffer[] = [];
  let pos = 0;
  while (pos + 8 <= raw.length) {
    const length = raw.readUInt32BE(pos + 4);
    parts.push(raw.subarray(pos + 8, pos + 8 + length));
    pos += 8 + length;
  }
  return Buffer.concat(parts).toString('utf8');
}

function toArray(value: string | string[] | undefined | null): string[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

const ENTRY_TYPES: Record<string, ImageEntry['type']> = {
  file: 'file',
  directory: 'directory',
  symlink: 'symlink',
};

/** Reads a tar stream of a filesystem: every entry, and the contents of those `want` picks. */
function scanTar(archive: Readable, want: (path: string) => boolean): Promise<ImageFiles> {
  const entries: ImageEntry[] = [];
  const contents = new Map<string, Buffer>();
  return new Promise<ImageFiles>((resolve, reject) => {
    const tar = extract();
    tar.on('entry', (header, stream, next) => {
      const path = posix.resolve('/', header.name);
      entries.push({
        path,
        type: ENTRY_TYPES[header.type ?? ''] ?? 'other',
        mode: header.mode ?? 0,
        sizeBytes: header.size ?? 0,
        ...(header.linkname ? { linkTarget: header.linkname } : {}),
      });
      if (header.type === 'file' && want(path)) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
        stream.on('end', () => {
          contents.set(path, Buffer.concat(chunks));
          next();
        });
      } else {
        stream.on('end', () => next());
        stream.resume();
      }
    });
    tar.on('finish', () => resolve({ entries, contents }));
    tar.on('error', reject);
    archive.on('error', reject);
    archive.pipe(tar);
  });
}

interface ArchiveHead {
  sizeBytes: number;
  head: Buffer;
  linkTarget?: string;
}

/** The first entry of `GET /containers/{id}/archive?path=…`: its size and first bytes. */
async function readArchiveHead(
  container: Docker.Container,
  path: string,
  headBytes: number,
): Promise<ArchiveHead | undefined> {
  let archive: NodeJS.ReadableStream;
  try {
    archive = await container.getArchive({ path });
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  return new Promise<ArchiveHead | undefined>((resolve, reject) => {
    const tar = extract();
    let settled = false;
    const finish = (value: ArchiveHead | undefined) => {
      if (settled) return;
      settled = true;
      resolve(value);
      tar.destroy();
      (archive as Readable).destroy?.();
    };
    tar.on('entry', (header, stream, next) => {
      if (header.type === 'symlink' && header.linkname) {
        stream.resume();
        finish({ sizeBytes: 0, head: Buffer.alloc(0), linkTarget: header.linkname });
        return;
      }
      const chunks: Buffer[] = [];
      let length = 0;
      stream.on('data', (data: unknown) => {
        const chunk = data as Buffer;
        if (length < headBytes) {
          chunks.push(chunk);
          length += chunk.length;
        }
        if (length >= headBytes) {
          finish({
            sizeBytes: header.size ?? 0,
            head: Buffer.concat(chunks).subarray(0, headBytes),
          });
        }
      });
      stream.on('end', () => {
        finish({ sizeBytes: header.size ?? 0, head: Buffer.concat(chunks).subarray(0, headBytes) });
        next();
      });
    });
    tar.on('finish', () => finish(undefined));
    tar.on('error', (error) => {
      if (!settled) {
        settled = true;
        reject(error);
      }
    });
    archive.pipe(tar);
  });
}
