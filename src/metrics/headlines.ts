import type { Headline } from './metric.js';
import { metricList } from './registry.js';

/** Every metric's headline figures, in registry order (see Headline). */
export const HEADLINES: readonly Headline[] = metricList().flatMap((m) => m.headlines ?? []);

/** The headline figures' names: the tables `imgbench history` prints by default. */
export const HEADLINE_FIGURES: readonly string[] = HEADLINES.map((h) => h.figure);
