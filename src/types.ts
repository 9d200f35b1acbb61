import type { BaseImage, BaseProfileName } from './bases/base-roles.js';
import type { EngineInfo } from './engine/engine.js';
import type { ErrorCode } from './errors.js';
import type { BinaryFlagsResult } from './measure/binary-flags.js';
import type { StepCache } from './measure/build-scenarios.js';
import type { ImageCapabilities } from './measure/capabilities.js';
import type { RuntimeProbes } from './measure/container-runtime.js';
import type { SizeFacts } from './measure/image-size.js';
import type { SampleStatistics } from './measure/statistics.js';

/** Version of the results.json layout; bumped on any incompatible change (see results/README.md). */
export const SCHEMA_VERSION = 1;

/** Metrics `imgbench run --metrics` accepts. */
export const METRICS = ['size', 'gaps', 'flags', 'build', 'pull', 'startup', 'memory'] as const;
export type MetricName = (typeof METRICS)[number];
/** Metrics that run on the second dockerd, from images pushed to the run's registry. */
export const ISOLATED_METRICS: readonly MetricName[] = ['pull', 'startup', 'memory'];

export interface VariantIdentity {
  name: string;
  description: string;
  /** Where the seeds write this variant. */
  source: string;
  /** The tag the variant's image was built as. */
  image: string;
  /** The base images its build used (stand-ins carry `standIn: true`). */
  bases: BaseImage[];
}

export interface BuildRecord {
  /** Wall time of the one build this run made (cache state as found), in ms. */
  durationMs: number;
  steps: number;
  cachedSteps: number;
}

/** One build scenario over all rounds. */
export interface BuildScenarioResult {
  durationMs: SampleStatistics;
  /** Whether `go mod download` was a cache hit in every sample; absent when the Dockerfile has no such step. */
  moduleLayerCached?: boolean;
  /**
   * The Dockerfile steps of the last sample and whether BuildKit reported each
   * as cached. BuildKit's own flags: RUN steps are exact; a FROM of a local
   * base is never flagged, and with dockerd 20.10 a COPY from the uploaded
   * context may be flagged cached although its content changed (the steps
   * after it do run again).
   */
  steps: StepCache[];
}

/** Build times in three scenarios: cold (no cache), no-op (nothing changed), warm (one-line .go change). */
export interface BuildMetricResult {
  /** The change the warm scenario makes. */
  edit: string;
  /**
   * Whether the first cold sample is the build of the measured image (made
   * with no cache, as every cold sample); absent in older runs.
   */
  firstColdIsImageBuild?: boolean;
  cold: BuildScenarioResult;
  'no-op': BuildScenarioResult;
  warm: BuildScenarioResult;
}

/** Cold pulls over one link. */
export interface PullLinkResult {
  /** `unlimited` (loopback as it is) or a shaped rate such as `100mbit`. */
  link: string;
  bitsPerSecond?: number;
  /** The physical bound: compressed bytes ÷ the link's rate, ms (shaped links only). */
  boundMs?: number;
  /** Request → image ready, as `time docker pull` measures it. */
  durationMs: SampleStatistics;
  /** Request → the last layer downloaded; the rest of `durationMs` is extraction. */
  transferMs: SampleStatistics;
  /** Median duration ÷ bound (shaped links only). */
  boundRatio?: number;
}

/** The variant pushed to the run's registry and pulled cold on the isolated engine. */
export interface PullResult {
  engine: 'isolated';
  /** Layers the isolated engine downloaded at once (Docker's default is 3). */
  maxConcurrentDownloads: number;
  /** Where it wrote the layers: the host's `disk`, or `memory` (a tmpfs). */
  storage: 'disk' | 'memory';
  /** The reference pulled: `127.0.0.1:PORT/imgbench/<service>:<variant>`. */
  reference: string;
  /** Manifest digest. */
  digest: string;
  /** Bytes a pull transfers: config blob plus compressed layers, from the manifest. */
  compressedBytes: number;
  configBytes: number;
  layers: Array<{ digest: string; sizeBytes: number }>;
  /** The one push to the run's registry, ms (gzip on the build engine's cores). */
  pushMs: number;
  links: PullLinkResult[];
}

/** Time from container start (or create) to the first HTTP 200 of the health path. */
export interface StartupResult {
  /** The engine the containers ran on: the isolated one, with the image just pulled. */
  engine: 'isolated';
  /** Spacing of readiness polls from the host, ms. */
  probeIntervalMs: number;
  startToReadyMs: SampleStatistics;
  createToReadyMs: SampleStatistics;
}

/** The service's memory from its cgroup: idle after settling, and after a fixed load. */
export interface MemoryResult {
  engine: 'isolated';
  cgroupVersion: 1 | 2;
  load: { path: string; requests: number; concurrency: number; settleMs: number };
  /** Requests of all samples' loads that did not get a 2xx. */
  loadFailures: number;
  idleRssBytes: SampleStatistics;
  idleCacheBytes: SampleStatistics;
  loadRssBytes: SampleStatistics;
  loadCacheBytes: SampleStatistics;
  /** Highest usage the cgroup recorded (rss + cache), when the kernel keeps it. */
  peakBytes?: SampleStatistics;
}

export interface VariantFailure {
  /** What imgbench was doing: building, measuring the image, or running the service. */
  stage: 'build' | 'measure' | 'build-scenarios' | 'push' | 'pull' | 'startup' | 'memory';
  code: ErrorCode | 'E_UNKNOWN';
  /** The engine's or the tool's own words. */
  message: string;
  /** The last lines of the failing step's output: the compiler's message for a Go error. */
  logTail?: string;
  /** For a failed build step, the engine's own error (`… exit code: 1`). */
  engineError?: string;
}

/**
 * What an image lacks or carries that a service notices in production: read
 * from its files, and (when the service has the `/probe/*` routes, as the
 * sample service does) asked of the running service itself.
 */
export interface GapsResult {
  image: ImageCapabilities;
  /** What the service found in its container; absent when it has no probe routes or did not start. */
  runtime?: RuntimeProbes;
  /** Why there are no runtime answers: `the service has no /probe routes`, or why it did not start. */
  runtimeMissing?: string;
}

/** Figures of a built image; the runtime ones are there when their metric ran. */
export interface VariantFigures {
  imageId: string;
  build: BuildRecord;
  size: SizeFacts;
  gaps?: GapsResult;
  builds?: BuildMetricResult;
  pull?: PullResult;
  startup?: StartupResult;
  memory?: MemoryResult;
}

/** The figures a variant has so far (none while pending). */
export function figuresOf(v: VariantResult): Partial<VariantFigures> {
  return v.state === 'pending' ? {} : v;
}

export type VariantResult =
  | (VariantIdentity & { state: 'ok' } & VariantFigures)
  /** A variant that built but failed to run keeps the figures it has. */
  | (VariantIdentity & { state: 'failed'; failure: VariantFailure } & Partial<VariantFigures>)
  /** Not reached (yet): a run that stopped early keeps these. */
  | (VariantIdentity & { state: 'pending' });

/** The service settings as results.json keeps them: `--env` by variable name, never by value. */
export interface RecordedServiceSettings {
  port: number;
  /** An HTTP path, or `tcp`. */
  ready: string;
  args: string[];
  envNames: string[];
  load: { path: string; requests: number; concurrency: number; settleMs: number };
}

export interface HostFacts {
  platform: string;
  arch: string;
  cpus: number;
  memTotalBytes: number;
  nodeVersion: string;
}

/** How the run was asked to measure: what a second run needs to be comparable. */
export interface RunSettings {
  /** Samples per variant of each repeated metric (build: rounds of the three scenarios). */
  samples: { build: number; pull: number; startup: number; memory: number };
  /** Links pulls were timed over: `unlimited`, then shaped ones such as `100mbit`. */
  links: string[];
  pullConcurrency: number;
  pullStorage: 'disk' | 'memory';
  /** Limits per engine operation, ms. */
  timeoutsMs: { build: number; push: number; pull: number; start: number; ready: number };
  bail: boolean;
  /** The folder of variant Dockerfiles. */
  variantsDir: string;
}

/** Everything one `imgbench run` produced; written as results.json. */
export interface RunResult {
  schemaVersion: typeof SCHEMA_VERSION;
  runId: string;
  tool: { name: 'imgbench'; version: string };
  /** ISO 8601, UTC. */
  startedAt: string;
  finishedAt?: string;
  /** False while the run is going on, or when it stopped before every variant was done. */
  complete: boolean;
  /**
   * What stopped the run early: a signal (figures after it were not written),
   * or `bail`, the first failed variant under `--bail` (later steps did not run;
   * the step it failed in ended with the round it failed in).
   */
  stoppedBy?: 'SIGINT' | 'SIGTERM' | 'bail';
  metrics: MetricName[];
  /** Absent in runs written before it was recorded. */
  settings?: RunSettings;
  host: HostFacts;
  engine: EngineInfo;
  bases: { profile: BaseProfileName; reason: string; images: BaseImage[] };
  service: {
    dir: string;
    mainPackage: string;
    ignoreFile: string;
    /** How it was run (absent in runs written before it was recorded); the environment by name only. */
    runtime?: RecordedServiceSettings;
  };
  variants: VariantResult[];
  /** `--metrics flags`: the service's binary built with each set of flags. */
  binaryFlags?: BinaryFlagsResult;
  /** Why the flags builds gave no result. */
  binaryFlagsFailure?: string;
}
