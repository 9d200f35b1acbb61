import { z } from 'zod';
import { Missing } from '../../claim-kit/check-kind.js';
import type { RunResult } from '../../run-result.js';
import { FLAG_BUILDS, type FlagBuild } from '../binary-flags.js';

/** The run's flags builds, or why it has none. */
export function flagsOf(run: RunResult) {
  if (run.binaryFlags) return run.binaryFlags;
  throw new Missing(
    run.binaryFlagsFailure
      ? `the flags builds failed: ${run.binaryFlagsFailure}`
      : `the run did not build the flag binaries (metrics: ${run.metrics.join(', ')})`,
  );
}

/** One of the flags builds, by name (`sw` for -s -w). */
export const flagBuild = z.enum(Object.keys(FLAG_BUILDS) as [FlagBuild]);
