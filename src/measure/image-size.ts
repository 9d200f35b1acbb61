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

/** The binary the image runs: the first word of ENTRYPOINT, else of CMD, resolved against WORKDIR. */
export function entryBinaryPath(image: {
  entrypoint: string[];
  cmd: string[];
  workingDir: string;
}): string | undefined {
  const first = image.entrypoint[0] ?? image.cmd[0];
  if (!first) return undefined;
  return posix.resolve(image.workingDir || '/', first);
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
  const path = entryBinaryPath(image);
  if (!path) {
    throw new ImgbenchError('E_MEASURE', `Image \`${ref}\` has neither ENTRYPOINT nor CMD`);
  }
  const file = await engine.readImageFile(ref, path, ELF_HEAD_BYTES, labels);
  if (!file) {
    throw new ImgbenchError(
      'E_MEASURE',
      `Image \`${ref}\` runs \`${path}\`, which is not in the image`,
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
