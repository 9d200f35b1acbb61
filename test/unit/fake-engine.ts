import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { BASE_ROLES, type BaseRole } from '../../src/bases/base-roles.js';
import { recipeHash, STAND_IN_RECIPES } from '../../src/bases/stand-in-recipes.js';
import type {
  BuildOutcome,
  BuildRequest,
  Clock,
  ContainerSpec,
  ContainerState,
  Engine,
  EngineInfo,
  ImageDetails,
  ImageFile,
  ImageFiles,
  PullOutcome,
} from '../../src/engine/engine.js';
import { LABEL_RECIPE_HASH } from '../../src/engine/labels.js';
import type { LayerSize } from '../../src/engine/layer-sizes.js';
import type { Listener } from '../../src/engine/listeners.js';
import { BuildError, ImgbenchError } from '../../src/errors.js';
import type { PullEngine, PullSite, RunRegistry } from '../../src/second-engine/pull-site.js';
import type { ManifestFacts } from '../../src/second-engine/registry.js';

/** What one engine operation does: how long it takes, and whether it fails with these words. */
export interface FakeStep {
  /** How long it takes, on the fake's virtual clock (nothing sleeps). @default 1 */
  ms?: number;
  /** It never finishes: a push that hangs, a service that never listens. */
  hang?: boolean;
  fail?: string;
  /** For `ready`: the status the service answers every request with once up. @default 200 */
  status?: number;
  /** For `ready`: what the service writes to its log when it starts. */
  log?: string;
}

/** The operations a script can shape; each is asked with the variant and how often it was asked before. */
export type FakeOperation = 'build' | 'push' | 'pull' | 'start' | 'ready';

/**
 * Outcomes and durations per operation and variant. A variant is the tag of
 * the reference (`imgbench/sample:scratch`, `127.0.0.1:5000/imgbench/sample-build-metric:scratch`
 * → `scratch`). `ready` is the time from start to the service's first 200,
 * or a failure: the container exits with code 1 and the words in its log.
 */
export type FakeScript = Partial<
  Record<FakeOperation, (variant: string, attempt: number) => FakeStep | undefined>
> & {
  /**
   * What a container run as a command (no port) prints and exits with.
   * @default a command that asks `go env GOVERSION` (a builder's check) → go1.24.4, exit 0
   */
  command?: (image: string, cmd: string[]) => { exitCode: number; output: string };
  /** The first bytes and size of the file an image runs. @default a static ELF of 6 MB */
  imageFile?: (variant: string) => { sizeBytes: number; head: Buffer } | undefined;
  /** The regular files of an image, by path, as a scan of it finds them. @default none */
  files?: (variant: string) => ReadonlyMap<string, Buffer>;
};

const defaultCommand = (_: string, cmd: string[]) =>
  cmd.join(' ').includes('go env GOVERSION')
    ? { exitCode: 0, output: 'go1.24.4\n' }
    : { exitCode: 127, output: `${cmd[0]}: not found\n` };

/** One operation as the fake saw it, in the order they came. */
export interface FakeCall {
  engine: 'build' | 'isolated';
  operation: FakeOperation | 'create' | 'remove' | 'empty' | 'remove-cache-mounts';
  variant: string;
}

const hasLabels = (have: Record<string, string>, want: Record<string, string>) =>
  Object.entries(want).every(([k, v]) => have[k] === v);

/** `…/imgbench/sample:scratch` → `scratch`. */
export const variantOf = (ref: string): string => ref.slice(ref.lastIndexOf(':') + 1);

/** The longest a timer waits: a hanging step's. */
const HANG_MS = 2 ** 31 - 1;

/** The first bytes of a static 64-bit little-endian ELF executable: no program header, so no interpreter. */
function staticElfHead(): Buffer {
  const head = Buffer.alloc(64);
  head.writeUInt32BE(0x7f454c46, 0);
  head[4] = 2;
  head[5] = 1;
  return head;
}

interface FakeContainer {
  spec: ContainerSpec;
  variant: string;
  state: ContainerState;
  log: string;
  server?: Server;
  timer?: NodeJS.Timeout;
}

/** What the fakes of one run share: the script, the log of calls, and the registry's manifests. */
class FakeWorld {
  readonly calls: FakeCall[] = [];
  readonly manifests = new Map<string, ManifestFacts>();
  readonly #attempts = new Map<string, number>();
  #virtualMs = 0;
  /**
   * The fakes' virtual time: a step's scripted duration is added to it, not
   * slept, so what imgbench measures on the fakes is what the script says.
   */
  readonly clock: Clock = {
    now: () => this.#virtualMs,
    sleep: async (ms) => {
      this.#virtualMs += ms;
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
  constructor(readonly script: FakeScript) {}

  /**
   * Records the call and plays its step: its duration passes on the virtual
   * clock (a hanging step never ends), then `fail` is thrown through
   * `error`. Resolves with the step's duration.
   */
  async play(
    engine: FakeCall['engine'],
    operation: FakeOperation,
    ref: string,
    error: (message: string) => Error = (message) => new Error(message),
  ): Promise<number> {
    const variant = variantOf(ref);
    this.calls.push({ engine, operation, variant });
    const key = `${operation} ${variant}`;
    const attempt = this.#attempts.get(key) ?? 0;
    this.#attempts.set(key, attempt + 1);
    const step = this.script[operation]?.(variant, attempt) ?? {};
    // A timer keeps a process whose run hangs alive until a signal stops it.
    if (step.hang) await new Promise((resolve) => setTimeout(resolve, HANG_MS));
    const ms = step.ms ?? 1;
    await this.clock.sleep(ms);
    if (step.fail) throw error(step.fail);
    return ms;
  }

  /** `ready`'s step without waiting: for the container to play out by itself. */
  readyStep(variant: string): FakeStep {
    const key = `ready ${variant}`;
    const attempt = this.#attempts.get(key) ?? 0;
    this.#attempts.set(key, attempt + 1);
    this.calls.push({ engine: 'isolated', operation: 'ready', variant });
    return this.script.ready?.(variant, attempt) ?? {};
  }
}

/**
 * An in-memory Engine for unit tests, scriptable per operation and variant.
 * Builds drain their context and tag an image whose entry binary is a static
 * ELF; a push stores a manifest in the fake registry; a pull on the isolated
 * fake finds it there; a started container answers HTTP 200 on its host port
 * (a real server on 127.0.0.1) once its `ready` time has passed.
 */
export class FakeEngine implements Engine {
  readonly images = new Map<string, ImageDetails>();
  readonly builds: BuildRequest[] = [];
  readonly #containers = new Map<string, FakeContainer>();
  readonly #world: FakeWorld;
  readonly #kind: FakeCall['engine'];
  #ids = 0;

  constructor(script: FakeScript = {}, world?: FakeWorld, kind: FakeCall['engine'] = 'build') {
    this.#world = world ?? new FakeWorld(script);
    this.#kind = kind;
  }

  /** The virtual clock this fake and its pull site's share. */
  get clock(): Clock {
    return this.#world.clock;
  }

  /** Every operation of this fake and of the pull site made from it, in order. */
  get calls(): FakeCall[] {
    return this.#world.calls;
  }

  /** A pull site whose registry and isolated engine share this fake's script and log. */
  pullSite(): FakePullSite {
    return new FakePullSite(this.#world);
  }

  addImage(ref: string, details: Partial<ImageDetails> = {}): void {
    this.images.set(ref, {
      id: `sha256:${ref}`,
      repoTags: [ref],
      repoDigests: [],
      sizeBytes: 1,
      layerCount: 1,
      labels: {},
      entrypoint: [],
      cmd: [],
      workingDir: '',
      user: '',
      created: '2026-11-22T00:00:00Z',
      ...details,
    });
  }

  async info(): Promise<EngineInfo> {
    return {
      endpoint: 'fake://',
      serverVersion: '0.0.0-fake',
      apiVersion: '1.41',
      os: 'Fake',
      arch: 'amd64',
      kernelVersion: '0',
      storageDriver: 'fake',
      cgroupVersion: '1',
      cgroupDriver: 'cgroupfs',
      dockerRootDir: tmpdir(),
      cpus: 2,
      memTotalBytes: 2 ** 34,
      buildkit: true,
      imageStore: 'classic',
    };
  }

  async build(request: BuildRequest): Promise<BuildOutcome> {
    this.builds.push(request);
    // The context is read to its end, as the engine does.
    for await (const _ of request.context);
    const durationMs = await this.#world.play(
      this.#kind,
      'build',
      request.tag,
      (message) => new BuildError(message, message),
    );
    const n = ++this.#ids;
    const imageId = `sha256:${String(n).padStart(64, '0')}`;
    const variant = variantOf(request.tag);
    const details: Partial<ImageDetails> = {
      id: imageId,
      sizeBytes: 1_000_000 * (variant.length + 1),
      layerCount: 3,
      labels: request.labels ?? {},
      entrypoint: ['/app/main'],
    };
    this.addImage(request.tag, details);
    this.images.set(imageId, { ...(this.images.get(request.tag) as ImageDetails) });
    return {
      imageId,
      durationMs,
      transcript: {
        imageId,
        steps: [
          {
            digest: 'sha256:mod',
            name: '[builder 3/5] RUN go mod download',
            cached: !request.noCache,
          },
          { digest: 'sha256:build', name: '[builder 5/5] RUN go build', cached: false },
        ],
      },
    };
  }
  async inspectImage(ref: string): Promise<ImageDetails | undefined> {
    return this.images.get(ref);
  }
  /** Layer tars a little larger than the engine's figure, as on a classic store: tar headers. */
  async layerSizes(ref: string): Promise<LayerSize[]> {
    const image = this.images.get(ref);
    if (!image) throw new ImgbenchError('E_MEASURE', `No such image: ${ref}`);
    return Array.from({ length: image.layerCount }, (_, i) => ({
      digest: `sha256:${String(i + 1).padStart(64, 'd')}`,
      tarBytes: Math.floor(image.sizeBytes / image.layerCount) + 10_240,
    }));
  }
  async readImageFile(ref: string, path: string): Promise<ImageFile | undefined> {
    const image = this.images.get(ref);
    if (!image) return undefined;
    // Asked by id or by tag: the variant is the tag's.
    const file = this.#world.script.imageFile?.(variantOf(image.repoTags[0] ?? ref)) ?? {
      sizeBytes: 6_000_000,
      head: staticElfHead(),
    };
    return { ...file, resolvedPath: path };
  }
  async scanImageFiles(ref: string, wanted?: (path: string) => boolean): Promise<ImageFiles> {
    const image = this.images.get(ref);
    const files = image && this.#world.script.files?.(variantOf(image.repoTags[0] ?? ref));
    const all = [...(files ?? new Map<string, Buffer>())];
    return {
      entries: all.map(([path, bytes]) => ({
        path,
        type: 'file',
        mode: 0o755,
        sizeBytes: bytes.length,
      })),
      contents: new Map(all.filter(([path]) => wanted?.(path) ?? true)),
    };
  }
  async createContainer(spec: ContainerSpec): Promise<string> {
    const variant = variantOf(spec.image);
    this.#world.calls.push({ engine: this.#kind, operation: 'create', variant });
    if (!this.images.has(spec.image))
      throw new ImgbenchError('E_MEASURE', `No such image: ${spec.image}`);
    const id = `container-${++this.#ids}`;
    this.#containers.set(id, {
      spec,
      variant,
      log: '',
      state: { running: false, pid: 0, exitCode: 0, oomKilled: false, error: '' },
    });
    return id;
  }
  async startContainer(id: string): Promise<void> {
    const container = this.#containers.get(id);
    if (!container) throw new Error(`no container ${id}`);
    // A command, not the service (a given one, or the image's own with no
    // network, as the flags metric runs its binary): it runs to its end at once.
    const own = this.images.get(container.spec.image);
    const command =
      container.spec.containerPort === undefined
        ? (container.spec.cmd ??
          (container.spec.networkDisabled
            ? [...(own?.entrypoint ?? []), ...(own?.cmd ?? [])]
            : undefined))
        : undefined;
    if (command) {
      const ran = (this.#world.script.command ?? defaultCommand)(container.spec.image, command);
      container.log = ran.output;
      container.state = { ...container.state, running: false, exitCode: ran.exitCode };
      return;
    }
    await this.#world.play(this.#kind, 'start', container.spec.image);
    // Unpublished (a probe for its port), it is asked at an address of its own.
    const published = container.spec.hostPort !== undefined;
    container.state = {
      ...container.state,
      running: true,
      pid: process.pid,
      ...(published ? {} : { ipAddress: '127.0.0.1' }),
    };
    const ready = this.#world.readyStep(container.variant);
    container.log = ready.log ?? '';
    if (ready.hang) return;
    // Its readiness time passes on the virtual clock as it comes up, right after this start.
    container.timer = setTimeout(() => {
      void this.#world.clock.sleep(ready.ms ?? 1);
      if (ready.fail) {
        container.log = `${ready.fail}\n`;
        container.state = { ...container.state, running: false, pid: 0, exitCode: 1 };
        return;
      }
      const status = ready.status ?? 200;
      container.server = createServer((request, response) =>
        response
          .writeHead(status)
          .end(status === 200 ? 'ok' : `${status} page not found: ${request.url}\n`),
      ).listen(container.spec.hostPort, '127.0.0.1');
    }, 0);
  }
  async inspectContainer(id: string): Promise<ContainerState> {
    const container = this.#containers.get(id);
    if (!container) throw new Error(`no container ${id}`);
    return container.state;
  }
  async listeningSockets(id: string): Promise<Listener[] | undefined> {
    const address = this.#containers.get(id)?.server?.address();
    return typeof address === 'object' && address ? [{ port: address.port, bound: 'any' }] : [];
  }
  async containerLogs(id: string): Promise<string> {
    return this.#containers.get(id)?.log ?? '';
  }
  async removeContainer(id: string): Promise<void> {
    const container = this.#containers.get(id);
    if (!container) return;
    this.#world.calls.push({ engine: this.#kind, operation: 'remove', variant: container.variant });
    clearTimeout(container.timer);
    container.server?.closeAllConnections();
    await new Promise((resolve) =>
      container.server ? container.server.close(resolve) : resolve(undefined),
    );
    this.#containers.delete(id);
  }
  /** By id: the image and every tag of it; by tag: that tag. */
  async removeImage(ref: string): Promise<void> {
    for (const [key, image] of [...this.images.entries()]) {
      if (key === ref || image.id === ref) this.images.delete(key);
    }
  }
  /** Cache mounts are not kept: the call is recorded (its mark as the variant). */
  async removeCacheMounts(mark: string): Promise<number> {
    this.#world.calls.push({
      engine: this.#kind,
      operation: 'remove-cache-mounts',
      variant: mark,
    });
    return 0;
  }
  async tagImage(source: string, target: string): Promise<void> {
    const image = this.images.get(source);
    if (!image) throw new Error(`no image ${source}`);
    this.images.set(target, { ...image, repoTags: [...image.repoTags, target] });
  }
  async pushImage(ref: string): Promise<{ durationMs: number; digest: string }> {
    const image = this.images.get(ref);
    if (!image) throw new ImgbenchError('E_TRANSFER', `Push of \`${ref}\` failed: no such image`);
    const durationMs = await this.#world.play(
      this.#kind,
      'push',
      ref,
      (m) => new ImgbenchError('E_TRANSFER', m),
    );
    const digest = `sha256:${'d'.repeat(64)}`;
    const layer = Math.round(image.sizeBytes / 3 / image.layerCount);
    this.#world.manifests.set(ref.slice(ref.indexOf('/') + 1), {
      digest,
      config: { digest: `sha256:${'c'.repeat(64)}`, sizeBytes: 1_000 },
      layers: Array.from({ length: image.layerCount }, (_, i) => ({
        digest: `sha256:${String(i).repeat(64)}`,
        sizeBytes: layer,
        mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
      })),
      compressedBytes: 1_000 + layer * image.layerCount,
    });
    return { durationMs, digest };
  }
  /** What `registryAnswers` says: by default no registry answers, as on a machine offline. */
  registryAnswer: (ref: string) => string | undefined = () => 'the fake engine reaches no registry';
  async registryAnswers(ref: string, _timeoutMs: number): Promise<string | undefined> {
    return this.registryAnswer(ref);
  }
  async pullImage(ref: string): Promise<PullOutcome> {
    const manifest = this.#world.manifests.get(ref.slice(ref.indexOf('/') + 1));
    const durationMs = await this.#world.play(
      this.#kind,
      'pull',
      ref,
      (m) => new ImgbenchError('E_TRANSFER', m),
    );
    if (!manifest) throw new ImgbenchError('E_TRANSFER', `Pull of \`${ref}\` failed: not found`);
    this.addImage(ref, { layerCount: manifest.layers.length, entrypoint: ['/app/main'] });
    return {
      durationMs,
      transferMs: durationMs / 2,
      layersPulled: manifest.layers.length,
      layersPresent: 0,
    };
  }
  async listContainers(labels: Record<string, string>): Promise<string[]> {
    return [...this.#containers.entries()]
      .filter(([, c]) => hasLabels(c.spec.labels, labels))
      .map(([id]) => id);
  }
  async listImages(
    labels: Record<string, string>,
  ): Promise<Array<{ id: string; repoTags: string[] }>> {
    const byId = new Map<string, ImageDetails>();
    for (const image of this.images.values()) {
      if (hasLabels(image.labels, labels)) byId.set(image.id, image);
    }
    return [...byId.values()].map((i) => ({ id: i.id, repoTags: i.repoTags }));
  }

  /** Empties the fake as an emptied dockerd is: no image, no container. */
  async empty(): Promise<void> {
    this.#world.calls.push({ engine: this.#kind, operation: 'empty', variant: '' });
    for (const id of [...this.#containers.keys()]) await this.removeContainer(id);
    this.images.clear();
  }
}

/** The run's registry and second engine, in memory: what they were asked is in the calls and `stopped`. */
export class FakePullSite implements PullSite {
  readonly needsRoot = false;
  /** What was stopped, in order: `registry`, `engine`. */
  readonly stopped: string[] = [];
  readonly #world: FakeWorld;
  constructor(world: FakeWorld) {
    this.#world = world;
  }

  /** Also said on stderr: a run in a child process, stopped by a signal, shows what it undid. */
  #stop(what: string): void {
    this.stopped.push(what);
    process.stderr.write(`fake pull site: stopped the ${what}\n`);
  }

  async startRegistry(): Promise<RunRegistry> {
    const world = this.#world;
    return {
      address: '127.0.0.1:5999',
      port: 5999,
      dir: '/nonexistent/fake-registry',
      pid: 0,
      exitDescription: undefined,
      reference: (image) => `127.0.0.1:5999/${image}`,
      manifest: async (repository, tag) => {
        const manifest = world.manifests.get(`${repository}:${tag}`);
        if (!manifest)
          throw new ImgbenchError('E_TRANSFER', `no manifest for ${repository}:${tag}`);
        return manifest;
      },
      stop: async () => this.#stop('registry'),
    };
  }

  async startEngine(): Promise<PullEngine> {
    const engine = new FakeEngine({}, this.#world, 'isolated');
    return {
      engine,
      pid: 0,
      bridge: { name: 'fake0' },
      root: '/nonexistent/fake-engine',
      dataRoot: '/nonexistent/fake-engine/data',
      storage: 'memory',
      exitDescription: undefined,
      empty: () => engine.empty(),
      stop: async () => this.#stop('engine'),
    };
  }
}

/** A fake engine holding every stand-in base, as `imgbench bases` leaves one (`hashFor` makes one stale). */
export function fakeEngineWithStandIns(
  script: FakeScript = {},
  hashFor = (role: BaseRole) => recipeHash(STAND_IN_RECIPES[role]),
): FakeEngine {
  const engine = new FakeEngine(script);
  for (const role of BASE_ROLES) {
    engine.addImage(STAND_IN_RECIPES[role].tag, { labels: { [LABEL_RECIPE_HASH]: hashFor(role) } });
  }
  return engine;
}
