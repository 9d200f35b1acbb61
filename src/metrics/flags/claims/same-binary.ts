import { checkKind, judged, text, trueOrFalse } from '../../claim-kit/check-kind.js';
import { binaryOf, compilersNote, exactBytes, variantOf } from '../../claim-kit/run-reads.js';
import { flagBuild, flagsOf } from './flags-of.js';

/** The variant's binary has the same size as the flags build `build` (`expected: true`), or differs. */
export const sameBinary = checkKind(
  'same-binary',
  { variant: text, build: flagBuild, expected: trueOrFalse },
  (run, check, reads) => {
    const v = variantOf(run, check.variant);
    reads.note(v, 'builder', 'contents');
    const b = binaryOf(run, check.variant);
    const built = flagsOf(run).binaries[check.build];
    const same = b.sizeBytes === built.sizeBytes;
    return judged(
      same === check.expected,
      `${check.variant} binary ${exactBytes(b.sizeBytes)} ${same ? '=' : '≠'} flags build ${check.build} ${exactBytes(built.sizeBytes)}${same ? ': the same size to the byte' : ''}${compilersNote(run, v)}`,
    );
  },
);
