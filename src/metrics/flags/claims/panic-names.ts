import { checkKind, judged, Missing, trueOrFalse } from '../../claim-kit/check-kind.js';
import { flagsOf } from './flags-of.js';

/** A -s -w binary names its functions in a panic trace (or, `expected: false`, does not). */
export const panicNames = checkKind(
  'panic-names',
  { expected: trueOrFalse.optional() },
  (run, check) => {
    const f = flagsOf(run);
    if (!f.panic) throw new Missing(f.panicMissing ?? 'no panic trace');
    const line = f.panic.trace.split('\n').find((l) => /\bmain\.\w+\(/.test(l));
    return judged(
      f.panic.namesFunction === (check.expected ?? true),
      `-s -w binary with -panic exited ${f.panic.exitCode}; ${line ? `its trace names \`${line.trim()}\`` : 'its trace names no function of package main'}`,
    );
  },
);
