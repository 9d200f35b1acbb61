import { z } from 'zod';
import { sampleStatisticsSchema } from '../../measure/statistics.js';

/** One build scenario over all rounds. */
export const buildScenarioSchema = z
  .object({
    durationMs: sampleStatisticsSchema,
    /** Whether `go mod download` was a cache hit in every sample; absent when the Dockerfile has no such step. */
    moduleLayerCached: z.boolean().optional(),
    /**
     * The Dockerfile steps of the last sample and whether BuildKit reported each
     * as cached. BuildKit's own flags: RUN steps are exact; a FROM of a local
     * base is never flagged, and with dockerd 20.10 a COPY from the uploaded
     * context may be flagged cached although its content changed (the steps
     * after it do run again).
     */
    steps: z.array(z.object({ name: z.string(), cached: z.boolean() })),
  })
  .meta({ id: 'BuildScenario' });
export type BuildScenarioResult = z.infer<typeof buildScenarioSchema>;

/** Build times in three scenarios: cold (no cache), no-op (nothing changed), warm (one-line .go change). */
export const buildsSchema = z.object({
  /** The change the warm scenario makes. */
  edit: z.string(),
  /**
   * Whether the first cold sample is the build of the measured image (made
   * with no cache, as every cold sample); absent in older runs.
   */
  firstColdIsImageBuild: z.boolean().optional(),
  /**
   * True when the Dockerfile has BuildKit cache mounts (`RUN
   * --mount=type=cache`): under ids of the run's own, emptied before each
   * cold sample and kept for the no-op and warm ones. Absent: it has none.
   */
  cacheMounts: z.literal(true).optional(),
  cold: buildScenarioSchema,
  'no-op': buildScenarioSchema,
  warm: buildScenarioSchema,
});
export type BuildMetricResult = z.infer<typeof buildsSchema>;
