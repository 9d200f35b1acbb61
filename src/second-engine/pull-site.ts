import type { Engine } from '../engine/engine.js';
import {
  type BridgeSpec,
  IsolatedEngine,
  type IsolatedEngineOptions,
  type PullStorage,
} from './isolated-engine.js';
import { LocalRegistry, type ManifestFacts } from './registry.js';

/** The run's registry, as the stage that pushes and pulls uses it (LocalRegistry). */
export interface RunRegistry {
  /** `127.0.0.1:PORT`. */
  readonly address: string;
  readonly port: number;
  /** Its folder: config and storage. */
  readonly dir: string;
  readonly pid: number;
  /** How its process ended (`exited with code 1`), while it has not been stopped; else undefined. */
  readonly exitDescription: string | undefined;
  /** `imgbench/sample:scratch` → `127.0.0.1:PORT/imgbench/sample:scratch`. */
  reference(image: string): string;
  manifest(repository: string, tag: string): Promise<ManifestFacts>;
  stop(): Promise<void>;
}

/** The second, empty engine that pulls and runs containers (IsolatedEngine). */
export interface PullEngine {
  engine: Engine;
  readonly pid: number;
  readonly bridge: Pick<BridgeSpec, 'name'>;
  readonly root: string;
  readonly dataRoot: string;
  readonly storage: PullStorage;
  readonly exitDescription: string | undefined;
  /** Its own dockerd config file and containerd socket, when it has them. */
  readonly configFile?: string;
  readonly containerdSocket?: string;
  /** The dockerd binary it runs. */
  readonly dockerd?: string;
  /** Removes every image and container, so that the next pull is cold. */
  empty(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Where pull, startup and memory run. The real one starts Debian's
 * docker-registry and a second dockerd, which needs root; unit tests pass a
 * fake that needs neither.
 */
export interface PullSite {
  /** Whether starting it needs root (a dockerd, a bridge, a tmpfs). */
  readonly needsRoot: boolean;
  startRegistry(options: { port?: number; runId: string }): Promise<RunRegistry>;
  startEngine(runId: string, options: IsolatedEngineOptions): Promise<PullEngine>;
}

export const HOST_PULL_SITE: PullSite = {
  needsRoot: true,
  startRegistry: (options) => LocalRegistry.start(options),
  startEngine: (runId, options) => IsolatedEngine.start(runId, options),
};
