import { posix } from 'node:path';
import type { Engine } from '../engine/engine.js';
import type { LayerSize } from '../engine/layer-sizes.js';
import { ImgbenchError } from '../errors.js';
import { describeNotElf, ELF_HEAD_BYTES, readLinkage } from './elf.js';

export interface BinaryFacts {
  /** Absolute path of the service binary inside the image. */
  path: string;
  sizeBytes: number;
  linkage: 'static' | 'dynamic' | 'not-elf';
  /** The dynamic loader a dynamic binary needs. */
  interpreter?: string;
  /** What a file that is not ELF is instead (`a Go package archive, …`). */
  notElf?: string;
}

/**
 * What an uncompressed size is the sum of: `layer-tars`, the image's layers'
 * uncompressed tar sizes (the same bytes on every engine and image store);
 * `engine`, the engine's own `docker image inspect` `.Size`, which differs by
 * engine and store (runs written before layer tars were summed).
 */
export type SizeBasis = 'layer-tars' | 'engine';
export const SIZE_BASES: readonly SizeBasis[] = ['layer-tars', 'engine'];

export interface SizeFacts {
  /** Uncompressed image size on `basis`: the sum of the layers' tar sizes. */
  sizeBytes: number;
  /** Absent in runs written before it was recorded: those are `engine`. */
  basis?: SizeBasis;
  /** The engine's own figure, `docker image inspect --format '{{.Size}}'` (see the run's engine and store). */
  engineSizeBytes?: number;
  layerCount: number;
  /** Each layer by its digest (`diff_id`), with its uncompressed tar size. */
  layers?: LayerSize[];
  binary: BinaryFacts;
}

/** The basis a recorded size is on. */
export const sizeBasisOf = (size: SizeFacts): SizeBasis => size.basis ?? 'engine';

/** The PATH of a container whose image sets none: the engine's default on Linux (moby's DefaultPathEnv). */
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The folders a bare command name is looked up in: the image's PATH, else the default. */
export function searchPath(env: readonly string[] | undefined): string[] {
  const set = env?.findLast((e) => e.startsWith('PATH='));
  return (set ? set.slice('PATH='.length) : DEFAULT_PATH).split(':').filter(Boolean);
}

/**
 * Where the binary the image runs may be, in the order the runtime tries
 * them: the first word of ENTRYPOINT, else of CMD; with a slash, resolved
 * against WORKDIR; a bare name (`app`, `sh`), in each folder of the image's
 * PATH in turn, as the runtime looks it up.
 */
export function entryBinaryPaths(image: {
  entrypoint: string[];
  cmd: string[];
  workingDir: string;
  env?: readonly string[];
}): string[] {
  const first = image.entrypoint[0] ?? image.cmd[0];
  if (!first) return [];
  if (first.includes('/')) return [posix.resolve(image.workingDir || '/', first)];
  return searchPath(image.env).map((dir) => posix.resolve(image.workingDir || '/', dir, first));
}

/** Size (the layer tars' sum, and the engine's own figure), layers and the service binary of an image. */
export async function measureImageSize(
  engine: Engine,
  ref: string,
  /** Labels for the container the binary is read through (the run id). */
  labels: Record<string, string> = {},
): Promise<SizeFacts> {
  const image = await engine.inspectImage(ref);
  if (!image) throw new ImgbenchError('E_MEASURE', `Image \`${ref}\` is not in the engine`);
  const paths = entryBinaryPaths(image);
  if (paths.length === 0) {
    throw new ImgbenchError('E_MEASURE', `Image \`${ref}\` has neither ENTRYPOINT nor CMD`);
  }
  let file: Awaited<ReturnType<Engine['readImageFile']>>;
  for (const path of paths) {
    file = await engine.readImageFile(ref, path, ELF_HEAD_BYTES, labels);
    if (file) break;
  }
  if (!file) {
    const name = image.entrypoint[0] ?? image.cmd[0];
    throw new ImgbenchError(
      'E_MEASURE',
      paths.length === 1
        ? `Image \`${ref}\` runs \`${paths[0]}\`, which is not in the image`
        : `Image \`${ref}\` runs \`${name}\`, which is in none of the folders of its PATH (${searchPath(image.env).join(':')})`,
    );
  }
  const linkage = readLinkage(file.head);
  const layers = await engine.layerSizes(ref);
  return {
    sizeBytes: layers.reduce((sum, layer) => sum + layer.tarBytes, 0),
    basis: 'layer-tars',
    engineSizeBytes: image.sizeBytes,
    layerCount: image.layerCount,
    layers,
    binary: {
      path: file.resolvedPath,
      sizeBytes: file.sizeBytes,
      linkage: linkage.kind,
      ...(linkage.kind === 'dynamic' ? { interpreter: linkage.interpreter } : {}),
      ...(linkage.kind === 'not-elf' ? { notElf: describeNotElf(file.head) } : {}),
    },
  };
}
