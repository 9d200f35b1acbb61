import { Missing } from '../../claim-kit/check-kind.js';
import { variantOf } from '../../claim-kit/run-reads.js';
import { figuresOf, type GapsResult, type RunResult } from '../../run-result.js';

/** A variant's gaps, or why the run has none. */
export function gapsOf(run: RunResult, name: string): GapsResult {
  const gaps = figuresOf(variantOf(run, name)).gaps;
  if (!gaps) throw new Missing(`the run did not measure gaps for ${name}`);
  return gaps;
}
