import { aNumber, checkKind, judged } from '../../claim-kit/check-kind.js';
import { exactBytes } from '../../claim-kit/run-reads.js';
import { flagBuild, flagsOf } from './flags-of.js';

/** The flags build `build` is smaller than `after` (default the unflagged one) by between `min` and `max` bytes. */
export const flagSaving = checkKind(
  'flag-saving',
  { build: flagBuild, after: flagBuild.optional(), min: aNumber, max: aNumber },
  (run, check) => {
    const f = flagsOf(run);
    const built = f.binaries[check.build];
    const base = f.binaries[check.after ?? 'plain'];
    const saved = base.sizeBytes - built.sizeBytes;
    return judged(
      saved >= check.min && saved <= check.max,
      `${check.after ?? 'plain'} ${exactBytes(base.sizeBytes)} → ${check.build} ${exactBytes(built.sizeBytes)}: ${saved >= 0 ? `${exactBytes(saved)} saved` : `${exactBytes(-saved)} more`} (${((saved / base.sizeBytes) * 100).toFixed(2)} %; accepted ${exactBytes(check.min)} to ${exactBytes(check.max)})`,
    );
  },
);
