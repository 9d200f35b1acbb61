import { z } from 'zod';
import { sampleStatisticsSchema } from '../../measure/statistics.js';

/** Cold pulls over one link. */
export const pullLinkSchema = z.object({
  /** `unlimited` (loopback as it is) or a shaped rate such as `100mbit`. */
  link: z.string(),
  bitsPerSecond: z.number().optional(),
  /** The physical bound: compressed bytes ÷ the link's rate, ms (shaped links only). */
  boundMs: z.number().optional(),
  /** Request → image ready, as `time docker pull` measures it. */
  durationMs: sampleStatisticsSchema,
  /** Request → the last layer downloaded; the rest of `durationMs` is extraction. */
  transferMs: sampleStatisticsSchema,
  /** Median duration ÷ bound (shaped links only). */
  boundRatio: z.number().optional(),
});
export type PullLinkResult = z.infer<typeof pullLinkSchema>;

/** The variant pushed to the run's registry and pulled cold on the isolated engine. */
export const pullSchema = z.object({
  engine: z.literal('isolated'),
  /** Layers the isolated engine downloaded at once (Docker's default is 3). */
  maxConcurrentDownloads: z.number().int(),
  /** Where it wrote the layers: the host's `disk`, or `memory` (a tmpfs). */
  storage: z.enum(['disk', 'memory']),
  /** The reference pulled: `127.0.0.1:PORT/imgbench/<service>:<variant>`. */
  reference: z.string(),
  /** Manifest digest. */
  digest: z.string(),
  /** Bytes a pull transfers: config blob plus compressed layers, from the manifest. */
  compressedBytes: z.number().int(),
  configBytes: z.number().int(),
  layers: z.array(z.object({ digest: z.string(), sizeBytes: z.number().int() })),
  /** The one push to the run's registry, ms (gzip on the build engine's cores). */
  pushMs: z.number(),
  links: z.array(pullLinkSchema),
});
export type PullResult = z.infer<typeof pullSchema>;
