import { formatFigure } from '../../format/format.js';
import type { BaseReads } from '../../metrics/claim-kit/base-reads.js';
import { Missing, text } from '../../metrics/claim-kit/check-kind.js';
import { okVariant } from '../../metrics/claim-kit/run-reads.js';
import {
  FIGURE_NAMES,
  figureDefinition,
  figuresByName,
  isFigureName,
} from '../../metrics/figures.js';
import type { RunResult } from '../../metrics/run-result.js';
import { describe } from '../../validation/messages.js';

/** A figure's name as the tables give it (`image size`). */
export const figureName = text.refine(isFigureName, {
  error: (issue) => `is ${describe(issue.input)}; expected one of: ${FIGURE_NAMES.join(', ')}`,
});

/** A figure of a variant, or the reason it cannot be had from this run; notes the base it turns on. */
export function figure(run: RunResult, variant: string, name: string, reads: BaseReads) {
  const v = okVariant(run, variant);
  const f = figuresByName(v).get(name);
  if (!f)
    throw new Missing(
      `the run did not measure ${name} for ${variant} (metrics: ${run.metrics.join(', ')})`,
    );
  const basis = figureDefinition(name)?.turnsOn;
  if (basis && basis !== 'none') reads.note(v, basis, 'size', name);
  return f;
}

export type Measured = ReturnType<typeof figure>;

export const show = (f: Measured) => formatFigure(f.value, f.unit);

/**
 * A timed claim compares two variants of one run, whose i-th samples come
 * from the same round: the claim's figure (a reduction, a ratio) is taken
 * round by round, and the verdict stands only when every round gives it.
 * When rounds disagree the machine's noise decides, and the claim is
 * inconclusive with the rounds' range. Exact figures (sizes) have one value.
 */
export function byRound(
  a: Measured,
  b: Measured,
  of: (x: number, y: number) => number,
  ok: (value: number) => boolean,
  format: (value: number) => string,
): { verdict?: 'inconclusive'; note: string } {
  const rounds =
    a.samples && b.samples && a.samples.length === b.samples.length && a.samples.length >= 2
      ? a.samples.map((x, i) => of(x, b.samples?.[i] ?? Number.NaN))
      : undefined;
  if (!rounds) return { note: '' };
  const low = format(Math.min(...rounds));
  const high = format(Math.max(...rounds));
  const decided = rounds.every((r) => ok(r)) || rounds.every((r) => !ok(r));
  return decided
    ? { note: `; each of ${rounds.length} rounds ${low} to ${high}` }
    : {
        verdict: 'inconclusive',
        note: `; the ${rounds.length} rounds disagree (${low} to ${high}): the machine's noise, not the images, would decide`,
      };
}
