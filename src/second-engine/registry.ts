import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ImgbenchError, UsageError } from '../errors.js';
import { BackgroundProcess } from '../exec/background-process.js';
import { which } from '../exec/run-command.js';
import { makeRunTempDir } from '../exec/run-temp.js';
import { freeLoopbackPort } from '../measure/container-runtime.js';
import { httpStatus } from '../measure/http-probe.js';

/** Debian's `docker-registry` package: distribution 2.8. */
export const REGISTRY_BINARY = 'docker-registry';
/** How long the registry may take to answer `GET /v2/`. @default 15 s */
export const REGISTRY_START_TIMEOUT_MS = 15_000;

/** The distribution config: loopback only, storage in the run's temp dir, deletes allowed. */
export function registryConfig(address: string, storageDir: string): string {
  return [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${storageDir}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: ${address}`,
    '',
  ].join('\n');
}

export interface ManifestLayer {
  digest: string;
  /** Compressed bytes of the blob. */
  sizeBytes: number;
  mediaType: string;
}

/** What a pull of one tag transfers, from its image manifest. */
export interface ManifestFacts {
  digest: string;
  config: { digest: string; sizeBytes: number };
  layers: ManifestLayer[];
  /** Config blob plus every layer blob: the bytes a cold pull downloads (the manifest itself aside). */
  compressedBytes: number;
}

interface ManifestV2 {
  schemaVersion?: number;
  mediaType?: string;
  config?: { size?: number; digest?: string };
  layers?: Array<{ size?: number; digest?: string; mediaType?: string }>;
}

export const MANIFEST_MEDIA_TYPES = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
];

/** Reads an image manifest (Docker v2 schema 2 or OCI); anything else is an error that says what came. */
export function parseManifest(body: string, digest: string): ManifestFacts {
  const manifest = JSON.parse(body) as ManifestV2;
  if (manifest.schemaVersion !== 2 || !manifest.config || !Array.isArray(manifest.layers)) {
    throw new ImgbenchError(
      'E_TRANSFER',
      `Expected an image manifest (schema 2 with config and layers), got mediaType \`${manifest.mediaType ?? 'none'}\` schema ${manifest.schemaVersion ?? 'none'}`,
    );
  }
  const config = { digest: manifest.config.digest ?? '', sizeBytes: manifest.config.size ?? 0 };
  const layers = manifest.layers.map((l) => ({
    digest: l.digest ?? '',
    sizeBytes: l.size ?? 0,
    mediaType: l.mediaType ?? '',
  }));
  return {
    digest,
    config,
    layers,
    compressedBytes: config.sizeBytes + layers.reduce((sum, l) => sum + l.sizeBytes, 0),
  };
}

const loopbackAddress = (port: number) => `127.0.0.1:${port}`;

/**
 * A `docker-registry` of the run's own, on 127.0.0.1 with its storage in a
 * temp dir that `stop` deletes. Engines treat 127.0.0.0/8 registries as
 * insecure by default, so no TLS is needed to push or pull.
 */
export class LocalRegistry {
  /** `127.0.0.1:PORT`, the prefix of every reference pushed here. */
  readonly address: string;
  readonly port: number;
  readonly dir: string;
  readonly #process: BackgroundProcess;

  private constructor(port: number, dir: string, process: BackgroundProcess) {
    this.port = port;
    this.address = loopbackAddress(port);
    this.dir = dir;
    this.#process = process;
  }

  get pid(): number {
    return this.#process.pid;
  }

  /** How the process ended, when it has: `was killed by SIGKILL`. */
  get exitDescription(): string | undefined {
    return this.#process.exitDescription;
  }

  /** Starts the registry; `port` 0 picks a free one. Rejects with the registry's own words. */
  static async start(options: { port?: number; runId: string }): Promise<LocalRegistry> {
    const binary = await which(REGISTRY_BINARY);
    if (!binary) {
      throw new UsageError(
        `\`${REGISTRY_BINARY}\` is not installed; pull, startup and memory need a local registry`,
        { hint: 'run `bash scripts/setup.sh` (installs Debian’s docker-registry)' },
      );
    }
    const port = options.port || (await freeLoopbackPort());
    const address = loopbackAddress(port);
    const dir = await makeRunTempDir('registry', options.runId);
    const storage = join(dir, 'storage');
    await mkdir(storage);
    const configFile = join(dir, 'config.yml');
    await writeFile(configFile, registryConfig(address, storage));
    const process = BackgroundProcess.start(
      binary,
      ['serve', configFile],
      join(dir, 'registry.log'),
    );
    const registry = new LocalRegistry(port, dir, process);
    try {
      await registry.#waitUntilServing();
    } catch (error) {
      await registry.stop();
      throw error;
    }
    return registry;
  }

  async #waitUntilServing(): Promise<void> {
    await this.#process.waitUntilReady(
      async () =>
        (await httpStatus(`http://${this.address}/v2/`, 500)) === 200 ? true : undefined,
      {
        timeoutMs: REGISTRY_START_TIMEOUT_MS,
        intervalMs: 50,
        exited: () => {
          const said = this.#process.logTail(3);
          // Taken between the check before the run and now.
          if (said.includes('address already in use')) {
            return new UsageError(
              `The registry's port ${this.port} is taken on 127.0.0.1; pass a free one with \`--registry-port\`, or 0 to let imgbench pick one`,
            );
          }
          return new ImgbenchError(
            'E_HOST',
            `The registry on ${this.address} exited with code ${this.#process.exitCode}${said ? `: ${said}` : ''}`,
          );
        },
        timedOut: () =>
          new ImgbenchError(
            'E_HOST',
            `The registry on ${this.address} did not answer within ${REGISTRY_START_TIMEOUT_MS / 1000} s`,
          ),
      },
    );
  }

  /** `127.0.0.1:PORT/<repository>:<tag>` for an image named `<repository>:<tag>`. */
  reference(image: string): string {
    return `${this.address}/${image}`;
  }

  /** The manifest of `repository:tag` as the registry serves it to a pull. */
  async manifest(repository: string, tag: string): Promise<ManifestFacts> {
    const response = await fetch(`http://${this.address}/v2/${repository}/manifests/${tag}`, {
      headers: { Accept: MANIFEST_MEDIA_TYPES.join(', ') },
    });
    const body = await response.text();
    if (!response.ok) {
      throw new ImgbenchError(
        'E_TRANSFER',
        `The registry answered ${response.status} for the manifest of ${repository}:${tag}: ${body.slice(0, 200)}`,
      );
    }
    return parseManifest(body, response.headers.get('docker-content-digest') ?? '');
  }

  /** Stops the registry and deletes its storage. */
  async stop(): Promise<void> {
    await this.#process.stop(5_000);
    await rm(this.dir, { recursive: true, force: true });
  }
}
