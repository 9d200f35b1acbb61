import { z } from 'zod';
import { sampleStatisticsSchema } from '../../measure/statistics.js';

/** Time from container start (or create) to the first HTTP 200 of the health path. */
export const startupSchema = z.object({
  /** The engine the containers ran on: the isolated one, with the image just pulled. */
  engine: z.literal('isolated'),
  /** Spacing of readiness polls from the host, ms. */
  probeIntervalMs: z.number(),
  startToReadyMs: sampleStatisticsSchema,
  createToReadyMs: sampleStatisticsSchema,
});
export type StartupResult = z.infer<typeof startupSchema>;
