import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Engine } from '../../engine/engine.js';
import { managedLabels } from '../../engine/labels.js';
import { runToExit } from '../../engine/run-to-exit.js';
import { errorMessage, ImgbenchError } from '../../errors.js';
import { variantsDir } from '../../paths.js';
import { buildService } from '../../service/build-context.js';
import { type ServiceSource, serviceBuildArgs } from '../../service/service-context.js';
import { buildPathsIn } from '../gaps/capabilities.js';

/** The Dockerfile that builds the service once per set of flags (in the package's variants folder). */
export const BINARY_FLAGS_DOCKERFILE = 'binary-flags.Dockerfile';

/** The binaries it leaves in /out, by the flags they were built with. */
export const FLAG_BUILDS = {
  plain: 'no flags',
  w: '-ldflags="-w"',
  s: '-ldflags="-s"',
  sw: '-ldflags="-s -w"',
  trimpath: '-trimpath -ldflags="-s -w"',
} as const;
export type FlagBuild = keyof typeof FLAG_BUILDS;

interface Built {
  sizeBytes: number;
  sha256: string;
  /** Absolute .go paths of the build machine in the binary. */
  buildPaths: number;
}

/** What each flag does to the service's binary, measured on one builder. */
export interface BinaryFlagsResult {
  /** The builder image (the golang-alpine role). */
  builder: string;
  binaries: Record<FlagBuild, Built>;
  /** Size saved against the build without flags, in percent. */
  reductionPct: Record<Exclude<FlagBuild, 'plain'>, number>;
  /**
   * The same source built again from another folder: whether the bytes are
   * the same without -trimpath and with it.
   */
  elsewhere: { withoutTrimpath: boolean; withTrimpath: boolean };
  /** The -s -w binary run with `-panic`: its exit code and what the trace names. */
  panic?: { exitCode: number; trace: string; namesFunction: boolean };
  /** Why there is no panic trace (a service without the `-panic` flag). */
  panicMissing?: string;
}

const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/**
 * Builds the service's main package with each set of flags (one image, not
 * timed), reads the binaries' sizes and bytes, runs the stripped one with
 * `-panic`, and removes the image.
 */
export async function measureBinaryFlags(
  engine: Engine,
  build: {
    source: ServiceSource;
    fallbackIgnoreFile: string;
    tag: string;
    builder: string;
    mainPackage: string;
    labels: Record<string, string>;
    timeoutMs: number;
  },
): Promise<BinaryFlagsResult> {
  const dockerfile = await readFile(join(variantsDir(), BINARY_FLAGS_DOCKERFILE), 'utf8');
  const outcome = await buildService(engine, {
    source: build.source,
    dockerfile,
    fallbackIgnoreFile: build.fallbackIgnoreFile,
    tag: build.tag,
    buildArgs: {
      ...serviceBuildArgs(build),
      GOLANG_ALPINE_IMAGE: build.builder,
    },
    labels: managedLabels('build-metric-image', build.labels),
    timeoutMs: build.timeoutMs,
  });
  try {
    const files = await engine.scanImageFiles(
      outcome.imageId,
      (path) => path.startsWith('/out/'),
      build.labels,
    );
    const read = (name: string): Buffer => {
      const bytes = files.contents.get(`/out/${name}`);
      if (!bytes) throw new ImgbenchError('E_MEASURE', `The flags build left no /out/${name}`);
      return bytes;
    };
    const binaries = Object.fromEntries(
      (Object.keys(FLAG_BUILDS) as FlagBuild[]).map((name) => {
        const bytes = read(name);
        return [
          name,
          { sizeBytes: bytes.length, sha256: sha256(bytes), buildPaths: buildPathsIn(bytes).count },
        ];
      }),
    ) as Record<FlagBuild, Built>;
    const saved = (name: FlagBuild) =>
      (1 - binaries[name].sizeBytes / binaries.plain.sizeBytes) * 100;
    const result: BinaryFlagsResult = {
      builder: build.builder,
      binaries,
      reductionPct: { w: saved('w'), s: saved('s'), sw: saved('sw'), trimpath: saved('trimpath') },
      elsewhere: {
        withoutTrimpath: sha256(read('sw-elsewhere')) === binaries.sw.sha256,
        withTrimpath: sha256(read('trimpath-elsewhere')) === binaries.trimpath.sha256,
      },
    };
    try {
      const exited = await runToExit(
        engine,
        { image: outcome.imageId, labels: build.labels, networkDisabled: true },
        30_000,
      );
      if (/flag provided but not defined: -panic/.test(exited.output)) {
        result.panicMissing = 'the service has no -panic flag (the sample service has it)';
      } else {
        result.panic = {
          exitCode: exited.exitCode,
          trace: exited.output,
          namesFunction: /\bmain\.\w+\(/.test(exited.output),
        };
      }
    } catch (error) {
      result.panicMissing = `the -s -w binary run with -panic: ${errorMessage(error)}`;
    }
    return result;
  } finally {
    await engine.removeImage(outcome.imageId, { force: true }).catch(() => {});
  }
}
