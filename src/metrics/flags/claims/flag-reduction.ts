import { aNumber, checkKind, judged, nonNegative } from '../../claim-kit/check-kind.js';
import { bytes } from '../../claim-kit/run-reads.js';
import { flagBuild, flagsOf } from './flags-of.js';

/** The binary built with `build`'s flags is smaller than the one without (or than `after`) by about `claimedPct`. */
export const flagReduction = checkKind(
  'flag-reduction',
  { build: flagBuild, after: flagBuild.optional(), claimedPct: aNumber, points: nonNegative },
  (run, check) => {
    const f = flagsOf(run);
    const built = f.binaries[check.build];
    const base = f.binaries[check.after ?? 'plain'];
    const pct = ((base.sizeBytes - built.sizeBytes) / f.binaries.plain.sizeBytes) * 100;
    return judged(
      Math.abs(pct - check.claimedPct) <= check.points,
      `${check.after ?? 'plain'} ${bytes(base.sizeBytes)} → ${check.build} ${bytes(built.sizeBytes)}: ${pct.toFixed(1)} % of the unflagged ${bytes(f.binaries.plain.sizeBytes)} (claimed ${check.claimedPct} % ± ${check.points} points; -s alone: ${f.reductionPct.s.toFixed(1)} %)`,
    );
  },
);
