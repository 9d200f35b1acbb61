import type { BaseImage, BaseProfileName } from './bases/base-roles.js';
import type { EngineInfo } from './engine/engine.js';
import type { ErrorCode } from './errors.js';
import type { SizeFacts } from './measure/image-size.js';

/** Version of the results.json layout; bumped on any incompatible change (see results/README.md). */
export const SCHEMA_VERSION = 1;

/** Metrics `imgbench run --metrics` accepts. */
export const METRICS = ['size'] as const;
export type MetricName = (typeof METRICS)[number];

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

export interface VariantFailure {
  /** What imgbench was doing: building the image or measuring it. */
  stage: 'build' | 'measure';
  code: ErrorCode | 'E_UNKNOWN';
  /** The engine's or the tool's own words. */
  message: string;
  /** The last lines of the failing step's output: the compiler's message for a Go error. */
  logTail?: string;
  /** For a failed build step, the engine's own error (`… exit code: 1`). */
  engineError?: string;
}

export type VariantResult =
  | (VariantIdentity & { state: 'ok'; imageId: string; build: BuildRecord; size: SizeFacts })
  | (VariantIdentity & { state: 'failed'; failure: VariantFailure })
  /** Not reached (yet): a run that stopped early keeps these. */
  | (VariantIdentity & { state: 'pending' });

export interface HostFacts {
  platform: string;
  arch: string;
  cpus: number;
  memTotalBytes: number;
  nodeVersion: string;
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
  metrics: MetricName[];
  host: HostFacts;
  engine: EngineInfo;
  bases: { profile: BaseProfileName; reason: string; images: BaseImage[] };
  service: { dir: string; mainPackage: string; ignoreFile: string };
  variants: VariantResult[];
}
