import type {
  BuildOutcome,
  BuildRequest,
  ContainerState,
  Engine,
  EngineInfo,
  ImageDetails,
  ImageFile,
  ImageFiles,
  PullOutcome,
} from '../../src/engine/engine.js';

/** An in-memory Engine for unit tests: images by reference, builds recorded, never run. */
export class FakeEngine implements Engine {
  readonly images = new Map<string, ImageDetails>();
  readonly builds: BuildRequest[] = [];

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
    throw new Error('not used');
  }
  async build(request: BuildRequest): Promise<BuildOutcome> {
    this.builds.push(request);
    throw new Error('FakeEngine does not build');
  }
  async inspectImage(ref: string): Promise<ImageDetails | undefined> {
    return this.images.get(ref);
  }
  async readImageFile(): Promise<ImageFile | undefined> {
    return undefined;
  }
  async scanImageFiles(): Promise<ImageFiles> {
    return { entries: [], contents: new Map() };
  }
  async createContainer(): Promise<string> {
    throw new Error('FakeEngine runs no containers');
  }
  async startContainer(): Promise<void> {}
  async inspectContainer(): Promise<ContainerState> {
    return { running: false, pid: 0, exitCode: 0, oomKilled: false, error: '' };
  }
  async containerLogs(): Promise<string> {
    return '';
  }
  async removeContainer(_id: string): Promise<void> {}
  async removeImage(ref: string): Promise<void> {
    this.images.delete(ref);
  }
  async tagImage(source: string, target: string): Promise<void> {
    const image = this.images.get(source);
    if (!image) throw new Error(`no image ${source}`);
    this.images.set(target, { ...image, repoTags: [...image.repoTags, target] });
  }
  async pushImage(): Promise<{ durationMs: number; digest: string }> {
    throw new Error('FakeEngine reaches no registry');
  }
  async pullImage(): Promise<PullOutcome> {
    throw new Error('FakeEngine reaches no registry');
  }
  async listContainers(): Promise<string[]> {
    return [];
  }
  async listImages(): Promise<Array<{ id: string; repoTags: string[] }>> {
    return [...this.images.values()].map((i) => ({ id: i.id, repoTags: i.repoTags }));
  }
}
