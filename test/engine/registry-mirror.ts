import { execFileSync } from 'node:child_process';
import { STAND_IN_RECIPES } from '../../src/bases/stand-in-recipes.js';
import { makeRunId } from '../../src/run/run-store.js';
import { IsolatedEngine, type PullStorage } from '../../src/second-engine/isolated-engine.js';
import { LocalRegistry } from '../../src/second-engine/registry.js';
import { dockerCli } from './host-leftovers.js';

/**
 * The upstream registries, offline: a registry on 127.0.0.1 that holds test
 * images (the stand-ins, each with a label saying it is a test image) under
 * the Docker Hub names, and a build engine of its own whose config file sends
 * Docker Hub pulls there (`registry-mirrors`). `golang:1.24` is then pulled
 * through the engine exactly as on a connected machine. The distroless role,
 * not a Docker Hub image, is served under a 127.0.0.1 name (`distroless`).
 *
 * For the engine tests and for `scripts/replay-nightly.ts` (no vitest import
 * here). Needs root and the stand-ins in the host's engine.
 */
export const HUB_NAMES = {
  golang: 'library/golang:1.24',
  'golang-alpine': 'library/golang:1.24-alpine',
  alpine: 'library/alpine:3.20',
} as const;

/** The label every image this mirror serves carries. */
export const TEST_IMAGE_LABEL = 'org.imgbench.test-image';

export class RegistryMirror {
  private constructor(
    readonly registry: LocalRegistry,
    readonly engine: IsolatedEngine,
    private readonly pushed: string[],
  ) {}

  /** The distroless test image's 127.0.0.1 name. */
  get distroless(): string {
    return `${this.registry.address}/distroless/static-debian12:nonroot`;
  }

  /** `docker` against the mirror's build engine. */
  docker(args: string[]): string {
    return execFileSync('docker', ['-H', `unix://${this.engine.socket}`, ...args], {
      encoding: 'utf8',
    }).trim();
  }

  static async start(options: { storage?: PullStorage } = {}): Promise<RegistryMirror> {
    const registry = await LocalRegistry.start({ runId: makeRunId() });
    const pushed: string[] = [];
    const distroless = `${registry.address}/distroless/static-debian12:nonroot`;
    const images: Array<[string, string]> = [
      ...Object.entries(HUB_NAMES).map(
        ([role, name]) =>
          [STAND_IN_RECIPES[role as keyof typeof HUB_NAMES].tag, `${registry.address}/${name}`] as [
            string,
            string,
          ],
      ),
      [STAND_IN_RECIPES['distroless-static'].tag, distroless],
    ];
    let engine: IsolatedEngine | undefined;
    try {
      for (const [standIn, target] of images) {
        execFileSync(
          'docker',
          ['build', '-q', '-t', target, '--label', `${TEST_IMAGE_LABEL}=true`, '-'],
          { input: `FROM ${standIn}\n`, stdio: ['pipe', 'ignore', 'inherit'] },
        );
        pushed.push(target);
        dockerCli(['push', '-q', target]);
      }
      engine = await IsolatedEngine.start(makeRunId(), {
        ...(options.storage ? { storage: options.storage } : {}),
        config: { 'registry-mirrors': [`http://${registry.address}`] },
      });
      const mirror = new RegistryMirror(registry, engine, pushed);
      mirror.docker(['pull', '-q', distroless]);
      return mirror;
    } catch (error) {
      await engine?.stop().catch(() => {});
      await registry.stop().catch(() => {});
      if (pushed.length > 0) dockerCli(['rmi', ...pushed]);
      throw error;
    }
  }

  /** The build engine, the registry, and the test images pushed from the host's engine. */
  async stop(): Promise<void> {
    await this.engine.stop();
    await this.registry.stop().catch(() => {});
    if (this.pushed.length > 0) dockerCli(['rmi', ...this.pushed]);
    this.pushed.length = 0;
  }
}
