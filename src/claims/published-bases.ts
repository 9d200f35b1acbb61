import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { packageRoot } from '../paths.js';
import { firstProblem } from '../validation/messages.js';

/** The published size of one upstream base image, with where and when it was published. */
export interface PublishedBase {
  image: string;
  /** The tag whose figure was read (`golang:1.24.12-bookworm`). */
  read: string;
  /** Uncompressed bytes, linux/amd64. */
  sizeBytes: number;
  /** The figure as its source prints it. */
  printed: string;
  source: string;
  date: string;
}

const publishedSchema = z.object({
  about: z.string(),
  images: z.array(
    z.object({
      image: z.string().min(1),
      read: z.string().min(1),
      sizeBytes: z.number().int().positive(),
      printed: z.string(),
      source: z.string().min(1),
      date: z.string().min(1),
    }),
  ),
});

/** The table of published base sizes that ships with the claims. */
export const publishedBasesFile = (): string => join(packageRoot(), 'bench', 'upstream-bases.json');

let packaged: Map<string, PublishedBase> | undefined;

/** The published sizes, by upstream image name; read once per process. */
export function publishedBases(): Map<string, PublishedBase> {
  if (packaged) return packaged;
  const path = publishedBasesFile();
  const parsed = publishedSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    throw new UsageError(`Invalid published bases file \`${path}\`: ${firstProblem(parsed.error)}`);
  }
  packaged = new Map(parsed.data.images.map((entry) => [entry.image, entry]));
  return packaged;
}
