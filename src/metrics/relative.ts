import { z } from 'zod';
import { FIGURE_DEFINITIONS } from './figures.js';
import { referenceOf, relativeFigureSchema, relativeOfFigure } from './ratio.js';
import type { RunResult } from './run-result.js';
import { figuresOf } from './run-result.js';

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
  for (const definition of FIGURE_DEFINITIONS) {
    // The names this definition takes in the run (a family: one per link).
    const names = new Set(
      run.variants.flatMap((v) => definition.read(figuresOf(v)).map(([name]) => name)),
    );
    for (const name of names) {
      for (const [variant, relative] of relativeOfFigure(run, definition, name)) {
        figures[variant] = { ...figures[variant], [name]: relative };
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
