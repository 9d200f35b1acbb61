import { z } from 'zod';
import { sampleStatisticsSchema } from '../../measure/statistics.js';

/** The service's memory from its cgroup: idle after settling, and after a fixed load. */
export const memorySchema = z.object({
  engine: z.literal('isolated'),
  cgroupVersion: z.union([z.literal(1), z.literal(2)]),
  load: z.object({
    path: z.string(),
    requests: z.number().int(),
    concurrency: z.number().int(),
    settleMs: z.number(),
  }),
  /** Requests of all samples' loads that did not get a 2xx. */
  loadFailures: z.number().int(),
  idleRssBytes: sampleStatisticsSchema,
  idleCacheBytes: sampleStatisticsSchema,
  loadRssBytes: sampleStatisticsSchema,
  loadCacheBytes: sampleStatisticsSchema,
  /** Highest usage the cgroup recorded (rss + cache), when the kernel keeps it. */
  peakBytes: sampleStatisticsSchema.optional(),
});
export type MemoryResult = z.infer<typeof memorySchema>;
