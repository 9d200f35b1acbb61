import { z } from 'zod';
import type { RunResult } from '../types.js';
import { figuresOf } from '../types.js';
import { computeRelative, referenceOf, relativeFigureSchema } from './ratio.js';
import { metricList } from './registry.js';

/** Every variant's repeated figures against the reference variant and against their rounds. */
export const relativeSchema = z.object({
  /** The variant `ref` ratios are taken against. */
  reference: z.string(),
  /** By variant, then figure name (`startup start→ready`). */
  figures: z.record(z.string(), z.record(z.string(), relativeFigureSchema)),
  /** Why there are none: the reference failed, or no repeated metric ran. */
  missing: z.string().optional(),
});
export type RelativeFigures = z.infer<typeof relativeSchema>;

/**
 * Every repeated figure of every ok variant, set against the reference and
 * against its rounds; exact figures (sizes) have no rounds and none here.
 */
export function relativeFigures(run: RunResult): RelativeFigures | undefined {
  const reference = referenceOf(run);
  if (reference === undefined) return undefined;
  const figures: RelativeFigures['figures'] = {};
  for (const definition of metricList().flatMap((m) => m.figures ?? [])) {
    for (const v of run.variants) {
      for (const [name, figure] of definition.read(figuresOf(v))) {
        if (!figure.samples || v.state !== 'ok') continue;
        const relative = computeRelative(run, v.name, definition, name);
        if (!relative) continue;
        figures[v.name] = { ...figures[v.name], [name]: relative };
      }
    }
  }
  const ref = run.variants.find((v) => v.name === reference);
  const missing =
    ref?.state === 'failed'
      ? `the reference variant ${reference} failed (${ref.failure.stage})`
      : Object.keys(figures).length === 0
        ? 'the run has no repeated figures'
        : undefined;
  return { reference, figures, ...(missing ? { missing } : {}) };
}

const computed = new WeakMap<RunResult, RelativeFigures | undefined>();

/** The run's relative figures: as it recorded them, else from its samples (runs before they were recorded). */
export function relativeOf(run: RunResult): RelativeFigures | undefined {
  if (run.relative) return run.relative;
  if (!computed.has(run)) computed.set(run, relativeFigures(run));
  return computed.get(run);
}
