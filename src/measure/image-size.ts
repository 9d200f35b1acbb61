import { posix } from 'node:path';
import type { Engine } from '../engine/engine.js';
import { ImgbenchError } from '../errors.js';
import { ELF_HEAD_BYTES, readLinkage } from './elf.js';

export interface BinaryFacts {
  /** Absolute path of the service binary inside the image. */
  path: string;
  sizeBytes: number;
  linkage: 'static' | 'dynamic' | 'not-elf';
  /** The dynamic loader a dynamic binary needs. */
  interpreter?: string;
}

export interface SizeFacts {
  /** Uncompressed image size, equal to `docker image inspect --format '{{.Size}}'`. */
  sizeBytes: number;
  layerCount: number;
  binary: BinaryFacts;
}

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

/** Size, layers and the service binary of an image, all read from the engine. */
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
  return {
    sizeBytes: image.sizeBytes,
    layerCount: image.layerCount,
    binary: {
      path: file.resolvedPath,
      sizeBytes: file.sizeBytes,
      linkage: linkage.kind,
      ...(linkage.kind === 'dynamic' ? { interpreter: linkage.interpreter } : {}),
    },
  };
}
